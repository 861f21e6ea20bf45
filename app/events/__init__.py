"""Dashboard events: `publish(session, spec_id, kind)` on every change that moves a dashboard.

Postgres: NOTIFY in the same transaction (delivered on commit, to every process), and one LISTEN
connection per process fanning out to in-process subscribers. SQLite: an in-process broadcaster
fed after the session commits. Changes to scorecards, round attempts, interviews and spec
versions publish by themselves (app/events/watch.py)."""

from app.events import watch as _watch  # noqa: F401  (publishes on the rows that change)
from app.events.bus import CHANNEL, Event, broker, publish

__all__ = ["CHANNEL", "Event", "broker", "publish"]
