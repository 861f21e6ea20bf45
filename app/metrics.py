"""Prometheus metrics: request latency, autosaves, SSE clients, scorecards submitted.

Labels never carry ids, tokens or answer text: routes are reported by their template
(`/take/{token}/…`), so the series stay few and nothing secret leaves the process."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.orm import Session

from app.changes import Change, ChangeKind

REGISTRY = CollectorRegistry()

REQUEST_SECONDS = Histogram(
    "calibrate_request_duration_seconds", "Time to answer an HTTP request.", ["method", "route", "status"],
    registry=REGISTRY, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
AUTOSAVES = Counter("calibrate_autosaves_total", "Answer saves by outcome (accepted, stale, late).",
                    ["outcome"], registry=REGISTRY)
SSE_CLIENTS = Gauge("calibrate_sse_clients", "Open live-dashboard streams (read from the fragment hub).", registry=REGISTRY)
SCORECARDS_SUBMITTED = Counter("calibrate_scorecards_submitted_total", "Scorecards submitted and committed.",
                               registry=REGISTRY)


class CommittedChanges:
    """Change handler (app/changes.py): counts committed scorecard submissions."""

    def in_transaction(self, session: Session, change: Change) -> None:
        """Nothing: a rolled-back submission is not counted."""

    def after_commit(self, session: Session, changes: Sequence[Change]) -> None:
        """One per scorecard submitted in the committed transaction."""
        SCORECARDS_SUBMITTED.inc(sum(c.kind is ChangeKind.SCORECARD_SUBMITTED for c in changes))


def exposition() -> tuple[bytes, str]:
    """The current metrics in the Prometheus text format, with its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
