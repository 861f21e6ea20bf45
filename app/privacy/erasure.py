"""Erasing a candidate (DESIGN: Candidate data, consent and fairness): the person goes, the numbers stay.

In the erasure's transaction: the name and email are blanked (`candidate.erased_at` says why),
every answer's text, its revisions, voice transcripts and segments and the chunk records of the
audio, the evidence notes of the scorecards about them, the quotes and rationales of the AI
suggestions beside those scorecards, their self-identification and the mail that named them go;
audit entries that carried personal data (a scorecard's evidence notes) are redacted through the
one UPDATE the audit log accepts (migration 0008); the interview links are revoked; the audit
log records the erasure with counts only; and a `candidate.erased` change is recorded (its
webhook carries the candidate id alone). Ratings, must-have checks,
recommendations, round times and the dashboard totals stay, on an interview that no longer names
anyone, so dashboards and reliability keep their numbers.

Once that transaction has committed, `SecureErase` (a change handler) deletes the audio files
(overwritten with zeros first) and, on SQLite, checkpoints the write-ahead log with TRUNCATE so
that no old page image of the erased rows survives in it. Every SQLite connection runs with
`PRAGMA secure_delete=ON` (app/db.py), so freed cells and pages in the database file are zeroed.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, union_all, update
from sqlmodel import Session, col, select

from app import audit, changes
from app.changes import Change, ChangeKind
from app.db import sqlite_path
from app.mail.models import MailMessage
from app.models import (Answer, AnswerRevision, AuditEvent, Candidate, Interview, Rating, RoundAttempt, Scorecard,
                        User, utcnow)
from app.consent.models import SelfIdentification
from app.settings import get_settings
from app.suggestions.service import erase_text as erase_suggestion_text
from app.voice.models import AudioChunk, VoiceAnswer

log = logging.getLogger("calibrate.privacy")

ERASED_NAME = "Erased candidate"
PERSONAL_AUDIT_ACTIONS = ("scorecard.submit", "scorecard.amend")  # their detail holds evidence notes


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed, by count (what the audit entry says)."""

    candidate_id: str
    erased_at: datetime
    interviews: int
    answers: int
    revisions: int
    recordings: int
    notes: int
    mail: int
    audit_redacted: int

    def counts(self) -> dict[str, int]:
        """The numbers, without the id and time."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


def _ids(session: Session, query: Any) -> list[Any]:
    return list(session.exec(query).all())


def _chunks(ids: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)] or [[]]


def _erase_answers(session: Session, attempt_ids: list[str]) -> tuple[int, int, int]:
    """Blank every answer and transcript of these attempts; drop revisions and chunk records."""
    answers = revisions = recordings = 0
    for chunk in _chunks(attempt_ids):
        answer_ids = _ids(session, select(Answer.id).where(col(Answer.attempt_id).in_(chunk)))
        voice_ids = _ids(session, select(VoiceAnswer.id).where(col(VoiceAnswer.attempt_id).in_(chunk)))
        for ids in _chunks(answer_ids):
            revisions += session.execute(delete(AnswerRevision).where(col(AnswerRevision.answer_id).in_(ids))).rowcount
            answers += session.execute(update(Answer).where(col(Answer.id).in_(ids)).values(text="")).rowcount
        for ids in _chunks(voice_ids):
            session.execute(delete(AudioChunk).where(col(AudioChunk.voice_answer_id).in_(ids)))
            recordings += session.execute(update(VoiceAnswer).where(col(VoiceAnswer.id).in_(ids)).values(
                transcript="", segments=[], parts=[], notice=None, bytes=0, chunks=0)).rowcount
    return answers, revisions, recordings


def _erase_notes(session: Session, card_ids: list[str]) -> int:
    notes = 0
    for ids in _chunks(card_ids):
        notes += session.execute(update(Rating).where(col(Rating.scorecard_id).in_(ids), Rating.note != "")
                                 .values(note="")).rowcount
    return notes


def _erase_mail(session: Session, candidate: Candidate, interview_ids: list[str], card_ids: list[str]) -> int:
    """Messages to the person, and the assignments and reminders that named them."""
    named = [col(MailMessage.key).like(f"assignment:{iid}:%") for iid in interview_ids]
    named += [col(MailMessage.key) == f"scorecard-reminder:{cid}" for cid in card_ids]
    if candidate.email:
        named += [func.lower(MailMessage.to_addr) == candidate.email.lower()]
    if candidate.name and candidate.erased_at is None:  # mail to an address the person had before
        named += [(MailMessage.to_name == candidate.name) & col(MailMessage.template).like("candidate_%")]
    if not named:
        return 0
    return session.execute(delete(MailMessage).where(or_(*named))).rowcount


def redacted_detail(action: str, detail: dict[str, Any]) -> dict[str, Any]:
    """An audit entry's detail without evidence notes (ratings and statuses stay), marked redacted."""
    kept = dict(detail)
    if isinstance(kept.get("values"), dict):
        kept["values"] = {k: v for k, v in kept["values"].items() if k != "notes"}
    if isinstance(kept.get("changes"), list):
        kept["changes"] = [c for c in kept["changes"] if not str(c.get("field", "")).startswith("notes.")]
    if action == "scorecard.amend":
        kept.pop("reason", None)  # written about the answers, so it may quote them
    return {**kept, "redacted": True}


