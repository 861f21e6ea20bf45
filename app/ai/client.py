"""One chat completion with a JSON answer, through the official `openai` client against any
OpenAI-compatible server (OPENAI_API_KEY, OPENAI_BASE_URL, CALIBRATE_LLM_MODEL). Every failure
becomes `GenerationFailed` with a cause a person can read; callers fall back and say why."""

from __future__ import annotations

from typing import Any

import openai

from app.settings import Settings


class GenerationFailed(Exception):
    """The model gave nothing usable; `cause` is shown to the user (e.g. "timeout after 20 s")."""

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


def client(settings: Settings) -> openai.OpenAI:
    """The client for the configured endpoint: the settings' timeout, one retry."""
    return openai.OpenAI(api_key=settings.openai_api_key, base_url=settings.openai_base_url or None,
                         timeout=settings.llm_timeout_seconds, max_retries=1)


def json_schema_format(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """`response_format` asking for output that follows the schema (strict structured output)."""
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}


def ask_json(settings: Settings, messages: list[dict[str, str]], schema: dict[str, Any], *, name: str,
             json_object_fallback: bool = False) -> str:
    """The model's answer text to `messages`, constrained by the schema; GenerationFailed otherwise.

    With `json_object_fallback`, an endpoint that refuses the schema format (HTTP 400) is asked
    once more with plain JSON mode: the prompt states the shape, and the caller checks it anyway."""
    try:
        return _complete(settings, messages, json_schema_format(name, schema))
    except _Rejected as rejected:
        if not json_object_fallback:
            raise GenerationFailed(rejected.cause) from None
    try:
        return _complete(settings, messages, {"type": "json_object"})
    except _Rejected as rejected:
        raise GenerationFailed(rejected.cause) from None


class _Rejected(GenerationFailed):
    """HTTP 400: the server did not accept the request as sent."""


def _complete(settings: Settings, messages: list[dict[str, str]], response_format: dict[str, Any]) -> str:
    try:
        completion = client(settings).chat.completions.create(
            model=settings.llm_model, messages=messages,  # type: ignore[arg-type]
            response_format=response_format)  # type: ignore[arg-type]
    except openai.APITimeoutError:
        raise GenerationFailed(f"timeout after {settings.llm_timeout_seconds:g} s") from None
    except openai.BadRequestError as exc:
        raise _Rejected(f"HTTP {exc.status_code} from the model server") from None
    except openai.APIStatusError as exc:
        raise GenerationFailed(f"HTTP {exc.status_code} from the model server") from None
    except openai.APIConnectionError:
        raise GenerationFailed("cannot reach the model server") from None
    except openai.OpenAIError as exc:
        raise GenerationFailed(f"model error: {type(exc).__name__}") from None
    try:
        message = completion.choices[0].message
        refusal, answer = message.refusal, message.content
    except (AttributeError, IndexError, TypeError):
        raise GenerationFailed("malformed output: not a chat completion") from None
    if refusal:
        raise GenerationFailed(f"the model refused: {refusal.strip()[:120]}")
    if not answer or not isinstance(answer, str):
        raise GenerationFailed("malformed output: empty answer")
    return answer
