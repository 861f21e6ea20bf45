"""First run: migrate, load the bank and the shipped job specs, and make sure an admin exists."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from sqlmodel import col, select

from app import policy
from app.auth.security import generate_password
from app.auth.service import create_user
from app.bank.loader import load_bank, sync_bank
from app.migrate import upgrade
from app.models import User
from app.settings import get_settings
from app.specs.service import load_files
from app.wiring import session_scope


def first_run(env: Mapping[str, str]) -> Iterator[str]:
    """Yield what was done; the admin's password is shown only when it was generated now."""
    settings = get_settings()
    upgrade()
    yield "database migrated"
    bank = load_bank(settings.question_bank_dir)
    with session_scope() as session:
        counts = sync_bank(session, bank)
        yield f"question bank: {len(bank.questions)} items ({counts['added']} added, {counts['updated']} updated)"
        for path, result in load_files(session, [settings.job_specs_dir], known_tags=set(bank.tags)):
            yield f"job spec {result.version.content['slug']}: {result.version.label}{'' if result.created else ' (unchanged)'}"
        if session.exec(select(User).where(col(User.role).in_(policy.ADMIN_ROLES))).first():
            yield "an admin account exists already"
            return
        email = env.get("CALIBRATE_ADMIN_EMAIL", "admin@calibrate.local")
        password = env.get("CALIBRATE_ADMIN_PASSWORD") or generate_password()
        create_user(session, email=email, name="Administrator", role=policy.ADMIN, password=password)
    yield "first admin created — sign in at http://127.0.0.1:8000/login with:"
    yield f"  email:    {email}"
    yield "  password: " + ("(from CALIBRATE_ADMIN_PASSWORD)" if env.get("CALIBRATE_ADMIN_PASSWORD") else password)
    yield "  (shown once; keep it somewhere safe)"
