"""Erasure (`DELETE /api/v1/candidates/{id}`): none of the person's strings or audio is left in any
table, in the SQLite file and its log, or in the media folder; the dashboard and reliability JSON
do not move; the audit log records it without personal data; the webhook names the id only."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, text
from sqlmodel import Session, select

from app.bank.loader import load_bank, sync_bank
from app.db import Session as AppSession
from app.db import make_engine
from app.migrate import upgrade
from app.models import AuditEvent, Candidate, Interview, utcnow
from app.privacy import erasure
from app.jobs.worker import Worker
from app.voice import consent as voice_consent
from app.voice import service as voice
from app.voice import transcribe
from app.voice.local import Segment
from app.wiring import job_registry
from app.consent.models import SelfIdentification
from app.settings import get_settings
from app.specs.service import load_files
from app.webhooks import service as webhooks
from app.webhooks.models import WebhookEvent
from tests.conftest import IS_POSTGRES, ROOT
from tests.factories import bearer, csrf, make_candidate, make_interview, make_user, sign_in
from tests.privacy.helpers import SPEC, Seeded, seed_candidate
from tests.voice.helpers import tone_wav


def table_text(session: Session) -> str:
    """Every row of every table, as text (what a search of the database's contents sees)."""
    session.flush()
    found = []
    for table in inspect(session.connection()).get_table_names():
        for row in session.execute(text(f'SELECT * FROM "{table}"')):
            found.append(f"{table}: {tuple(row)!r}")
    return "\n".join(found)


def media_bytes() -> bytes:
    """Every file under the media folder, concatenated."""
    root = get_settings().media_dir
    return b"".join(p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file()) if root.exists() else b""


def numbers(client, headers) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    dashboard = client.get(f"/api/v1/job-specs/{SPEC}/dashboard", headers=headers).json()
    reliability = client.get(f"/api/v1/job-specs/{SPEC}/reliability", headers=headers).json()
    reliability.pop("computed_at", None)
    return dashboard, reliability


def leftovers(seeded: Seeded, haystack: str) -> list[str]:
    return [s for s in seeded.unique_strings if s in haystack or s.lower() in haystack.lower()]


def test_erase_removes_the_person_and_keeps_the_numbers(client, session):
    seeded = seed_candidate(session, interviews=2)
    admin = make_user(session, role="admin")
    webhooks.create_endpoint(session, url="https://93.184.216.34/hook", events=["candidate.erased"], actor=admin)
    headers = bearer(session, admin)
    session.commit()
    before = numbers(client, headers)
    assert leftovers(seeded, table_text(session)) == seeded.unique_strings  # the search does find them
    assert seeded.audio[44:] in media_bytes()

    response = client.delete(f"/api/v1/candidates/{seeded.candidate.id}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == seeded.candidate.id and body["interviews"] == 2 and body["revisions"] >= 3
    assert body["notes"] == 1 and body["audit_redacted"] >= 1 and body["recordings"] == 1

    assert leftovers(seeded, table_text(session)) == []
    assert seeded.audio[44:] not in media_bytes()
    assert not (get_settings().media_dir / "audio" / seeded.interview.id).exists()
    assert numbers(client, headers) == before
    session.expire_all()
    candidate = session.get(Candidate, seeded.candidate.id)
    assert candidate.erased_at is not None and candidate.name == erasure.ERASED_NAME and candidate.email == ""
    assert session.get(SelfIdentification, candidate.id) is None
    entry = session.exec(select(AuditEvent).where(AuditEvent.action == "candidate.erase")).one()
    assert entry.object_id == candidate.id and entry.actor == admin.email
    redacted = session.exec(select(AuditEvent).where(AuditEvent.action == "scorecard.submit",
                                                     AuditEvent.object_id == seeded.cards[0].id)).one()
    assert redacted.redacted_at is not None and redacted.detail["redacted"] is True
    assert redacted.detail["values"]["ratings"]  # the numbers stay in the log too
    event = session.exec(select(WebhookEvent).where(WebhookEvent.type == "candidate.erased")).one()
    assert event.data == {"candidate_id": candidate.id}
    # The link is dead, and a second erasure is harmless.
    assert client.get(f"/api/v1/take/{seeded.token}").status_code == 410
    assert client.delete(f"/api/v1/candidates/{candidate.id}", headers=headers).status_code == 200


def test_erase_revokes_every_link(session):
    seeded = seed_candidate(session, interviews=2)
    erasure.erase_candidate(session, seeded.candidate, actor=None)
    links = session.exec(select(Interview.token_revoked_at).where(Interview.candidate_id == seeded.candidate.id)).all()
    assert len(links) == 2 and all(links)


def test_erase_needs_an_admin(client, session):
    seeded = seed_candidate(session)
    manager = make_user(session)
    response = client.delete(f"/api/v1/candidates/{seeded.candidate.id}", headers=bearer(session, manager))
    assert response.status_code == 403
    assert seeded.name in table_text(session)


def test_erase_page_asks_for_confirmation(client, session):
    seeded = seed_candidate(session)
    sign_in(client, make_user(session, role="admin"))
    page = client.get(f"/candidates/{seeded.candidate.id}/erase")
    assert page.status_code == 200 and "Type ERASE" in page.text
    wrong = client.post(f"/candidates/{seeded.candidate.id}/erase", data={"confirm": "yes", "csrf_token": csrf(client)})
    assert wrong.status_code == 422 and "type ERASE to confirm" in wrong.text
    assert seeded.name in table_text(session)
    done = client.post(f"/candidates/{seeded.candidate.id}/erase", data={"confirm": "ERASE", "csrf_token": csrf(client)},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/candidates/{seeded.candidate.id}?erased=1"
    assert leftovers(seeded, table_text(session)) == []
    assert "Erased." in client.get(done.headers["location"]).text


def _secure_delete_off(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.execute("PRAGMA secure_delete=OFF")


@pytest.mark.skipif(IS_POSTGRES, reason="the file-level search is about SQLite's database file and its log")
@pytest.mark.parametrize("secure_delete", ["as the app sets it", "off (control)"])
def test_erase_leaves_no_copy_in_the_sqlite_file_or_its_log(tmp_path, secure_delete):
    """A real file database, committed as the server commits: after the erasure, a byte search of
    the database file, its write-ahead log and the media folder finds nothing of the person.

    The control run turns secure_delete off on every connection (some SQLite builds have it on by
    default): there the same search must find the erased text in freed space, which shows that
    the search can see what the setting prevents."""
    url = f"sqlite:///{tmp_path / 'erase.db'}"
    engine = make_engine(url)
    control = secure_delete.startswith("off")
    if control:
        event.listen(engine, "connect", _secure_delete_off)
    try:
        with engine.begin() as conn:
            upgrade(connection=conn)
        bank = load_bank(ROOT / "question_bank")
        with AppSession(engine, expire_on_commit=False) as session:
            sync_bank(session, bank)
            load_files(session, [ROOT / "job_specs"], known_tags=set(bank.tags))
            session.commit()
            seeded = seed_candidate(session)
            session.commit()
        files = [tmp_path / "erase.db", tmp_path / "erase.db-wal"]
        stored = b"".join(f.read_bytes() for f in files if f.exists())
        assert all(s.encode() in stored for s in (seeded.name, seeded.email, seeded.note, seeded.transcript))
        with AppSession(engine, expire_on_commit=False) as session:
            candidate = session.get(Candidate, seeded.candidate.id)
            erasure.erase_candidate(session, candidate, actor=None)
            session.commit()  # SecureErase: media files go and the log is checkpointed (TRUNCATE)
        wal = tmp_path / "erase.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0
        stored = b"".join(f.read_bytes() for f in tmp_path.iterdir() if f.is_file())
        left = [s for s in seeded.unique_strings if s.encode() in stored or s.encode("utf-16-le") in stored]
        assert left != [] if control else left == []
        assert seeded.audio[44:] not in media_bytes()
        with AppSession(engine) as session:  # and the ratings are still there
            assert json.dumps(session.execute(text("SELECT count(*) FROM rating")).scalar()) != "0"
    finally:
        engine.dispose()


@pytest.mark.parametrize("specs", [(), ("senior-backend-payments", "senior-golang-fintech")])
def test_erase_sends_one_webhook_per_person(session, recorded_changes, specs):
    admin = make_user(session, role="admin")
    webhooks.create_endpoint(session, url="https://93.184.216.34/hook", events=["candidate.erased"], actor=admin)
    candidate = make_candidate(session)
    for slug in specs:
        make_interview(session, spec_slug=slug, candidate=candidate)
    erasure.erase_candidate(session, candidate, actor=admin)
    events = session.exec(select(WebhookEvent).where(WebhookEvent.type == "candidate.erased")).all()
    assert [e.data for e in events] == [{"candidate_id": candidate.id}]
    erased = [spec for spec, kind in recorded_changes.seen if kind == "candidate.erased"]
    assert len(erased) == max(1, len(specs))  # one change per spec (each spec's dashboards hear of it)


def test_erase_removes_mail_sent_to_an_earlier_address(session):
    seeded = seed_candidate(session)
    seeded.candidate.email = "new-address@example.test"
    session.add(seeded.candidate)
    session.flush()
    erasure.erase_candidate(session, seeded.candidate, actor=None)
    assert leftovers(seeded, table_text(session)) == []


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's write-ahead log")
def test_a_busy_checkpoint_is_tried_again_by_the_worker(tmp_path):
    path = tmp_path / "busy.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x TEXT)")
        reader = sqlite3.connect(str(path), isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM t").fetchone()  # holds a snapshot older than the next write
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES ('erased text')")
        url = f"sqlite:///{path}"
        busy, _, _ = erasure.checkpoint_wal(url, busy_ms=50)
        assert busy == 1 and erasure._owed[url]
        reader.execute("COMMIT")
        reader.close()
        with AppSession(engine) as session:
            erasure.retention_sweep(session, utcnow())
        assert not erasure._owed[url]
        assert (tmp_path / "busy.db-wal").stat().st_size == 0
    finally:
        engine.dispose()


def test_a_transcript_finished_after_the_erasure_is_not_stored(session, monkeypatch):
    created = make_interview(session, spec_slug=SPEC)
    now = utcnow()
    attempt, _ = voice_consent.give(session, created.interview, "round_02", choice="voice", now=now)
    voice.receive_chunk(session, created.interview, "round_02", attempt.questions[0]["id"], seq=0, final=True,
                        content_type="audio/wav", data=tone_wav(0.3), now=now)
    late = "a transcript that arrived after the erasure"

    def transcribe_during_erasure(parts):  # type: ignore[no-untyped-def]
        erasure.erase_candidate(session, session.get(Candidate, created.interview.candidate_id), actor=None)
        return transcribe.Transcript([Segment(0.0, 0.3, late)], 0.3, "local:test")

    monkeypatch.setattr(transcribe, "transcribe_parts", transcribe_during_erasure)

    @contextmanager
    def sessions():  # type: ignore[no-untyped-def]
        with session.begin_nested():
            yield session

    Worker(job_registry(), sessions).run_once()
    assert late not in table_text(session)
