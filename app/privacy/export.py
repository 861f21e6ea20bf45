"""Everything stored about a candidate, as one JSON document (DESIGN: `GET /candidates/{id}/export`),
for a data-access request: profile, interviews, answers with every revision, voice transcripts and
links to the audio, scorecards about them and the AI suggestions beside those, consents, mail sent
to them or naming them, audit entries that name them, and their self-identification (in an
admin's export only: it is never shown per candidate to anyone else)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, or_, select

from app.mail.models import MailMessage
from app.models import (Answer, AnswerRevision, AuditEvent, Candidate, Interview, JobSpec, JobSpecVersion,
                        RoundAttempt, Scorecard, User)
from app.consent.models import SelfIdentification
from app.scorecards.service import card_values
from app.suggestions.service import export_for
from app.consent.models import Consent
from app.voice.models import VoiceAnswer

FORMAT = "calibrate.candidate-export/1"


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def _voice(interview_id: str, answer_id: str, voice: VoiceAnswer | None) -> dict[str, Any] | None:
    if voice is None:
        return None
    link = f"/api/v1/interviews/{interview_id}/answers/{answer_id}/audio"
    return {"mode": voice.mode, "status": voice.status, "seconds": voice.seconds, "engine": voice.engine,
            "transcript": voice.transcript, "segments": voice.segments, "content_type": voice.content_type,
            "audio": [f"{link}?part={n}" for n in range(len(voice.parts))] if voice.content_type else [],
            "switched_to_typing_at": _iso(voice.switched_at)}


def _answers(session: Session, interview_id: str, attempt: RoundAttempt) -> list[dict[str, Any]]:
    answers = session.exec(select(Answer).where(Answer.attempt_id == attempt.id).order_by(Answer.question_id)).all()
    voices = {v.answer_id: v for v in session.exec(select(VoiceAnswer).where(VoiceAnswer.attempt_id == attempt.id))}
    out = []
    for answer in answers:
        revisions = session.exec(select(AnswerRevision).where(AnswerRevision.answer_id == answer.id)
                                 .order_by(col(AnswerRevision.revision))).all()
        out.append({"id": answer.id, "question_id": answer.question_id, "text": answer.text,
                    "revision": answer.revision, "saved_at": _iso(answer.saved_at),
                    "revisions": [{"revision": r.revision, "text": r.text, "saved_at": _iso(r.saved_at)}
                                  for r in revisions],
                    "voice": _voice(interview_id, answer.id, voices.get(answer.id))})
    return out


def _rounds(session: Session, interview: Interview) -> list[dict[str, Any]]:
    attempts = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)
                            .order_by(col(RoundAttempt.round_key))).all()
    return [{"round": a.round_key, "kind": a.kind, "started_at": _iso(a.started_at), "deadline": _iso(a.deadline),
             "submitted_at": _iso(a.submitted_at), "closed_by": a.closed_by,
             "questions": [{"id": q.get("id"), "text": q.get("text")} for q in a.questions],
             "answers": _answers(session, interview.id, a)} for a in attempts]


def _scorecards(session: Session, interview: Interview) -> list[dict[str, Any]]:
    cards = session.exec(select(Scorecard).where(Scorecard.interview_id == interview.id)
                         .order_by(col(Scorecard.round_key), col(Scorecard.id))).all()
    out = []
    for card in cards:
        interviewer = session.get(User, card.interviewer_id)
        out.append({"id": card.id, "round": card.round_key, "interviewer": interviewer.name if interviewer else "",
                    "status": card.status, **card_values(session, card), "submitted_at": _iso(card.submitted_at)})
    return out


def _interview(session: Session, interview: Interview) -> dict[str, Any]:
    spec = session.get(JobSpec, interview.spec_id)
    version = session.get(JobSpecVersion, interview.spec_version_id)
    consents = session.exec(select(Consent).where(Consent.interview_id == interview.id).order_by(col(Consent.at))).all()
    return {"id": interview.id, "job_spec": spec.slug if spec else None, "title": version.title if version else None,
            "version": version.label if version else None, "time_factor": interview.time_factor,
            "created_at": _iso(interview.created_at), "completed_at": _iso(interview.completed_at),
            "link_expires_at": _iso(interview.token_expires_at), "link_revoked_at": _iso(interview.token_revoked_at),
            "rounds": _rounds(session, interview), "scorecards": _scorecards(session, interview),
            "consents": [{"purpose": c.purpose, "choice": c.choice, "notice_version": c.notice_version,
                          "at": _iso(c.at), "attempt_id": c.attempt_id} for c in consents]}


def _audit(session: Session, candidate: Candidate, interview_ids: list[str], card_ids: list[str]) -> list[dict[str, Any]]:
    named = [(AuditEvent.object_type == "candidate") & (AuditEvent.object_id == candidate.id)]
    if interview_ids:
        named.append((AuditEvent.object_type == "interview") & col(AuditEvent.object_id).in_(interview_ids))
    if card_ids:
        named.append((AuditEvent.object_type == "scorecard") & col(AuditEvent.object_id).in_(card_ids))
    entries = session.exec(select(AuditEvent).where(or_(*named)).order_by(col(AuditEvent.id))).all()
    return [{"at": _iso(e.at), "actor": e.actor, "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id, "detail": e.detail, "redacted_at": _iso(e.redacted_at)} for e in entries]


def _mail(session: Session, candidate: Candidate, interview_ids: Iterable[str]) -> list[dict[str, Any]]:
    named = [col(MailMessage.key).like(f"assignment:{iid}:%") for iid in interview_ids]
    if candidate.email:
        named.append(MailMessage.to_addr == candidate.email)
    if candidate.name:  # mail to an address the person had before
        named.append((MailMessage.to_name == candidate.name) & col(MailMessage.template).like("candidate_%"))
    if not named:
        return []
    messages = session.exec(select(MailMessage).where(or_(*named)).order_by(col(MailMessage.id))).all()
    # A body that holds a live one-time link is not copied out: the link is the candidate's key.
    return [{"to": m.to_addr if m.template.startswith("candidate_") else "(staff)", "template": m.template,
             "subject": m.subject, "status": m.status, "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at),
             "text": None if m.holds_secret else m.text_body} for m in messages]


def candidate_export(session: Session, candidate: Candidate, *, with_self_identification: bool) -> dict[str, Any]:
    """The export document of one candidate."""
    interviews = session.exec(select(Interview).where(Interview.candidate_id == candidate.id)
                              .order_by(col(Interview.created_at), col(Interview.id))).all()
    interview_ids = [i.id for i in interviews]
    card_ids = list(session.exec(select(Scorecard.id).where(col(Scorecard.interview_id).in_(interview_ids))).all())
    self_id = session.get(SelfIdentification, candidate.id) if with_self_identification else None
    return {
        "format": FORMAT,
        "candidate": {"id": candidate.id, "name": candidate.name, "email": candidate.email,
                      "created_at": _iso(candidate.created_at), "erased_at": _iso(candidate.erased_at)},
        "interviews": [_interview(session, i) for i in interviews],
        "self_identification": ({"sex": self_id.sex, "race_ethnicity": self_id.race_ethnicity,
                                 "updated_at": _iso(self_id.updated_at)} if self_id else None),
        "self_identification_included": with_self_identification,
        "mail": _mail(session, candidate, interview_ids),
        "audit": _audit(session, candidate, interview_ids, card_ids),
        "ai_suggestions": export_for(session, interview_ids=interview_ids),
    }
