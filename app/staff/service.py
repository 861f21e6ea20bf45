"""Staff accounts beyond signing in: invitations, roles, deactivation, password resets and
changes, signing out everywhere, personal API tokens. Mail about an account is written to the
outbox in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, delete, select, update

from app import audit
from app.auth.security import hash_password, new_token, token_hash, verify_password
from app.auth.service import check_rate, hit, normalise_email
from app.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from app.people import person_errors
from app.mail.outbox import queue_mail
from app.models import ROLES, ApiToken, User, WebSession, utcnow
from app.policy import ADMIN_ROLES, is_admin
from app.settings import get_settings
from app.staff.models import INVITE, RESET, StaffLink
from app.staff.passwords import password_problems

INVITE_HOURS = 72
RESET_HOURS = 2
INVITES_PER_WINDOW = 30  # per admin, in the sign-in window (15 minutes)
RESETS_PER_WINDOW = 3  # per account
ROLE_LABELS = {"admin": "an admin", "hiring_manager": "a hiring manager", "interviewer": "an interviewer"}


def _user_errors(email: str, name: str, role: str) -> list[dict]:
    errors = person_errors(name, email)
    if role not in ROLES:
        errors.insert(0, {"loc": ["body", "role"], "msg": f"role must be one of {', '.join(ROLES)}"})
    return errors


def invite_user(session: Session, *, email: str, name: str, role: str, actor: User) -> User:
    """A new staff account without a password, and its invitation mail with a 72 h one-time link."""
    email = normalise_email(email)
    if errors := _user_errors(email, name, role):
        raise Invalid("invalid user", errors=errors)
    check_rate(session, "staff-invite", actor.id, INVITES_PER_WINDOW, "inviting people")
    if session.exec(select(User).where(User.email == email)).first():
        raise Conflict(f"a user with email {email} exists",
                       errors=[{"loc": ["body", "email"], "msg": "a staff member with this email exists"}])
    user = User(email=email, name=name.strip(), role=role, password_hash="")
    session.add(user)
    session.flush()
    hit(session, "staff-invite", actor.id)
    _send_link(session, user, INVITE, actor=actor)
    audit.record(session, actor=actor, action="user.invite", object_type="user", object_id=user.id, role=role)
    return user


def is_invited(user: User) -> bool:
    """Invited and not signed up yet: no password set."""
    return not user.password_hash


def _send_link(session: Session, user: User, purpose: str, *, actor: User | None) -> None:
    """Replace the user's open links of this purpose by a new one, and mail it."""
    session.exec(update(StaffLink).where(col(StaffLink.user_id) == user.id, col(StaffLink.purpose) == purpose,
                                         col(StaffLink.used_at).is_(None)).values(used_at=utcnow()))
    token = new_token()
    hours = INVITE_HOURS if purpose == INVITE else RESET_HOURS
    link = StaffLink(user_id=user.id, purpose=purpose, token_hash=token_hash(token),
                     expires_at=utcnow() + timedelta(hours=hours), created_by_id=actor.id if actor else None)
    session.add(link)
    session.flush()
    path = "invite" if purpose == INVITE else "reset"
    queue_mail(session, template="staff_invitation" if purpose == INVITE else "password_reset",
               to=user.email, name=user.name, holds_secret=True,
               context={"link_url": f"{get_settings().base_url.rstrip('/')}/{path}/{token}",
                        "expires_at": link.expires_at, "inviter_name": actor.name if actor else "Calibrate",
                        "role_label": ROLE_LABELS.get(user.role, user.role)})


def get_user(session: Session, user_id: str) -> User:
    """The staff member with this id, or NotFound."""
    user = session.get(User, user_id) if "\x00" not in user_id else None
    if user is None:
        raise NotFound(f"no user '{user_id}'")
    return user


def _other_active_admins(session: Session, user: User) -> int:
    return len(session.exec(select(User.id).where(col(User.role).in_(ADMIN_ROLES), col(User.is_active).is_(True),
                                                  User.id != user.id)).all())


def change_role(session: Session, user: User, *, role: str, actor: User) -> None:
    """A new role; the last active admin keeps theirs (someone must be able to manage users)."""
    if role not in ROLES:
        raise Invalid("invalid role", errors=[{"loc": ["body", "role"], "msg": f"role must be one of {', '.join(ROLES)}"}])
    if role == user.role:
        return
    if is_admin(user) and not _other_active_admins(session, user):
        raise Conflict("the last active admin cannot lose the admin role")
    old, user.role = user.role, role
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.role", object_type="user", object_id=user.id, old=old, new=role)


def end_sessions(session: Session, user: User, *, keep: str | None = None) -> int:
    """Sign the user out of every browser (but the session `keep`, by its id); returns how many."""
    query = delete(WebSession).where(col(WebSession.user_id) == user.id)
    if keep is not None:
        query = query.where(col(WebSession.id) != keep)
    return session.exec(query).rowcount  # type: ignore[attr-defined]


