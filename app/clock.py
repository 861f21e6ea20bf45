"""The server's clock for timed rounds, in one place so tests can replace it (no sleeping)."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """The current time, timezone-aware in UTC. Tests monkeypatch this function."""
    return datetime.now(timezone.utc)
