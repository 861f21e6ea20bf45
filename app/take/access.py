"""How a candidate's secret link reaches their interview, and nothing else: hashed lookup,
revoked/expired links refused without detail, unknown tokens counted per address."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session, select

from app.auth.security import token_hash
from app.auth.service import check_rate, hit
from app.deps import SessionDep
from app.errors import Gone, NotFound
from app.models import Interview
from app import clock

BUCKET = "take-address"
UNKNOWN_TOKEN_LIMIT = 30  # per address in the rate-limit window (15 minutes)


def client_address(request: Request) -> str:
    """The caller's address, the key of the token-guessing limit."""
    return request.client.host if request.client else "unknown"


def interview_for_token(session: Session, token: str, *, address: str) -> Interview:
    """The interview behind a live link; NotFound for unknown tokens, Gone for revoked or expired."""
    check_rate(session, BUCKET, address, UNKNOWN_TOKEN_LIMIT, "to open interview links from your address")
    interview = session.exec(select(Interview).where(Interview.token_hash == token_hash(token))).first()
    if interview is None:
        hit(session, BUCKET, address)
        # The refusal rolls the request back; the guess must still count, so keep it now.
        session.commit()
        raise NotFound("There is nothing at this address.")
    if interview.token_revoked_at is not None or interview.token_expires_at <= clock.now():
        raise Gone("This interview link is no longer valid. Ask the person who invited you for a new one.")
    return interview


def take_interview(token: str, request: Request, session: SessionDep) -> Interview:
    """Dependency: the interview of the `{token}` in the path."""
    return interview_for_token(session, token, address=client_address(request))


TakeInterview = Annotated[Interview, Depends(take_interview)]
