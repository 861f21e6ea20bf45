"""Scorecards: drafts, submission, amendments with an audit trail, and who may see which card.

Ratings live in Rating rows: a value 1–5, NULL for "no evidence", and no row for "not yet rated".
A draft note written before its rating is chosen is kept in a row with value 0 ("unrated"), which
submission refuses, so submitted scorecards only ever hold 1–5 or NULL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app import audit, policy
from app.changes import ChangeKind
from app.changes import record as record_change
from app.errors import Conflict, Invalid, NotFound
from app.interviews.service import ensure_can_view, panel, refresh_completion
from app.models import MUST_HAVE_STATUSES, AuditEvent, Interview, MustHaveCheck, Rating, Scorecard, User, utcnow
from app.scorecards.rounds import RoundView, round_view

UNRATED = 0  # a draft note's row before a rating is chosen


@dataclass
class Changes:
    """A validated set of changes to a scorecard (only the keys given are touched)."""

    ratings: dict[str, int | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    must_haves: dict[str, str] = field(default_factory=dict)
    recommendation: str | None = None
    set_recommendation: bool = False


# --- reading -----------------------------------------------------------------------------------

def _ratings(session: Session, card: Scorecard) -> dict[str, Rating]:
    return {r.competency_id: r for r in session.exec(select(Rating).where(Rating.scorecard_id == card.id))}


def _checks(session: Session, card: Scorecard) -> dict[str, MustHaveCheck]:
    return {m.must_have_id: m for m in session.exec(select(MustHaveCheck).where(MustHaveCheck.scorecard_id == card.id))}


def card_values(session: Session, card: Scorecard) -> dict[str, Any]:
    """The card's current values: ratings (no evidence = None), notes, must-haves, recommendation."""
    rows = _ratings(session, card)
    return {
        "ratings": {cid: r.value for cid, r in rows.items() if r.value != UNRATED},
        "notes": {cid: r.note for cid, r in rows.items() if r.note},
        "must_haves": {mid: m.status for mid, m in _checks(session, card).items()},
        "recommendation": card.recommendation,
    }


def card_body(session: Session, card: Scorecard) -> dict[str, Any]:
    """A scorecard as the API shows it, with the interviewer as an email."""
    interviewer = session.get(User, card.interviewer_id)
    return {"id": card.id, "interview_id": card.interview_id, "round": card.round_key,
            "interviewer": interviewer.email if interviewer else "", "status": card.status,
            **card_values(session, card),
            "submitted_at": card.submitted_at.isoformat() if card.submitted_at else None,
            "updated_at": card.updated_at.isoformat()}


def own_scorecard(session: Session, scorecard_id: str, user: User) -> Scorecard:
    """The caller's own scorecard; anyone else's is NotFound, so ids do not leak."""
    card = session.get(Scorecard, scorecard_id)
    if card is None or not policy.can_edit_scorecard(user, card):
        raise NotFound(f"no scorecard '{scorecard_id}'")
    return card


def visible_cards(session: Session, interview: Interview, user: User) -> list[Scorecard]:
    """The scorecards of an interview the caller may see (app/policy.py: the blind rule); NotFound
    for callers who may not see the interview."""
    return policy.visible_scorecards(user, ensure_can_view(session, interview, user))


def readable_card(session: Session, scorecard_id: str, user: User) -> Scorecard:
    """A scorecard the caller may read: their own, or one the blind rule opens; NotFound otherwise."""
    card = session.get(Scorecard, scorecard_id)
    interview = session.get(Interview, card.interview_id) if card is not None else None
    if card is None or interview is None or not policy.can_see_scorecard(user, card, panel(session, interview)):
        raise NotFound(f"no scorecard '{scorecard_id}'")
    return card


def history(session: Session, card: Scorecard) -> list[AuditEvent]:
    """The card's audit events (submission and amendments), oldest first."""
    return list(session.exec(select(AuditEvent).where(AuditEvent.object_type == "scorecard",
                                                      AuditEvent.object_id == card.id)
                             .order_by(col(AuditEvent.at), col(AuditEvent.id))).all())


# --- validation --------------------------------------------------------------------------------

def validate_changes(view: RoundView, *, ratings: dict[str, Any], notes: dict[str, str],
                     must_haves: dict[str, str], recommendation: str | None = None,
                     set_recommendation: bool = False) -> Changes:
    """Check keys and values against the round (unknown or uncovered competencies, values 1–5)."""
    known = set(view.content.competency_ids)
    covered = set(view.covered_ids)
    errors = []
    for section, keys in (("ratings", ratings), ("notes", notes)):
        for cid in keys:
            if cid not in known:
                errors.append({"loc": ["body", section, cid], "msg": f"unknown competency '{cid}'"})
            elif cid not in covered:
                errors.append({"loc": ["body", section, cid], "msg": f"'{cid}' is not covered by this round"})
    for cid, value in ratings.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5):
            errors.append({"loc": ["body", "ratings", cid], "msg": "a rating is 1–5, or null for no evidence"})
    must_ids = {m.id for m in view.content.must_haves}
    for mid, status in must_haves.items():
        if mid not in must_ids:
            errors.append({"loc": ["body", "must_haves", mid], "msg": f"unknown must-have '{mid}'"})
        elif status not in MUST_HAVE_STATUSES:
            errors.append({"loc": ["body", "must_haves", mid], "msg": "must be met, not_met or not_assessed"})
    if errors:
        raise Invalid("invalid scorecard", errors=errors)
    return Changes(dict(ratings), {k: v.strip() for k, v in notes.items()}, dict(must_haves),
                   recommendation, set_recommendation)


