"""The one table of candidate privacy: voluntary self-identification, kept apart from every table
an interviewer's page or API reads (only the admin's adverse-impact report and export read it)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db_types import UTCDateTime
from app.models import utcnow

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
