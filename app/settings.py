"""Settings from the environment (DESIGN: Settings), behind a cached accessor."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_KEY_FILE = ".calibrate-secret-key"


class Settings(BaseSettings):
    """Every setting DESIGN lists, plus a few operational knobs with safe defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default="sqlite:///./calibrate.db", alias="DATABASE_URL")
    secret_key: str = Field(default="", alias="CALIBRATE_SECRET_KEY")
    grace_seconds: float = Field(default=30.0, ge=0, alias="CALIBRATE_GRACE_SECONDS")
    openai_api_key: str = Field(default="", alias="OPENAI_API_KEY", repr=False)
    openai_base_url: str = Field(default="", alias="OPENAI_BASE_URL")
    llm_model: str = Field(default="gpt-4o-mini", alias="CALIBRATE_LLM_MODEL")
    llm_timeout_seconds: float = Field(default=20.0, gt=0, alias="CALIBRATE_LLM_TIMEOUT_SECONDS")
    invite_days: int = Field(default=14, ge=1, alias="CALIBRATE_INVITE_DAYS")
    job_specs_dir: Path = Field(default=Path("job_specs"), alias="CALIBRATE_JOB_SPECS_DIR")
    question_bank_dir: Path = Field(default=Path("question_bank"), alias="CALIBRATE_QUESTION_BANK_DIR")
    secure_cookies: bool | None = Field(default=None, alias="CALIBRATE_SECURE_COOKIES")
    # Voice rounds (DESIGN: Voice rounds) and the background worker.
    media_dir: Path = Field(default=Path("media"), alias="CALIBRATE_MEDIA_DIR")
    max_audio_seconds: float = Field(default=600.0, gt=0, alias="CALIBRATE_MAX_AUDIO_SECONDS")
    transcribe_model: str = Field(default="whisper-1", alias="CALIBRATE_TRANSCRIBE_MODEL")
    speech_model: str = Field(default="tts-1", alias="CALIBRATE_SPEECH_MODEL")
    speech_voice: str = Field(default="alloy", alias="CALIBRATE_SPEECH_VOICE")
    audio_timeout_seconds: float = Field(default=60.0, gt=0, alias="CALIBRATE_AUDIO_TIMEOUT_SECONDS")
    worker_in_serve: bool = Field(default=True, alias="CALIBRATE_WORKER_IN_SERVE")
    # Mail (DESIGN: Staff, mail and notifications): links in mail start with base_url.
    base_url: str = Field(default="http://127.0.0.1:8000", alias="CALIBRATE_BASE_URL")
    smtp_url: str = Field(default="", alias="CALIBRATE_SMTP_URL", repr=False)  # may hold a password
    mail_from: str = Field(default="Calibrate <calibrate@localhost>", alias="CALIBRATE_MAIL_FROM")
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, alias="CALIBRATE_SMTP_TIMEOUT_SECONDS")
    # Webhooks (docs/webhooks.md): https to public addresses only, unless this allows http to loopback.
    allow_http_webhooks: bool = Field(default=False, alias="CALIBRATE_ALLOW_HTTP_WEBHOOKS")
    # Candidate data is erased this many days after the last activity of its interviews (unset: kept).
    retention_days: float | None = Field(default=None, gt=0, alias="CALIBRATE_RETENTION_DAYS")

    @property
    def ai_enabled(self) -> bool:
        """AI features need an API key; without one everything falls back to the bank."""
        return bool(self.openai_api_key)


def _load_or_create_secret(path: Path) -> str:
    """Read the kept secret key, or generate one on first run and keep it (mode 0600)."""
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    value = secrets.token_urlsafe(48)
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; a missing secret key is generated once and kept on disk."""
    settings = Settings()
    if not settings.secret_key:
        settings.secret_key = _load_or_create_secret(Path(SECRET_KEY_FILE))
    return settings