def _redact_audit(session: Session, card_ids: list[str], now: datetime) -> int:
    """Redact the audit entries about these scorecards that held evidence notes (once each)."""
    redacted = 0
    for ids in _chunks(card_ids):
        entries = session.exec(select(AuditEvent).where(AuditEvent.object_type == "scorecard",
                                                        col(AuditEvent.object_id).in_(ids),
                                                        col(AuditEvent.action).in_(PERSONAL_AUDIT_ACTIONS),
                                                        col(AuditEvent.redacted_at).is_(None))).all()
        for entry in entries:
            # The only UPDATE the audit log's triggers accept: detail and redacted_at, once.
            session.execute(update(AuditEvent).where(AuditEvent.id == entry.id).values(
                detail=redacted_detail(entry.action, entry.detail), redacted_at=now))
            redacted += 1
    return redacted


def erase_candidate(session: Session, candidate: Candidate, *, actor: User | None, now: datetime | None = None,
                    reason: str = "request") -> Erasure:
    """Erase the person behind `candidate` in the caller's transaction (idempotent)."""
    now = now or utcnow()
    interview_ids = _ids(session, select(Interview.id).where(Interview.candidate_id == candidate.id))
    attempt_ids = _ids(session, select(RoundAttempt.id).where(col(RoundAttempt.interview_id).in_(interview_ids)))
    card_ids = _ids(session, select(Scorecard.id).where(col(Scorecard.interview_id).in_(interview_ids)))
    answers, revisions, recordings = _erase_answers(session, attempt_ids)
    notes = _erase_notes(session, card_ids)
    erase_suggestion_text(session, interview_ids=interview_ids)  # AI suggestions quote the answers
    mail = _erase_mail(session, candidate, interview_ids, card_ids)
    redacted = _redact_audit(session, card_ids, now)
    session.execute(delete(SelfIdentification).where(col(SelfIdentification.candidate_id) == candidate.id))
    session.execute(update(Interview).where(col(Interview.id).in_(interview_ids),
                                            col(Interview.token_revoked_at).is_(None)).values(token_revoked_at=now))
    candidate.name, candidate.email = ERASED_NAME, ""
    candidate.erased_at = candidate.erased_at or now
    session.add(candidate)
    session.flush()
    erasure = Erasure(candidate.id, candidate.erased_at, len(interview_ids), answers, revisions, recordings, notes,
                      mail, redacted)
    audit.record(session, actor=actor, actor_label="retention" if reason == "retention" else None,
                 action="candidate.erase", object_type="candidate", object_id=candidate.id, reason=reason,
                 **erasure.counts())
    _record_change(session, candidate.id, interview_ids)
    return erasure


def _record_change(session: Session, candidate_id: str, interview_ids: list[str]) -> None:
    """One `candidate.erased` change per job spec the person was interviewed for (each spec's
    dashboards stop showing the name); the webhook outbox sends one event per person. A candidate
    never interviewed has no spec: their change has an empty `spec_id`."""
    by_spec: dict[str, list[str]] = {}
    for interview_id, spec_id in session.exec(select(Interview.id, Interview.spec_id)
                                              .where(col(Interview.id).in_(interview_ids))).all():
        by_spec.setdefault(spec_id, []).append(interview_id)
    for spec_id, ids in sorted(by_spec.items()) or [("", [])]:
        changes.record_many(session, ChangeKind.CANDIDATE_ERASED, spec_id=spec_id, interview_ids=ids,
                            candidate_id=candidate_id)


# --- after the commit: media files and the SQLite write-ahead log --------------------------------

