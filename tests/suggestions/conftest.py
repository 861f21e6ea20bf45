"""The fake OpenAI-compatible server of tests/ai, for the suggestion tests."""

from tests.ai.conftest import fake_openai  # noqa: F401
