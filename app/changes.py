"""One explicit path for every change: services say what they changed, handlers react.

A service that creates or completes an interview, submits a round or a scorecard, amends one,
stores the model's suggestions on one or makes a new spec version calls
`record(session, kind, spec_id=…, interview_id=…)` once it has flushed the change. Every
installed handler then

* reacts inside the same transaction (`in_transaction`): the dashboard totals move, outbox rows
  are written, Postgres queues its NOTIFY — so a rollback takes all of it back with the change;
* hears of the committed changes afterwards (`after_commit`): in-process dashboard streams.

Handlers are installed by whoever opens sessions for real work: `create_app` for the server and
the CLI's session scope for commands (app/wiring.py builds them). Infrastructure never imports a
domain: this module knows only the shape of a change. Recording with no handler installed is an
error, so no change can slip past the totals unseen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from sqlalchemy.orm import Session

_PENDING = "calibrate.changes"


class ChangeKind(StrEnum):
    """What happened; the values are the webhook event names (DESIGN: Webhooks). A kind that is
    not one of app/webhooks/outbox.py's EVENT_TYPES stays internal: no webhook is sent for it."""

    INTERVIEW_CREATED = "interview.created"
    ROUND_SUBMITTED = "round.submitted"
    SCORECARD_SUBMITTED = "scorecard.submitted"
    SCORECARD_AMENDED = "scorecard.amended"
    INTERVIEW_COMPLETED = "interview.completed"
    INTERVIEW_REOPENED = "interview.reopened"
    SPEC_VERSION_CREATED = "job_spec.version_created"
    CANDIDATE_ERASED = "candidate.erased"
    SUGGESTIONS_STORED = "scorecard.suggestions_stored"  # internal: the model's answer on a scorecard

    @property
    def moves_scores(self) -> bool:
        """Whether the change can move an interview's ranking row or what its spec's dashboards show
        live. The model's suggestions on a scorecard do not: they only feed the stored model agreement."""
        return self is not ChangeKind.SUGGESTIONS_STORED


@dataclass(frozen=True)
class Change:
    """One recorded change: its kind, the spec it belongs to and the interviews it touched."""

    kind: ChangeKind
    spec_id: str
    interview_ids: tuple[str, ...] = ()
    # A one-time secret the change created (a new candidate link's token), for the outbox rows
    # written in this transaction only: never shown in a repr, never published.
    secret: str | None = field(default=None, repr=False, compare=False)
    # Which round or scorecard the change was about, when it was about one (webhook event data).
    round_key: str | None = None
    scorecard_id: str | None = None
    # The person a change was about, when it was about one (an erasure: its only webhook data). An
    # erasure of someone never interviewed belongs to no spec: its `spec_id` is empty.
    candidate_id: str | None = None


class Handler(Protocol):
    """Reacts to recorded changes."""

    def in_transaction(self, session: Session, change: Change) -> None:
        """Work that must commit or roll back together with the change."""

    def after_commit(self, session: Session, changes: Sequence[Change]) -> None:
        """Work for changes that are committed (never for rolled-back ones)."""


class NoHandlers(RuntimeError):
    """A change was recorded in a process that installed no handlers."""


_lock = threading.Lock()
_handlers: tuple[Handler, ...] = ()


def install(handlers: Iterable[Handler]) -> None:
    """Make these the process's handlers (idempotent: installing again replaces them)."""
    global _handlers
    with _lock:
        _handlers = tuple(handlers)


def installed() -> tuple[Handler, ...]:
    """The handlers changes go to."""
    return _handlers


def record(session: Session, kind: ChangeKind, *, spec_id: str, interview_id: str | None = None,
           secret: str | None = None, round_key: str | None = None, scorecard_id: str | None = None) -> None:
    """Say that this transaction changed something (after the service has set the rows)."""
    record_many(session, kind, spec_id=spec_id, interview_ids=[interview_id] if interview_id else [], secret=secret,
                round_key=round_key, scorecard_id=scorecard_id)


def record_many(session: Session, kind: ChangeKind, *, spec_id: str, interview_ids: Sequence[str],
                secret: str | None = None, round_key: str | None = None, scorecard_id: str | None = None,
                candidate_id: str | None = None) -> None:
    """One change of many interviews of a spec at once (bulk loads take the same path)."""
    handlers = _handlers
    if not handlers:
        raise NoHandlers(f"{kind} recorded with no change handlers installed (create_app or the CLI install them)")
    session.flush()
    change = Change(ChangeKind(kind), spec_id, tuple(dict.fromkeys(interview_ids)), secret, round_key, scorecard_id,
                    candidate_id)
    for handler in handlers:
        handler.in_transaction(session, change)
    session.info.setdefault(_PENDING, []).append(change)


def committed(session: Session) -> None:
    """Hand the changes of a committed transaction to the handlers (called by app.db's Session)."""
    pending: list[Change] = session.info.pop(_PENDING, [])
    if pending:
        for handler in _handlers:
            handler.after_commit(session, pending)


def discard(session: Session) -> None:
    """Forget the changes of a rolled-back transaction."""
    session.info.pop(_PENDING, None)
