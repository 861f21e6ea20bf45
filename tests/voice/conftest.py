"""Voice tests: media under a temporary folder, and a candidate on seed 002's spec whose
Round 02 is a voice round (four prompts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from app.jobs.worker import Worker
from app.settings import get_settings
from app.wiring import job_registry
from tests.ai.conftest import fake_openai  # noqa: F401  (the OpenAI-compatible fake server)
from tests.factories import make_interview

ROUND = "round_02"


@pytest.fixture(autouse=True)
def media_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """CALIBRATE_MEDIA_DIR in a temporary folder for each test."""
    folder = tmp_path / "media"
    monkeypatch.setenv("CALIBRATE_MEDIA_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    monkeypatch.undo()
    get_settings.cache_clear()


@dataclass
class VoiceLink:
    """A candidate's interview, its invite token and the candidate API's base path."""

    interview: Any
    token: str
    base: str
    prompts: list[str]


def make_voice_link(session: Session, client, *, consent: str | None = "voice", **options: Any) -> VoiceLink:  # type: ignore[no-untyped-def]
    """An interview on seed 002's spec, committed, with the voice round consented to and started."""
    created = make_interview(session, **options)
    session.commit()  # a refused request rolls back to here, not past the setup
    base = f"/api/v1/take/{created.token}"
    prompts: list[str] = []
    if consent is not None:
        response = client.post(f"{base}/rounds/{ROUND}/consent", json={"choice": consent})
        assert response.status_code == 200, response.text
        prompts = [q["id"] for q in client.get(f"{base}/rounds/{ROUND}").json()["questions"]]
    return VoiceLink(created.interview, created.token, base, prompts)


@pytest.fixture
def voice_link(session: Session, client) -> VoiceLink:  # type: ignore[no-untyped-def]
    return make_voice_link(session, client)


@pytest.fixture
def worker(session: Session) -> Worker:
    """The app's worker with every job kind, its transactions savepoints of the test's session."""

    @contextmanager
    def sessions() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    return Worker(job_registry(), sessions)
