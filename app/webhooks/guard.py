"""Where a webhook may go (server-side request forgery): https to public addresses only.

The host is resolved and every address it resolves to is checked, at registration and again
before every attempt (a name that resolved to a public address yesterday may resolve to
169.254.169.254 today); the delivery then connects to the address that was checked, never
resolving the name a second time. `CALIBRATE_ALLOW_HTTP_WEBHOOKS=1` lets loopback addresses
through, over http too, for local receivers and tests; private, link-local, multicast and
reserved addresses stay refused."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
HTTPS_ONLY = "the URL must start with https:// (http only to loopback, with CALIBRATE_ALLOW_HTTP_WEBHOOKS=1)"
getaddrinfo = socket.getaddrinfo  # the resolver (a module attribute, so tests can stand in a DNS answer)


class UnsafeURL(ValueError):
    """A webhook URL that Calibrate refuses to call, and why."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`address`) and what to call it (`host`)."""

    scheme: str
    host: str
    port: int
    path: str
    address: IPAddress

    @property
    def connect_url(self) -> str:
        """The URL with the checked address in place of the name (no second lookup)."""
        ip = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{self.scheme}://{ip}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        """The `Host` header the receiver expects."""
        default = 443 if self.scheme == "https" else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


def _kind_refused(ip: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why an address is refused ("private", "link-local", …), or None when it is allowed."""
    mapped = getattr(ip, "ipv4_mapped", None)
    ip = mapped or ip
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    for kind in ("link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        infos = getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(f"{host} does not resolve ({exc})") from None
    found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    if not found:
        raise UnsafeURL(f"{host} does not resolve")
    return found


def _parts(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        raise UnsafeURL("the URL is not valid") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UnsafeURL("the URL must start with https://")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("the URL must not carry a user name or password")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise UnsafeURL("the URL's port is not valid") from None
    if not parts.hostname:
        raise UnsafeURL("the URL has no host")
    path = parts.path or "/"
    return scheme, parts.hostname, port, path + (f"?{parts.query}" if parts.query else "")


def check(url: str, *, allow_loopback: bool) -> Target:
    """Resolve the URL's host and check every address; UnsafeURL says why it is refused."""
    scheme, host, port, path = _parts(url)
    if scheme == "http" and not allow_loopback:
        raise UnsafeURL(HTTPS_ONLY)
    addresses = _addresses(host, port)
    for ip in addresses:
        if kind := _kind_refused(ip, allow_loopback=allow_loopback):
            raise UnsafeURL(f"{host} resolves to {ip}, a {kind} address; webhooks go to public addresses only")
    if scheme == "http" and not all((getattr(ip, "ipv4_mapped", None) or ip).is_loopback for ip in addresses):
        raise UnsafeURL(HTTPS_ONLY)
    return Target(scheme, host, port, path, addresses[0])
