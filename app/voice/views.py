"""What staff pages show of spoken answers: an audio player per recorded part and the transcript,
timestamped by segment (the scorecard page beside the rubric; the candidate detail)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from app.models import Interview, RoundAttempt, User
from app.voice.audio_access import may_hear
from app.voice.state import voice_answers


def clock_label(seconds: float) -> str:
    """0:07, 1:42 — a segment's start for people."""
    total = int(seconds)
    return f"{total // 60}:{total % 60:02d}"


def spoken_answer(interview: Interview, voice: Any) -> dict[str, Any]:
    """One recorded answer as a page shows it."""
    url = f"/api/v1/interviews/{interview.id}/answers/{voice.answer_id}/audio"
    return {"answer_id": voice.answer_id, "mode": voice.mode, "status": voice.status, "engine": voice.engine,
            "notice": voice.notice, "seconds": voice.seconds, "media_type": voice.content_type,
            "parts": [url if i == 0 else f"{url}?part={i}" for i in range(len(voice.parts))],
            "segments": [{**s, "label": clock_label(s["start"])} for s in voice.segments]}


def for_attempt(session: Session, interview: Interview, attempt: RoundAttempt | None) -> dict[str, dict[str, Any]]:
    """The attempt's recorded answers by question id (nothing recorded: an empty mapping)."""
    if attempt is None:
        return {}
    return {qid: spoken_answer(interview, voice) for qid, voice in voice_answers(session, attempt).items()
            if voice.parts}


def for_interview(session: Session, interview: Interview, user: User | None) -> list[dict[str, Any]]:
    """Every round's recorded answers the user may hear, with the prompts, for the candidate detail."""
    rounds = []
    attempts = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview.id)
                            .order_by(RoundAttempt.round_key)).all()
    for attempt in attempts:
        spoken = for_attempt(session, interview, attempt)
        if spoken and may_hear(session, user, interview, attempt.round_key):
            prompts = [{"id": q["id"], "text": q["text"], "spoken": spoken[q["id"]]}
                       for q in attempt.questions if q["id"] in spoken]
            rounds.append({"round_key": attempt.round_key, "prompts": prompts})
    return rounds
