"""Two `calibrate worker` processes on PostgreSQL deliver every queued message exactly once."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.jobs.models import Job
from app.mail.models import SENT, MailMessage
from app.mail.outbox import SEND, queue_mail
from app.models import utcnow
from tests.conftest import IS_POSTGRES, ROOT, TEST_DATABASE_URL
from tests.mail.conftest import BASE_URL
from tests.mail.smtp import Inbox, SmtpServer

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="several workers on one outbox need PostgreSQL")
COUNT = 40


def _queue(engine) -> list[int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        ids = [queue_mail(session, template="password_reset", to=f"worker{n}@example.test", name=f"Person {n}",
                          context={"link_url": f"{BASE_URL}/reset/x{n}", "expires_at": utcnow(),
                                   "inviter_name": "", "role_label": ""}).id for n in range(COUNT)]
        session.commit()
    return ids  # type: ignore[return-value]


def test_two_worker_processes_deliver_each_message_once(engine):
    server = SmtpServer(Inbox(delay=0.02))  # slow enough that both workers get a share
    server.start()
    ids = _queue(engine)
    env = {"DATABASE_URL": TEST_DATABASE_URL, "CALIBRATE_SMTP_URL": server.url, "CALIBRATE_BASE_URL": BASE_URL,
           "CALIBRATE_SECRET_KEY": "test-secret-key-not-for-production", "PATH": "/usr/bin:/bin"}
    try:
        workers = [subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--once"], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        for worker in workers:
            _, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err.decode()
        recipients = sorted(rcpts[0] for _, rcpts in server.inbox.envelopes)
        assert recipients == sorted(f"worker{n}@example.test" for n in range(COUNT))
        with Session(engine) as session:
            rows = session.exec(select(MailMessage).where(col(MailMessage.id).in_(ids))).all()
            assert all(m.status == SENT and m.attempts == 1 for m in rows)
    finally:
        server.stop()
        with Session(engine) as session:
            session.execute(delete(Job).where(col(Job.kind) == SEND, col(Job.key).in_([str(i) for i in ids])))
            session.execute(delete(MailMessage).where(col(MailMessage.id).in_(ids)))
            session.commit()
