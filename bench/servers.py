"""Start and stop the app and the bare baseline as real server processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process on a free port, stopped on exit."""

    def __init__(self, argv: list[str], env: dict[str, str], health: str, log: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")
        argv = [a.replace("{port}", str(self.port)) for a in argv]
        self.process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait(health)

    def _wait(self, health: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                if httpx.get(self.base_url + health, timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def require_running(self, name: str) -> None:
        """BenchRefused when the server process has exited (a run against it measured nothing)."""
        if self.process.poll() is not None:
            from bench.load import BenchRefused

            raise BenchRefused(f"{name}: the server exited during the run: {Path(self.log.name).read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def app_server(env: dict[str, str], workers: int, log: Path) -> Server:
    """`calibrate serve` with `workers` processes."""
    return Server([sys.executable, "-m", "app.cli", "serve", "--port", "{port}", "--workers", str(workers)],
                  env, "/healthz", log)


def bare_server(env: dict[str, str], workers: int, log: Path) -> Server:
    """The bare INSERT … ON CONFLICT endpoint under uvicorn with `workers` processes."""
    from bench.bare_app import create_table

    create_table(env["BENCH_DATABASE_URL"])  # here, once: the workers would race on the DDL
    return Server([sys.executable, "-m", "uvicorn", "--factory", "bench.bare_app:build", "--port", "{port}",
                   "--workers", str(workers), "--log-level", "warning"], env, "/docs", log)


def environment(database_url: str) -> dict[str, str]:
    """The servers' environment: this database, a fixed secret, no AI."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(DATABASE_URL=database_url, BENCH_DATABASE_URL=database_url, CALIBRATE_SECRET_KEY="bench-secret")
    return env
