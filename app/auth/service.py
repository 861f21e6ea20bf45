"""Users, API tokens, browser sessions and sign-in rate limits."""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, delete, func, select

from app import audit
from app.people import is_address
from app.auth.security import MIN_PASSWORD_LENGTH, hash_password, new_token, token_hash, verify_password
from app.errors import Conflict, Invalid, TooManyRequests
from app.models import ROLES, ApiToken, RateLimitHit, User, WebSession, utcnow

SESSION_HOURS = 12
SIGNIN_WINDOW = timedelta(minutes=15)
SIGNIN_LIMIT_ACCOUNT = 5
SIGNIN_LIMIT_ADDRESS = 20
TOKEN_USE_RESOLUTION = timedelta(minutes=1)  # how precisely an API token's last use is kept


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def create_user(session: Session, *, email: str, name: str, role: str, password: str,
                actor: User | None = None) -> User:
    """A new staff account; refuses unknown roles, short passwords and taken emails."""
    email = normalise_email(email)
    errors = []
    if role not in ROLES:
        errors.append({"loc": ["role"], "msg": f"role must be one of {', '.join(ROLES)}"})
    if not is_address(email):  # the address mail goes to (app/mail): one rule for every person
        errors.append({"loc": ["email"], "msg": "not an email address"})
    if not name.strip():
        errors.append({"loc": ["name"], "msg": "name is required"})
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append({"loc": ["password"], "msg": f"password needs at least {MIN_PASSWORD_LENGTH} characters"})
    if errors:
        raise Invalid("invalid user", errors=errors)
    if session.exec(select(User).where(User.email == email)).first():
        raise Conflict(f"a user with email {email} exists")
    user = User(email=email, name=name.strip(), role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", object_type="user", object_id=user.id,
                 email=email, role=role)
    return user


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this email, if any."""
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def create_api_token(session: Session, *, user: User, name: str = "") -> str:
    """A new bearer token for the user; only its hash is kept, the token is returned once."""
    token = new_token("cal_")
    session.add(ApiToken(user_id=user.id, name=name, token_hash=token_hash(token), prefix=token[:8]))
    session.flush()
    audit.record(session, actor=user, action="token.create", object_type="user", object_id=user.id)
    return token


def user_for_api_token(session: Session, token: str) -> User | None:
    """The active user behind a bearer token that is not revoked."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOKEN_USE_RESOLUTION:  # not a write per call
        _note_use(session, row, now)
    return user


def _note_use(session: Session, row: ApiToken, now: datetime) -> None:
    """Keep when a token was last used, as a best effort: a read-only request on SQLite cannot take the
    write lock once another transaction has committed since it began (SQLITE_BUSY_SNAPSHOT, which no
    busy timeout waits out), and a reader must not fail for the sake of a last-used time."""
    try:
        with session.begin_nested():
            row.last_used_at = now
            session.add(row)
    except OperationalError:
        pass  # the next use a minute later records it


def start_session(session: Session, user: User) -> tuple[str, WebSession]:
    """A new browser session; returns the cookie secret (stored only as its hash)."""
    secret = new_token()
    web = WebSession(id=token_hash(secret), user_id=user.id, csrf_token=new_token()[:43],
                     expires_at=utcnow() + timedelta(hours=SESSION_HOURS))
    session.add(web)
    session.flush()
    return secret, web


def user_for_session(session: Session, secret: str) -> User | None:
    """The active user of an unexpired browser session."""
    web = session.get(WebSession, token_hash(secret))
    if web is None or web.expires_at <= utcnow():
        return None
    user = session.get(User, web.user_id)
    return user if user and user.is_active else None


def end_session(session: Session, secret: str) -> None:
    """Sign out: the session stops working at once."""
    session.exec(delete(WebSession).where(col(WebSession.id) == token_hash(secret)))


def _recent_hits(session: Session, bucket: str, key: str) -> tuple[int, object]:
    since = utcnow() - SIGNIN_WINDOW
    count, oldest = session.exec(
        select(func.count(), func.min(RateLimitHit.at)).where(
            RateLimitHit.bucket == bucket, RateLimitHit.key == key, RateLimitHit.at > since)
    ).one()
    return count, oldest


def check_rate(session: Session, bucket: str, key: str, limit: int, what: str) -> None:
    """Refuse with 429 once `limit` hits for this key fall inside the window."""
    count, oldest = _recent_hits(session, bucket, key)
    if count >= limit:
        wait = (oldest + SIGNIN_WINDOW - utcnow()).total_seconds() if oldest else SIGNIN_WINDOW.total_seconds()
        minutes = max(1, ceil(wait / 60))
        raise TooManyRequests(f"Too many failed attempts {what}. Try again in {minutes} minute{'s' * (minutes != 1)}.",
                              retry_after=int(max(1, wait)))


def hit(session: Session, bucket: str, key: str) -> None:
    """Count one event against a rate-limit key."""
    session.add(RateLimitHit(bucket=bucket, key=key))
    session.flush()


def authenticate(session: Session, *, email: str, password: str, address: str) -> User | None:
    """Check a sign-in under the per-account and per-address limits; failures are counted."""
    email = normalise_email(email)
    check_rate(session, "signin-account", email, SIGNIN_LIMIT_ACCOUNT, "for this account")
    check_rate(session, "signin-address", address, SIGNIN_LIMIT_ADDRESS, "from your address")
    user = user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        hit(session, "signin-account", email)
        hit(session, "signin-address", address)
        return None
    session.exec(delete(RateLimitHit).where(col(RateLimitHit.bucket) == "signin-account",
                                            col(RateLimitHit.key) == email))
    return user
