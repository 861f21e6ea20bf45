"""Anchored scales: the progression guide's level descriptions around the spec's level."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from app.bank.loader import cached_bank
from app.models import LEVELS
from app.scorecards.anchors import GENERIC, scale
from app.settings import get_settings
from app.specs.content import Competency

TAGS = cached_bank(str(get_settings().question_bank_dir)).tags
FSD = Competency(id="financial_systems_design", name="Financial Systems Design", weight=1.0,
                 definition="Designs payment state machines.")


def test_scale_senior_uses_neighbouring_levels_of_the_guide() -> None:
    guide = TAGS["financial_systems_design"]["anchors"]
    points = {a.value: a for a in scale(FSD, "senior")}
    assert points[3].label == "3 · Meets the bar for senior" and points[3].description == guide["senior"]
    assert points[2].description == guide["mid"] and points[4].description == guide["staff"]
    assert points[5].description == guide["principal"]
    assert points[1].label.startswith("1 · Far below")


def test_scale_junior_has_generic_below_the_bar() -> None:
    points = {a.value: a for a in scale(FSD, "junior")}
    assert points[2].label == f"2 · {GENERIC[2]}" and points[2].description == ""
    assert points[5].description == TAGS["financial_systems_design"]["anchors"]["senior"]


def test_scale_principal_has_generic_top_points() -> None:
    points = {a.value: a for a in scale(FSD, "principal")}
    assert points[4].label == f"4 · {GENERIC[4]}" and points[5].label == f"5 · {GENERIC[5]}"
    assert points[3].description == TAGS["financial_systems_design"]["anchors"]["principal"]


def test_scale_uses_tags_and_falls_back_to_definition() -> None:
    tagged = dataclasses.replace(FSD, id="payments", tags=("unknown_tag", "financial_systems_design"))
    assert scale(tagged, "mid")[2].description == TAGS["financial_systems_design"]["anchors"]["mid"]
    unknown = dataclasses.replace(FSD, id="negotiation")
    points = scale(unknown, "mid")
    assert points[2].description == FSD.definition and points[3].description == ""


@given(level=st.sampled_from(LEVELS), tag=st.sampled_from(sorted(TAGS)))
def test_scale_always_five_points_three_meets_this_level(level: str, tag: str) -> None:
    points = scale(Competency(id=tag, name=tag, weight=1, definition="d"), level)
    assert [a.value for a in points] == [1, 2, 3, 4, 5]
    assert points[2].label == f"3 · Meets the bar for {level}"
    assert points[2].description == TAGS[tag]["anchors"][level]
    assert len({a.label for a in points}) == 5
