"""The benchmark cannot lie: only successful responses count, and a run with failures on either
side stops the bench with exit status 1 and no figures (bench/load.py, bench/autosave.py)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest

from bench import main as bench_main
from bench.autosave import compare
from bench.load import BenchRefused, LoadResult, run_load


class FlakyServer:
    """A keep-alive HTTP/1.1 server on a thread of its own that fails every `fail_every`-th request."""

    def __init__(self, fail_every: int):
        self.fail_every = fail_every
        self.served = 0
        self.loop = asyncio.new_event_loop()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        started = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(started,), daemon=True)
        self.thread.start()
        assert started.wait(5)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (request := await reader.readline()) and request.strip():
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                length = int(value) if name.lower() == "content-length" else length
            await reader.readexactly(length)
            self.served += 1
            status = b"500 Internal Server Error" if self.served % self.fail_every == 0 else b"200 OK"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        writer.close()

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        started.set()
        self.loop.run_forever()
        server.close()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def flaky() -> Iterator[FlakyServer]:
    server = FlakyServer(fail_every=4)
    yield server
    server.stop()


def _save(worker: int, n: int) -> tuple[str, str, dict]:
    return "PUT", f"/bare/answer-{worker}", {"text": "draft", "revision": n}


def test_failed_responses_are_not_throughput(flaky):
    result = run_load(f"http://127.0.0.1:{flaky.port}", _save, connections=4, seconds=0.3)
    assert result.requests > 20 and result.errors > 0
    assert result.ok == result.requests - result.errors == len(result.latencies)
    assert result.rps == pytest.approx(result.ok / result.seconds)
    assert result.failures["500"] == result.errors
    with pytest.raises(BenchRefused, match="bare: .* requests failed .*500"):
        result.require_clean("bare")


def test_a_server_that_is_not_there_is_refused():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_load(f"http://127.0.0.1:{port}", _save, connections=2, seconds=0.1)
    assert result.ok == 0 and result.rps == 0
    with pytest.raises(BenchRefused, match="ConnectionRefusedError"):
        result.require_clean("autosave")


def _result(requests: int, errors: int) -> LoadResult:
    return LoadResult(requests, errors, 1.0, [0.01] * (requests - errors))


@pytest.mark.parametrize("bare_errors, save_errors", [(1, 0), (0, 1), (900, 0)])
def test_no_ratio_from_a_run_with_errors_on_either_side(bare_errors, save_errors):
    with pytest.raises(BenchRefused):
        compare(_result(1000, bare_errors), _result(500, save_errors))
    assert compare(_result(1000, 0), _result(500, 0))["autosave_ratio"] == "0.50"


def test_the_bench_exits_non_zero_and_prints_no_figures(monkeypatch, capsys, flaky):
    def run(sections, quick, workdir):  # type: ignore[no-untyped-def]
        bare = run_load(f"http://127.0.0.1:{flaky.port}", _save, connections=2, seconds=0.2)
        return {"db": "postgresql"} | compare(bare, _result(500, 0))

    monkeypatch.setattr(bench_main, "run", run)
    monkeypatch.setattr("sys.argv", ["bench", "--quick"])
    with pytest.raises(SystemExit) as exited:
        bench_main.main()
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert "autosave_ratio" not in out and "db=" not in out
    assert "REFUSED" in err and "bare endpoint" in err
