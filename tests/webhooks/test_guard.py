"""Server-side request forgery: where webhooks may go, checked at registration and delivery."""

from __future__ import annotations

import socket

import pytest

from app.webhooks import guard
from app.webhooks.models import PENDING
from tests.webhooks.conftest import deliveries, make_endpoint, send
from tests.webhooks.receiver import Receiver


def answer(monkeypatch: pytest.MonkeyPatch, mapping: dict[str, str]) -> None:
    """Stand in a DNS answer for these names (everything else resolves as usual)."""
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        return real(mapping.get(host, host), port, *args, **kwargs)

    monkeypatch.setattr(guard, "getaddrinfo", fake)


@pytest.mark.parametrize(("url", "reason"), [
    ("https://10.1.2.3/hook", "private"),
    ("https://192.168.0.10/hook", "private"),
    ("https://169.254.169.254/latest/meta-data", "link-local"),
    ("https://[fe80::1]/hook", "link-local"),
    ("https://224.0.0.1/hook", "multicast"),
    ("https://0.0.0.0/hook", "unspecified"),
    ("https://127.0.0.1/hook", "loopback"),
    ("https://[::ffff:10.0.0.1]/hook", "private"),
    ("https://100.64.0.1/hook", "non-public"),
])
def test_guard_refuses_addresses_that_are_not_public(url, reason):
    with pytest.raises(guard.UnsafeURL, match=reason):
        guard.check(url, allow_loopback=False)


def test_guard_refuses_http_without_the_setting():
    with pytest.raises(guard.UnsafeURL, match="https"):
        guard.check("http://127.0.0.1:8080/hook", allow_loopback=False)
    with pytest.raises(guard.UnsafeURL, match="https"):
        guard.check("http://93.184.216.34/hook", allow_loopback=False)
    with pytest.raises(guard.UnsafeURL, match="https"):
        guard.check("ftp://files.example.com/hook", allow_loopback=True)


def test_guard_setting_allows_loopback_only():
    assert str(guard.check("http://127.0.0.1:8080/hook", allow_loopback=True).address) == "127.0.0.1"
    with pytest.raises(guard.UnsafeURL, match="private"):
        guard.check("http://10.0.0.1/hook", allow_loopback=True)
    with pytest.raises(guard.UnsafeURL, match="link-local"):
        guard.check("https://169.254.169.254/", allow_loopback=True)


def test_guard_refuses_a_name_resolving_to_a_private_address(monkeypatch):
    answer(monkeypatch, {"hooks.example.test": "10.9.8.7"})
    with pytest.raises(guard.UnsafeURL, match="10.9.8.7, a private"):
        guard.check("https://hooks.example.test/in", allow_loopback=False)


def test_guard_refuses_credentials_in_the_url():
    with pytest.raises(guard.UnsafeURL, match="password"):
        guard.check("https://user:pw@example.com/hook", allow_loopback=False)


@pytest.mark.parametrize("url", ["https://[::1/hook", "https://[fe80::1%zz/hook", "https://exa mple.com:99999/x"])
def test_guard_refuses_urls_that_do_not_parse(url):
    with pytest.raises(guard.UnsafeURL):
        guard.check(url, allow_loopback=False)


def test_guard_checks_again_at_delivery_time(committed, worker, loopback_allowed, monkeypatch):
    receiver = Receiver().start()
    try:
        answer(monkeypatch, {"rebind.example.test": "127.0.0.1"})  # at registration: our loopback receiver
        endpoint, receiver.secret = make_endpoint(committed, f"http://rebind.example.test:{receiver.port}/hook")
        answer(monkeypatch, {"rebind.example.test": "169.254.169.254"})  # then the name moves
        event = send(committed, [endpoint])
        worker.run_once()
        [row] = deliveries(committed, event)
        assert row.status == PENDING and row.error.startswith("refused:") and "link-local" in row.error
        assert receiver.received == []
    finally:
        receiver.stop()


def test_guard_delivery_connects_to_the_checked_address_with_the_name_as_host(committed, worker, loopback_allowed,
                                                                              monkeypatch):
    receiver = Receiver().start()
    try:
        answer(monkeypatch, {"receiver.example.test": "127.0.0.1"})
        endpoint, receiver.secret = make_endpoint(committed, f"http://receiver.example.test:{receiver.port}/hook?x=1")
        send(committed, [endpoint])
        worker.run_once()
        [got] = receiver.received
        assert got.headers["Host"] == f"receiver.example.test:{receiver.port}" and got.path == "/hook?x=1"
        assert got.signature_ok
    finally:
        receiver.stop()


def test_guard_setting_still_refuses_http_to_public_addresses():
    with pytest.raises(guard.UnsafeURL, match="https"):
        guard.check("http://93.184.216.34/hook", allow_loopback=True)
