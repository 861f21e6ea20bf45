"""Endpoint secrets at rest: sealed with AES-256-GCM under a key derived from CALIBRATE_SECRET_KEY.

The worker must sign with the secret itself, so it cannot be stored as a hash the way API
tokens are. Sealing it keeps a database dump (a backup, a replica, a leaked export) from
handing out the power to forge deliveries: that needs the app's secret key as well. The
endpoint id is the associated data, so a sealed secret copied onto another row does not open."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.settings import get_settings

PREFIX = "v1:"
NONCE_BYTES = 12


class SecretUnreadable(RuntimeError):
    """A sealed secret that this app's secret key cannot open (the key changed): rotate it."""


def _cipher() -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"calibrate webhook endpoint secrets").derive(get_settings().secret_key.encode())
    return AESGCM(key)


def seal(secret: str, *, endpoint_id: str) -> str:
    """The secret encrypted for storage on the endpoint's row."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher().encrypt(nonce, secret.encode(), endpoint_id.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def open_sealed(sealed: str, *, endpoint_id: str) -> str:
    """The secret back from its sealed form; SecretUnreadable when it does not open."""
    if not sealed.startswith(PREFIX):
        raise SecretUnreadable("unknown sealed-secret format")
    raw = base64.urlsafe_b64decode(sealed[len(PREFIX):])
    try:
        return _cipher().decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], endpoint_id.encode()).decode()
    except InvalidTag:
        raise SecretUnreadable("the endpoint's secret was sealed under another CALIBRATE_SECRET_KEY; "
                               "rotate the secret") from None
