"""Alembic environment: uses the engine's URL from settings or the caller's connection."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on SQLModel.metadata)
import app.jobs.models  # noqa: F401  (the job outbox)
import app.voice.models  # noqa: F401  (voice rounds)
import app.webhooks.models  # noqa: F401  (webhook endpoints, events, deliveries)
import app.mail.models  # noqa: F401  (the mail outbox)
import app.staff.models  # noqa: F401  (one-time staff links)
import app.suggestions.models  # noqa: F401  (AI suggestions beside scorecards)
import app.consent.models  # noqa: F401  (consents and voluntary self-identification)
from app.db import make_engine
from app.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run against a connection handed in by the caller, or a fresh one from settings."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