def deactivate(session: Session, user: User, *, actor: User) -> None:
    """The account stops working at once: sessions end, API tokens and open links are revoked.
    Submitted scorecards stay (they are the interviewer's record)."""
    if user.id == actor.id:
        raise Forbidden("you cannot deactivate your own account")
    if is_admin(user) and not _other_active_admins(session, user):
        raise Conflict("the last active admin cannot be deactivated")
    user.is_active = False
    session.add(user)
    end_sessions(session, user)
    now = utcnow()
    session.exec(update(ApiToken).where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
                 .values(revoked_at=now))
    session.exec(update(StaffLink).where(col(StaffLink.user_id) == user.id, col(StaffLink.used_at).is_(None))
                 .values(used_at=now))
    session.flush()
    audit.record(session, actor=actor, action="user.deactivate", object_type="user", object_id=user.id)


def reactivate(session: Session, user: User, *, actor: User) -> None:
    """The account works again (with new sign-ins and new tokens: the old ones stay revoked)."""
    if not user.is_active:
        user.is_active = True
        session.add(user)
        session.flush()
        audit.record(session, actor=actor, action="user.reactivate", object_type="user", object_id=user.id)


def send_reset(session: Session, user: User, *, actor: User | None) -> None:
    """Mail a one-time link to choose a new password (an invitee gets a fresh invitation)."""
    if not user.is_active:
        raise Conflict("reactivate the account first")
    check_rate(session, "password-reset", user.id, RESETS_PER_WINDOW, "to reset this password")
    hit(session, "password-reset", user.id)
    _send_link(session, user, INVITE if is_invited(user) else RESET, actor=actor)
    audit.record(session, actor=actor, action="user.reset_sent", object_type="user", object_id=user.id)


def open_link(session: Session, token: str, *, purpose: str, address: str) -> tuple[StaffLink, User]:
    """The valid link of this token: 404 unknown (counted per address), 410 used or expired."""
    check_rate(session, "staff-link-address", address, 20, "from your address")
    link = session.exec(select(StaffLink).where(StaffLink.token_hash == token_hash(token),
                                                StaffLink.purpose == purpose)).first()
    if link is None:
        hit(session, "staff-link-address", address)
        raise NotFound("this link is not known: check that you copied all of it")
    user = session.get(User, link.user_id)
    if link.used_at is not None or user is None or not user.is_active:
        raise Gone("this link was already used or withdrawn: ask for a new one")
    if link.expires_at <= utcnow():
        raise Gone("this link has expired: ask for a new one")
    return link, user


def redeem_link(session: Session, token: str, *, purpose: str, password: str, address: str) -> User:
    """Set the password through a one-time link; the link is used up and every session ends."""
    link, user = open_link(session, token, purpose=purpose, address=address)
    if problems := password_problems(password, email=user.email, name=user.name):
        raise Invalid("weak password", errors=[{"loc": ["body", "password"], "msg": p} for p in problems])
    link.used_at = utcnow()
    user.password_hash = hash_password(password)
    session.add_all([link, user])
    end_sessions(session, user)
    session.flush()
    audit.record(session, actor=user, action=f"user.{purpose}_accepted", object_type="user", object_id=user.id)
    return user


def change_password(session: Session, user: User, *, current: str, new: str, keep_session: str | None) -> None:
    """A new password (the current one required); other sessions end, this one stays."""
    if not verify_password(user.password_hash, current):
        raise Invalid("wrong password", errors=[{"loc": ["body", "current"], "msg": "Your current password is not right."}])
    if problems := password_problems(new, email=user.email, name=user.name):
        raise Invalid("weak password", errors=[{"loc": ["body", "new"], "msg": p} for p in problems])
    user.password_hash = hash_password(new)
    session.add(user)
    end_sessions(session, user, keep=keep_session)
    session.flush()
    audit.record(session, actor=user, action="user.password_change", object_type="user", object_id=user.id)


def list_users(session: Session) -> list[User]:
    """Every staff account: active first, then by name."""
    return list(session.exec(select(User).order_by(col(User.is_active).desc(), User.name)).all())


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's API tokens, newest first (revoked ones too, marked)."""
    return list(session.exec(select(ApiToken).where(ApiToken.user_id == user.id)
                             .order_by(col(ApiToken.created_at).desc())).all())


def revoke_token(session: Session, user: User, token_id: str) -> None:
    """Revoke one of the user's own tokens (someone else's is not found)."""
    token = session.get(ApiToken, token_id) if "\x00" not in token_id else None
    if token is None or token.user_id != user.id:
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
        audit.record(session, actor=user, action="token.revoke", object_type="user", object_id=user.id)
