"""A fake OpenAI-compatible server per test, with the app's settings pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.settings import get_settings
from tests.ai.fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A running fake server; OPENAI_* settings point at it with a 0.5 s timeout."""
    fake = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("CALIBRATE_LLM_MODEL", "fake-model")
    monkeypatch.setenv("CALIBRATE_LLM_TIMEOUT_SECONDS", "0.5")
    get_settings.cache_clear()
    yield fake
    fake.stop()
    monkeypatch.undo()
    get_settings.cache_clear()
