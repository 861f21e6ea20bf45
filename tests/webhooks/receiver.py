"""A real webhook receiver on loopback: a thread running http.server that answers from a script
of status codes and checks every signature with the function of docs/webhooks.md."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_verify() -> Callable[..., bool]:
    """The verification function exactly as docs/webhooks.md prints it."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    source = next(b for b in blocks if "def verify_calibrate_signature" in b)
    namespace: dict[str, Any] = {}
    exec(compile(source, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify_calibrate_signature"]


@dataclass
class Received:
    """One request the receiver got, and what it answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    signature_ok: bool


@dataclass
class Receiver:
    """Answers each POST with the next scripted status (then `default`), recording everything."""

    secret: str = ""
    script: list[int] = field(default_factory=list)
    default: int = 200
    location: str | None = None
    port: int = 0
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def acknowledged(self) -> list[Received]:
        """The requests answered with a 2xx."""
        return [r for r in self.received if 200 <= r.status < 300]

    def start(self) -> Receiver:
        verify, receiver = documented_verify(), self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.script.pop(0) if receiver.script else receiver.default
                ok = verify(receiver.secret, body, self.headers.get("Calibrate-Signature", ""))
                receiver.received.append(Received(self.path, dict(self.headers.items()), body, status, ok))
                self.send_response(status)
                if receiver.location and 300 <= status < 400:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
