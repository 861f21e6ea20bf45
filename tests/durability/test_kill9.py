"""Nothing acknowledged is ever lost (DESIGN: Timed rounds), even when the server dies mid-burst.

Many candidates autosave at once against a real `calibrate serve` process; in the middle of the
burst the server is killed with SIGKILL (no shutdown of any kind). After a restart on the same
database, every save that was answered 2xx must be there: the stored revision is at least the
highest acknowledged one, with exactly the acknowledged text when equal and one of the texts sent
when higher (a save whose response was lost). Runs on SQLite, and on PostgreSQL in a sibling
`<name>_kill9` database when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from app.db import make_engine
from app.models import Answer, AnswerRevision, RoundAttempt
from tests.factories import make_interview
from tests.server import fresh_database_url, server_env, setup_database, start_server
from tests.take.helpers import timed_spec

CANDIDATES = 20
KILL_AFTER = 400  # acknowledged saves before the kill
ROUND = "written"


@dataclass
class Stream:
    """One answer autosaved by one client: every text sent and every save acknowledged."""

    token: str
    question_id: str
    sent: dict[int, str] = field(default_factory=dict)
    acknowledged: dict[int, str] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    ended_by: str | None = None

    @property
    def path(self) -> str:
        return f"/api/v1/take/{self.token}/rounds/{ROUND}/answers/{self.question_id}"

    def text_for(self, revision: int) -> str:
        # Unique per answer and revision, of varying length.
        filler = "Debits equal credits. " * (1 + revision % 9)
        return f"{self.token[:8]} {self.question_id} revision {revision}: {filler}"

    def problems(self, revision: int, stored_text: str) -> list[str]:
        """Why a stored (revision, text) would lose or invent something, if it does."""
        name = f"{self.token[:8]}/{self.question_id}"
        highest = max(self.acknowledged, default=0)
        if revision < highest:
            return [f"{name}: stored revision {revision} < acknowledged {highest}"]
        if revision == highest and stored_text != self.acknowledged.get(revision, ""):
            return [f"{name}: revision {revision} stored with other text than acknowledged"]
        if revision > highest and stored_text != self.sent.get(revision):
            return [f"{name}: revision {revision} stored with a text never sent for it"]
        return []


class Acknowledgements:
    """A thread-safe count of acknowledged saves that signals once `target` is reached."""

    def __init__(self, target: int):
        self.count = 0
        self.target = target
        self.reached = threading.Event()
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.count += 1
            if self.count >= self.target:
                self.reached.set()


def autosave(stream: Stream, base_url: str, acks: Acknowledgements, stop: threading.Event) -> None:
    """Save ever newer revisions, one after another like a typing candidate, until the connection dies."""
    with httpx.Client(base_url=base_url, timeout=15) as client:
        revision = 0
        while not stop.is_set():
            revision += 1
            stream.sent[revision] = stream.text_for(revision)
            try:
                response = client.put(stream.path, json={"text": stream.sent[revision], "revision": revision})
            except httpx.TransportError as exc:
                stream.ended_by = type(exc).__name__
                return
            if response.status_code != 200 or response.json().get("revision") != revision:
                stream.unexpected.append(f"revision {revision}: {response.status_code} {response.text[:200]}")
                return
            stream.acknowledged[revision] = stream.sent[revision]
            acks.add()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh database: a SQLite file, or `<name>_kill9` recreated on the PostgreSQL server."""
    return fresh_database_url(tmp_path, "kill9")


def stored_in_database(session: Session, interview_ids: dict[str, str]) -> tuple[dict, dict]:
    """Per (token, question): the Answer row's (revision, text), and its AnswerRevision texts by revision."""
    token_of = {interview_id: token for token, interview_id in interview_ids.items()}
    rows = session.exec(select(RoundAttempt.interview_id, Answer)
                        .join(Answer, col(Answer.attempt_id) == RoundAttempt.id)
                        .where(col(RoundAttempt.interview_id).in_(list(token_of)),
                               RoundAttempt.round_key == ROUND)).all()
    answers = {(token_of[interview_id], a.question_id): (a.revision, a.text) for interview_id, a in rows}
    key_of = {a.id: (token_of[interview_id], a.question_id) for interview_id, a in rows}
    history: dict[tuple[str, str], dict[int, str]] = {key: {} for key in answers}
    for revision in session.exec(select(AnswerRevision).where(col(AnswerRevision.answer_id).in_(list(key_of)))).all():
        history[key_of[revision.answer_id]][revision.revision] = revision.text
    return answers, history


