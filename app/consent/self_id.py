"""Voluntary self-identification (DESIGN: Candidate data, consent and fairness): the candidate's
answers, read by the landing page that asks for them, the admin's adverse-impact report and export."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.consent.models import DECLINE, LABELS, RACES_ETHNICITIES, SEXES, SelfIdentification
from app.errors import Invalid
from app.models import Interview, utcnow

DIMENSIONS = {"sex": SEXES, "race_ethnicity": RACES_ETHNICITIES}


def self_identification(session: Session, candidate_id: str) -> SelfIdentification:
    """The candidate's answers, or the default (decline both) when they gave none."""
    return session.get(SelfIdentification, candidate_id) or SelfIdentification(candidate_id=candidate_id)


def set_self_identification(session: Session, interview: Interview, *, sex: str, race_ethnicity: str,
                            now: datetime | None = None) -> SelfIdentification:
    """Store the candidate's answers (each an EEOC category or "decline"); no audit entry names them."""
    errors = [{"loc": ["body", name], "msg": f"one of: {', '.join(DIMENSIONS[name])}"}
              for name, value in (("sex", sex), ("race_ethnicity", race_ethnicity)) if value not in DIMENSIONS[name]]
    if errors:
        raise Invalid("not a category", errors=errors)
    row = session.get(SelfIdentification, interview.candidate_id)
    if row is None:
        row = SelfIdentification(candidate_id=interview.candidate_id)
    row.sex, row.race_ethnicity, row.updated_at = sex, race_ethnicity, now or utcnow()
    session.add(row)
    session.flush()
    return row


def choices() -> dict[str, list[tuple[str, str]]]:
    """The form's options per question, "decline" first (the default)."""
    return {name: [(c, LABELS[c]) for c in (DECLINE, *[c for c in categories if c != DECLINE])]
            for name, categories in DIMENSIONS.items()}