def _shred(path: Path) -> None:
    """Overwrite a file with zeros, then delete it (the directory entry goes with it)."""
    try:
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


def remove_media(interview_ids: Sequence[str]) -> None:
    """Delete the recorded audio of these interviews from the media folder."""
    root = get_settings().media_dir.resolve() / "audio"
    for interview_id in interview_ids:
        folder = root / interview_id
        if not folder.is_dir() or folder.parent != root:
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                _shred(path)
        shutil.rmtree(folder, ignore_errors=True)


def checkpoint_wal(url: str | None = None, *, busy_ms: int = 5000) -> tuple[int, int, int] | None:
    """On SQLite: copy the write-ahead log into the database file and truncate it to zero bytes,
    so that no old copy of an erased page is left in the log. Returns SQLite's (busy, log,
    checkpointed) frames, or None on other databases."""
    path = sqlite_path(url or get_settings().database_url)
    if path is None or not path.exists():
        return None
    conn = sqlite3.connect(str(path), timeout=busy_ms / 1000, isolation_level=None)
    try:
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        busy, frames, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    _owed[url or ""] = bool(busy)
    if busy:
        log.warning("write-ahead log not fully checkpointed after an erasure (a reader or writer was busy); "
                    "the worker's next sweep tries again")
    return busy, frames, done


_owed: dict[str, bool] = {}  # database URL → a checkpoint after an erasure did not complete (this process)


class SecureErase:
    """Change handler: after an erasure commits, its audio files go and SQLite's log is truncated."""

    def in_transaction(self, session: Session, change: Change) -> None:
        """Nothing: the rows went in the erasure's own transaction."""

    def after_commit(self, session: Session, changes: Sequence[Change]) -> None:
        """Remove the media of erased candidates; checkpoint the SQLite log once."""
        erased = [c for c in changes if c.kind is ChangeKind.CANDIDATE_ERASED]
        if not erased:
            return
        for change in erased:
            remove_media(change.interview_ids)
        bind = session.get_bind()
        engine = getattr(bind, "engine", bind)
        if engine.dialect.name == "sqlite" and not getattr(bind, "in_transaction", lambda: False)():
            checkpoint_wal(str(engine.url))


# --- retention -------------------------------------------------------------------------------------

def _activity() -> Any:
    """(candidate id, moment) for every moment a candidate or their interview was last active."""
    by_interview = [(Interview.created_at, None), (Interview.completed_at, None),
                    (RoundAttempt.started_at, RoundAttempt), (RoundAttempt.submitted_at, RoundAttempt),
                    (Answer.saved_at, Answer), (Scorecard.updated_at, Scorecard)]
    parts = [select(col(Candidate.id).label("candidate_id"), col(Candidate.created_at).label("at"))]
    for moment, table in by_interview:
        query = select(col(Interview.candidate_id), col(moment))
        if table is Scorecard:
            query = query.join(Scorecard, col(Scorecard.interview_id) == Interview.id)
        elif table is not None:
            query = query.join(RoundAttempt, col(RoundAttempt.interview_id) == Interview.id)
            if table is Answer:
                query = query.join(Answer, col(Answer.attempt_id) == RoundAttempt.id)
        parts.append(query)
    return union_all(*parts).subquery("activity")


def expired_candidates(session: Session, now: datetime, days: float, *, limit: int = 50) -> list[Candidate]:
    """Candidates not yet erased whose last activity (creation, interviews, rounds, answers,
    scorecards) is more than `days` before `now`, oldest first."""
    cutoff = now - timedelta(days=days)
    activity = _activity()
    last = (select(activity.c.candidate_id).group_by(activity.c.candidate_id)
            .having(func.max(activity.c.at) <= cutoff))
    query = (select(Candidate).where(col(Candidate.erased_at).is_(None), Candidate.created_at <= cutoff,
                                     col(Candidate.id).in_(last))
             .order_by(col(Candidate.created_at), col(Candidate.id)).limit(limit))
    return list(session.exec(query).all())


def retention_sweep(session: Session, now: datetime) -> int:
    """Sweep (job worker): erase candidates kept longer than CALIBRATE_RETENTION_DAYS; 0 when unset."""
    for url, owed in list(_owed.items()):
        if owed:
            checkpoint_wal(url or None)
    days = get_settings().retention_days
    if days is None:
        return 0
    expired = expired_candidates(session, now, days)
    for candidate in expired:
        erase_candidate(session, candidate, actor=None, now=now, reason="retention")
    return len(expired)