def test_acknowledged_autosaves_survive_a_sigkill_mid_burst(database_url, tmp_path):
    env = server_env(database_url)
    setup_database(env, cwd=tmp_path)
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        slug = timed_spec(session, minutes=60)
        created = [make_interview(session, spec_slug=slug) for _ in range(CANDIDATES)]
        session.commit()
    interview_ids = {c.token: c.interview.id for c in created}

    server = start_server(env, tmp_path / "server.log")
    try:
        streams = []
        for token in interview_ids:
            started = httpx.post(f"{server.base_url}/api/v1/take/{token}/rounds/{ROUND}/start", timeout=15)
            assert started.status_code == 200, started.text
            streams += [Stream(token, q["id"]) for q in started.json()["questions"]]
        assert len(streams) == 2 * CANDIDATES

        acks, stop = Acknowledgements(KILL_AFTER), threading.Event()
        threads = [threading.Thread(target=autosave, args=(s, server.base_url, acks, stop)) for s in streams]
        for thread in threads:
            thread.start()
        reached = acks.reached.wait(timeout=40)
        if reached:
            os.kill(server.pid, signal.SIGKILL)
            acknowledged_at_kill = acks.count
        else:
            stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert reached, f"only {acks.count} saves acknowledged before the time ran out:\n{server.log()}"
        assert server.process.wait(timeout=10) == -signal.SIGKILL
        with pytest.raises(httpx.TransportError):  # nothing else answers in its place
            httpx.get(f"{server.base_url}/healthz", timeout=2)
    finally:
        server.stop()

    # The kill landed mid-burst: every client was cut off, none had finished or been refused.
    assert [s.unexpected for s in streams if s.unexpected] == []
    assert all(not thread.is_alive() for thread in threads)
    assert [s.ended_by for s in streams if s.ended_by is None] == []

    server = start_server(env, tmp_path / "server.log")
    try:
        assert httpx.get(f"{server.base_url}/healthz", timeout=5).status_code == 200

        # Through the API: the round is still open and holds every acknowledged save.
        problems: list[str] = []
        for token in interview_ids:
            state = httpx.get(f"{server.base_url}/api/v1/take/{token}/rounds/{ROUND}", timeout=15).json()
            assert state["status"] == "in_progress"
            for stream in (s for s in streams if s.token == token):
                saved = state["answers"][stream.question_id]
                problems += stream.problems(saved["revision"], saved["text"])
        assert problems == []

        # In the database: the answer rows, and a revision row with the exact text of every acknowledged save.
        with Session(engine) as session:
            answers, history = stored_in_database(session, interview_ids)
        for stream in streams:
            revision, stored_text = answers[(stream.token, stream.question_id)]
            revisions = history[(stream.token, stream.question_id)]
            problems += stream.problems(revision, stored_text)
            problems += [f"{stream.token[:8]}/{stream.question_id}: acknowledged revision {r} missing from the history"
                         for r, t in stream.acknowledged.items() if revisions.get(r) != t]
            problems += [f"{stream.token[:8]}/{stream.question_id}: revision {r} in the history was never sent so"
                         for r, t in revisions.items() if stream.sent.get(r) != t]
            if max(revisions, default=0) != revision:
                problems.append(f"{stream.token[:8]}/{stream.question_id}: answer at revision {revision}, "
                                f"history at {max(revisions, default=0)}")
        assert problems == []

        # The restarted server takes further saves.
        stream = streams[0]
        revision = answers[(stream.token, stream.question_id)][0] + 1
        saved = httpx.put(f"{server.base_url}{stream.path}", json={"text": "After the restart.", "revision": revision},
                          timeout=15)
        assert saved.status_code == 200 and saved.json()["revision"] == revision
        state = httpx.get(f"{server.base_url}/api/v1/take/{stream.token}/rounds/{ROUND}", timeout=15).json()
        assert (state["answers"][stream.question_id]["text"], state["answers"][stream.question_id]["revision"]) \
            == ("After the restart.", revision)
    finally:
        server.stop()
        engine.dispose()

    acknowledged = sum(len(s.acknowledged) for s in streams)
    lost_responses = sum(answers[(s.token, s.question_id)][0] > max(s.acknowledged, default=0) for s in streams)
    print(f"\nkill9: {len(streams)} clients, {acknowledged_at_kill} saves acknowledged when the kill was sent, "
          f"{acknowledged} in all, {lost_responses} stored whose response was lost")
