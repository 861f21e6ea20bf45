"""The change handlers of a running Calibrate, in the order they run (see app/changes.py).

`create_app` installs them for the server, the CLI for its commands, the tests for theirs. Each
later kind of background work (mail, webhooks, transcription) adds its outbox handler here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app import changes, db
from app.dashboard.aggregates import StoredAggregates
from app.dashboard.stats import RunningTotals
from app.db import Session
from app.events import LiveDashboards
from app.jobs.registry import Registry
from app.jobs.worker import Worker
from app.interviews.mail import InterviewMail
from app.metrics import CommittedChanges
from app.privacy.erasure import SecureErase
from app.scorecards import parts
from app.suggestions.views import AiPanel
from app.take import modes
from app.voice.mode import VoiceMode
from app.webhooks.outbox import WebhookOutbox


def change_handlers() -> tuple[changes.Handler, ...]:
    """Totals first (they read the changed rows), then the background aggregates, the live dashboards,
    the metrics and the outboxes."""
    return (RunningTotals(), StoredAggregates(), LiveDashboards(), CommittedChanges(), WebhookOutbox(), InterviewMail(),
            SecureErase())


def install() -> None:
    """Install the handlers, the round modes (app/take/modes.py) and the scorecard page's parts
    (app/scorecards/parts.py) for this process."""
    changes.install(change_handlers())
    modes.install([VoiceMode()])
    parts.install([AiPanel()])


@contextmanager
def session_scope() -> Iterator[Session]:
    """A command's transaction (the CLI's session scope), with the handlers installed."""
    install()
    with db.session_scope() as session:
        yield session


def job_registry() -> Registry:
    """Every kind of background job this process runs (app/jobs/), with the sweeps between them."""
    from app.dashboard import aggregates
    from app.mail import delivery as mail_delivery
    from app.interviews import mail as interview_mail
    from app.privacy import erasure
    from app.voice import jobs as voice_jobs
    from app.webhooks import delivery as webhook_delivery

    return (Registry().add_all(voice_jobs.KINDS, voice_jobs.SWEEPS).add_all(webhook_delivery.KINDS)
            .add_all([mail_delivery.KIND], [interview_mail.remind_open_scorecards])
            .add_all([], [erasure.retention_sweep]).add_all(aggregates.KINDS))


def job_worker() -> Worker:
    """A worker over the process's database that runs every registered kind of job."""
    return Worker(job_registry(), db.session_scope)


def worker_in_serve() -> bool:
    """Whether `serve` runs the background jobs itself (CALIBRATE_WORKER_IN_SERVE, default yes)."""
    from app.settings import get_settings

    return get_settings().worker_in_serve
