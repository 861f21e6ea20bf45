"""What a candidate chose and told us: a consent before a round (to the voice recording, to AI
assistance) and voluntary self-identification. Self-identification is kept apart from every table
an interviewer's page or API reads (only the admin's adverse-impact report and export read it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db_types import UTCDateTime
from app.models import new_id, utcnow

DECLINE = "decline"
# The EEOC's categories (EEO-1): sex, and race/ethnicity; "decline" is the default answer.
SEXES = ("female", "male", DECLINE)
RACES_ETHNICITIES = ("hispanic_or_latino", "white", "black_or_african_american",
                     "native_hawaiian_or_other_pacific_islander", "asian", "american_indian_or_alaska_native",
                     "two_or_more_races", DECLINE)
LABELS = {"female": "Female", "male": "Male", "hispanic_or_latino": "Hispanic or Latino", "white": "White",
          "black_or_african_american": "Black or African American",
          "native_hawaiian_or_other_pacific_islander": "Native Hawaiian or Other Pacific Islander",
          "asian": "Asian", "american_indian_or_alaska_native": "American Indian or Alaska Native",
          "two_or_more_races": "Two or more races", DECLINE: "I decline to answer"}


class SelfIdentification(SQLModel, table=True):
    """A candidate's voluntary answers (one row per candidate; no row means "decline")."""

    __tablename__ = "self_identification"
    candidate_id: str = Field(foreign_key="candidate.id", primary_key=True)
    sex: str = Field(default=DECLINE, max_length=64)
    race_ethnicity: str = Field(default=DECLINE, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Consent(SQLModel, table=True):
    """What a candidate agreed to before a round, with the version of the notice they saw."""

    __tablename__ = "consent"
    __table_args__ = (UniqueConstraint("attempt_id", "purpose"),)
    id: str = Field(default_factory=new_id, primary_key=True)
    interview_id: str = Field(foreign_key="interview.id", index=True)
    attempt_id: str = Field(foreign_key="round_attempt.id", index=True)
    purpose: str = Field(max_length=32)  # "voice_recording" (app/voice/consent.py) | "ai_assistance" (ai.py)
    # voice_recording: "voice" (agreed) | "text" (the typed alternative); ai_assistance: "ai" | "people_only"
    choice: str = Field(max_length=16)
    notice_version: str = Field(max_length=40)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
