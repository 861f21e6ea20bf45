"""What a good enough password is, said in words a person can act on."""

from __future__ import annotations

from app.auth.security import MIN_PASSWORD_LENGTH

# The most used passwords and keyboard walks that pass the length rule.
COMMON = frozenset({
    "password1234", "password12345", "password123456", "123456789012", "1234567890123", "qwertyuiopas",
    "qwerty123456", "iloveyou1234", "letmein12345", "welcome12345", "administrator", "passwordpassword",
    "calibrate123", "calibrate1234", "changeme1234", "abcdefghijkl", "111111111111", "000000000000",
    "qwertyuiop12", "1q2w3e4r5t6y", "asdfghjkl123", "football1234", "monkey123456", "sunshine1234",
})
MAX_PASSWORD_LENGTH = 1000


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Why a new password is refused (empty when it is fine)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [(f"Use at least {MIN_PASSWORD_LENGTH} characters (this one has {len(password)}); "
                 "a few unrelated words make a long password that is easy to remember.")]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"Use at most {MAX_PASSWORD_LENGTH} characters."]
    problems = []
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) <= 3:
        problems.append("This password is one of the first an attacker tries; choose something less common.")
    local = email.split("@")[0].lower()
    if (len(local) >= 4 and local in lowered) or any(len(part) >= 4 and part.lower() in lowered
                                                     for part in name.split()):
        problems.append("Don't use your name or email address in your password.")
    return problems
