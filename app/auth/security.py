"""Secrets and their hashes: argon2id passwords, SHA-256 for random tokens, HMAC CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(type=Type.ID)
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; unknown users cost the same time as known ones."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str = "") -> str:
    """A secret of 32 random bytes, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """How a random secret is stored: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(secret_key: str, seed: str) -> str:
    """The CSRF token that belongs to a browser's CSRF cookie."""
    return hmac.new(secret_key.encode(), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, seed: str | None, given: str | None) -> bool:
    """Constant-time check of a submitted CSRF token against the cookie's."""
    if not seed or not given:
        return False
    return hmac.compare_digest(csrf_token(secret_key, seed), given)


def generate_password() -> str:
    """A strong random password for a first admin."""
    return secrets.token_urlsafe(15)
