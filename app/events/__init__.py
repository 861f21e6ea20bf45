"""Dashboard events: every recorded change (app/changes.py) reaches the spec's open dashboards.

Postgres: NOTIFY in the same transaction (delivered on commit, to every process), and one LISTEN
connection per process fanning out to in-process subscribers. SQLite: an in-process broadcaster
fed after the session commits."""

from app.events.bus import CHANNEL, Event, LiveDashboards, broker

__all__ = ["CHANNEL", "Event", "LiveDashboards", "broker"]