def submission_errors(view: RoundView, values: dict[str, Any]) -> list[dict[str, Any]]:
    """What stops a card from being submitted: unrated covered competencies, 1s and 5s without a note."""
    errors = []
    for c in view.covered:
        cid = c.id
        if cid not in values["ratings"]:
            errors.append({"loc": ["ratings", cid], "msg": f"rate {c.name} or mark it no evidence"})
        elif values["ratings"][cid] in (1, 5) and not values["notes"].get(cid, "").strip():
            errors.append({"loc": ["notes", cid], "msg": f"a rating of {values['ratings'][cid]} needs an evidence note"})
    return errors


# --- writing -----------------------------------------------------------------------------------

def _apply(session: Session, card: Scorecard, changes: Changes) -> None:
    rows = _ratings(session, card)
    for cid in set(changes.ratings) | set(changes.notes):
        row = rows.get(cid)
        if row is None:
            if cid not in changes.ratings and not changes.notes.get(cid):
                continue  # an empty note for an unrated competency: nothing to keep
            row = Rating(scorecard_id=card.id, competency_id=cid, value=UNRATED)
        if cid in changes.ratings:
            row.value = changes.ratings[cid]
        if cid in changes.notes:
            row.note = changes.notes[cid]
        session.add(row)
    checks = _checks(session, card)
    for mid, status in changes.must_haves.items():
        check = checks.get(mid) or MustHaveCheck(scorecard_id=card.id, must_have_id=mid, status=status)
        check.status = status
        session.add(check)
    if changes.set_recommendation:
        card.recommendation = changes.recommendation
    card.updated_at = utcnow()
    session.add(card)
    session.flush()


def ensure_draft(card: Scorecard) -> None:
    """Conflict (409) for a submitted card: it changes only by amendment."""
    if card.status == "submitted":
        raise Conflict("this scorecard is submitted; change it with an amendment and a reason")


def save_draft(session: Session, *, card: Scorecard, changes: Changes) -> Scorecard:
    """Save draft values (not audited); a submitted card changes only by amendment (409)."""
    ensure_draft(card)
    _apply(session, card, changes)
    return card


def submit(session: Session, *, card: Scorecard, actor: User, view: RoundView | None = None,
           now: datetime | None = None) -> Scorecard:
    """Submit a complete draft: every covered competency rated or marked no evidence, notes on 1s and 5s."""
    if card.status == "submitted":
        raise Conflict("this scorecard is already submitted; change it with an amendment and a reason")
    view = view or round_view(session, card)
    values = card_values(session, card)
    if errors := submission_errors(view, values):
        raise Invalid("the scorecard is not complete", errors=errors)
    missing = {m.id: "not_assessed" for m in view.content.must_haves if m.id not in values["must_haves"]}
    if missing:
        _apply(session, card, Changes(must_haves=missing))
    for row in _ratings(session, card).values():
        if row.value == UNRATED:  # a stray draft note on a competency outside the round: not a rating
            session.delete(row)
    card.status, card.submitted_at = "submitted", now or utcnow()
    session.add(card)
    session.flush()
    final = card_values(session, card)
    audit.record(session, actor=actor, action="scorecard.submit", object_type="scorecard", object_id=card.id,
                 changes=[{"field": "status", "old": "draft", "new": "submitted"}], reason=None,
                 interview_id=card.interview_id, round=card.round_key, values=final)
    _after_change(session, view.interview, ChangeKind.SCORECARD_SUBMITTED, card)
    return card


def _diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    changes = []
    for section in ("ratings", "notes", "must_haves"):
        for key in sorted(set(before[section]) | set(after[section])):
            old, new = before[section].get(key), after[section].get(key)
            if old != new:
                changes.append({"field": f"{section}.{key}", "old": old, "new": new})
    if before["recommendation"] != after["recommendation"]:
        changes.append({"field": "recommendation", "old": before["recommendation"], "new": after["recommendation"]})
    return changes


def amend(session: Session, *, card: Scorecard, actor: User, changes: Changes, reason: str,
          view: RoundView | None = None) -> list[dict[str, Any]]:
    """Change a submitted card in place, with a reason; the old → new values go to the audit log."""
    if card.status != "submitted":
        raise Conflict("this scorecard is a draft; save it or submit it instead")
    if not reason.strip():
        raise Invalid("an amendment needs a reason", errors=[{"loc": ["body", "reason"], "msg": "give a reason"}])
    view = view or round_view(session, card)
    before = card_values(session, card)
    after = _merged(before, changes)
    if errors := submission_errors(view, after):
        raise Invalid("the amended scorecard would not be complete", errors=errors)
    diff = _diff(before, after)
    if not diff:
        raise Invalid("the amendment changes nothing", errors=[{"loc": ["body"], "msg": "nothing changed"}])
    _apply(session, card, changes)
    audit.record(session, actor=actor, action="scorecard.amend", object_type="scorecard", object_id=card.id,
                 changes=diff, reason=reason.strip(), interview_id=card.interview_id, round=card.round_key)
    _after_change(session, view.interview, ChangeKind.SCORECARD_AMENDED, card)
    return diff


def _merged(before: dict[str, Any], changes: Changes) -> dict[str, Any]:
    notes = {**before["notes"], **changes.notes}
    return {"ratings": {**before["ratings"], **changes.ratings},
            "notes": {k: v for k, v in notes.items() if v},
            "must_haves": {**before["must_haves"], **changes.must_haves},
            "recommendation": changes.recommendation if changes.set_recommendation else before["recommendation"]}


def _after_change(session: Session, interview: Interview, kind: ChangeKind, card: Scorecard) -> None:
    record_change(session, kind, spec_id=interview.spec_id, interview_id=interview.id, round_key=card.round_key,
                  scorecard_id=card.id)
    refresh_completion(session, interview)
