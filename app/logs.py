"""JSON logs, one object per line, with the request id; never secrets or answer text."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

_FIELDS = ("request_id", "method", "route", "status", "ms")


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object with its structured extras."""

    def format(self, record: logging.LogRecord) -> str:
        data = {"at": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        data.update({k: getattr(record, k) for k in _FIELDS if hasattr(record, k)})
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: int = logging.INFO) -> None:
    """Send Calibrate's logs to stderr as JSON (idempotent)."""
    logger = logging.getLogger("calibrate")
    if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
