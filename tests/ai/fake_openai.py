"""A small OpenAI-compatible HTTP server for tests: scripted answers to /v1/chat/completions,
/v1/audio/speech (binary audio) and /v1/audio/transcriptions (multipart uploads).

Each request takes the next scripted reply (the last one repeats), so a test can say "answer
500 every time" or "sleep past the client's timeout". A reply may also be a function of the
request (`Responder`), so a test can script a model that reacts to what it is sent, e.g. one that
obeys an instruction hidden in a candidate's answer. Requests are recorded for assertions."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted reply: a status, a JSON body, and an optional delay before answering."""

    status: int = 200
    body: Any = None  # JSON, or bytes sent as they are with `content_type`
    delay: float = 0.0
    content_type: str = "application/json"


def completion(content: str | None, *, refusal: str | None = None, model: str = "fake-model") -> dict[str, Any]:
    """A chat.completion body with one choice."""
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": refusal}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


Responder = Callable[[dict[str, Any]], Reply]
"""A reply computed from the recorded request (`{"path", "body", ...}`)."""


def content(value: Any) -> Reply:
    """A successful chat completion whose message content is `value` (JSON-encoded unless a str)."""
    return Reply(200, completion(value if isinstance(value, str) else json.dumps(value)))


def suggestions(items: list[Any]) -> Reply:
    """A successful reply whose content is scorecard suggestions as the schema asks."""
    return content({"suggestions": items})


def prompt_of(request: dict[str, Any]) -> str:
    """Every message text of a chat completion request, joined."""
    return "\n".join(m.get("content") or "" for m in request["body"].get("messages", []))


def answer(questions: list[dict[str, Any]]) -> Reply:
    """A successful reply whose content is the questions as the schema asks."""
    return Reply(200, completion(json.dumps({"questions": questions})))


def parse_body(content_type: str, raw: bytes) -> Any:
    """A request body as a test reads it: JSON as data; a multipart form as {field: text, or for
    a file {"filename", "content_type", "data"}}."""
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            if part.get_filename():
                fields[name] = {"filename": part.get_filename(), "content_type": part.get_content_type(), "data": data}
            elif name in fields:  # a repeated field (timestamp_granularities[])
                fields[name] = [*(fields[name] if isinstance(fields[name], list) else [fields[name]]), data.decode()]
            else:
                fields[name] = data.decode()
        return fields
    return json.loads(raw or b"{}")


def transcription(segments: list[tuple[float, float, str]], *, duration: float = 5.0) -> Reply:
    """A verbose_json transcription with these (start, end, text) segments."""
    body = {"task": "transcribe", "language": "english", "duration": duration,
            "text": " ".join(text for _, _, text in segments),
            "segments": [{"id": i, "seek": 0, "start": start, "end": end, "text": text, "tokens": [],
                          "temperature": 0.0, "avg_logprob": -0.1, "compression_ratio": 1.0, "no_speech_prob": 0.0}
                         for i, (start, end, text) in enumerate(segments)]}
    return Reply(200, body)


@dataclass
class FakeOpenAI:
    """The running server: its base URL, the script and the requests it received."""

    replies: list[Reply | Responder] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *replies: Reply | Responder) -> None:
        """Set the replies for the next requests (the last one repeats)."""
        self.replies = list(replies)

    def next_reply(self, request: dict[str, Any]) -> Reply:
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(request) if callable(reply) else reply

    def start(self) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                content_type = self.headers.get("content-type", "")
                request = {"path": self.path, "body": parse_body(content_type, raw),
                           "content_type": content_type, "authorization": self.headers.get("authorization")}
                fake.requests.append(request)
                reply = fake.next_reply(request)
                if reply.delay:
                    time.sleep(reply.delay)
                if isinstance(reply.body, bytes):
                    data = reply.body
                else:
                    data = json.dumps(reply.body if reply.body is not None else {"error": {"message": "boom"}}).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", reply.content_type if isinstance(reply.body, bytes)
                                     else "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
