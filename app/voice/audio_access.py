"""Who may hear a recorded answer: the staff who may see the round's answers (app/policy.py
`can_see_answers`: admins, hiring managers, the round's assigned interviewers). Everyone else
gets 404, so that ids do not leak."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from app import policy
from app.errors import NotFound
from app.interviews.service import panel
from app.models import Answer, Interview, RoundAttempt, User
from app.voice import storage
from app.voice.models import VoiceAnswer


@dataclass(frozen=True)
class AudioFile:
    path: Path
    media_type: str


def may_hear(session: Session, user: User | None, interview: Interview, round_key: str) -> bool:
    """True when the user may see (and so hear) the candidate's answers of this round."""
    return policy.can_see_answers(user, round_key, panel(session, interview))


def audio_file(session: Session, user: User, *, interview_id: str, answer_id: str, part: int) -> AudioFile:
    """The file of one part of an answer's recording, for a caller allowed to hear it."""
    missing = NotFound(f"no recorded answer '{answer_id}' in interview '{interview_id}'")
    interview = session.get(Interview, interview_id)
    row = session.exec(select(Answer, RoundAttempt).join(RoundAttempt, RoundAttempt.id == Answer.attempt_id)
                       .where(Answer.id == answer_id)).first()
    if interview is None or row is None or row[1].interview_id != interview.id:
        raise missing
    _answer, attempt = row
    if not may_hear(session, user, interview, attempt.round_key):
        raise missing
    voice = session.exec(select(VoiceAnswer).where(VoiceAnswer.answer_id == answer_id)).first()
    if voice is None or voice.content_type is None or part >= len(voice.parts):
        raise missing
    path = storage.part_path(interview.id, voice.id, part, voice.content_type)
    if not path.is_file():
        raise missing
    return AudioFile(path, voice.content_type)
