"""Scorecard rules: coverage, validation, submission, blindness, amendments and their audit trail."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.errors import Conflict, Invalid, NotFound
from app.models import AuditEvent, Rating
from app.scorecards import service
from app.scorecards.rounds import round_view, waiting_label
from tests.factories import make_user
from tests.scorecards.helpers import FULL, answer_round, card_of, interview_for, interviewers, spec_with


def _ids(cards) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.id for c in cards}


def _draft(session: Session, card, **values):  # type: ignore[no-untyped-def]
    view = round_view(session, card)
    changes = service.validate_changes(view, ratings=values.get("ratings", {}), notes=values.get("notes", {}),
                                       must_haves=values.get("must_haves", {}))
    return service.save_draft(session, card=card, changes=changes)


def test_round_view_behavioral_round_covers_only_tagged_competencies(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_02": [alice]})
    view = round_view(session, card_of(session, interview, alice, "round_02"))
    assert set(view.covered_ids) == {"distributed_systems_reliability", "production_ownership"}


def test_round_view_live_round_covers_every_competency(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_03": [alice]}, spec_slug="fintech-backend-senior")
    view = round_view(session, card_of(session, interview, alice, "round_03"))
    assert view.is_live and view.questions == []
    assert view.covered_ids == list(view.content.competency_ids)


def test_validate_changes_refuses_bad_values_and_uncovered_competencies(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_02": [alice]})
    view = round_view(session, card_of(session, interview, alice, "round_02"))
    with pytest.raises(Invalid) as caught:
        service.validate_changes(view, ratings={"production_ownership": 6, "nope": 3, "postgres_schema_design": 3,
                                                "distributed_systems_reliability": True},
                                 notes={}, must_haves={"python_production": "maybe"})
    locs = {tuple(e["loc"]) for e in caught.value.errors}
    assert locs == {("body", "ratings", "production_ownership"), ("body", "ratings", "nope"),
                    ("body", "ratings", "postgres_schema_design"), ("body", "ratings", "distributed_systems_reliability"),
                    ("body", "must_haves", "python_production")}


def test_save_draft_note_before_rating_is_not_a_rating(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    _draft(session, card, notes={"production_ownership": "talked about on-call"})
    values = service.card_values(session, card)
    assert values["ratings"] == {} and values["notes"] == {"production_ownership": "talked about on-call"}
    with pytest.raises(Invalid) as caught:
        service.submit(session, card=card, actor=alice)
    assert ["ratings", "production_ownership"] in [e["loc"] for e in caught.value.errors]


def test_submit_requires_every_covered_competency(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    _draft(session, card, ratings={"financial_systems_design": 3})
    with pytest.raises(Invalid) as caught:
        service.submit(session, card=card, actor=alice)
    assert sorted(e["loc"][1] for e in caught.value.errors) == sorted(set(FULL) - {"financial_systems_design"})
    assert card.status == "draft"


@pytest.mark.parametrize("extreme", [1, 5])
def test_submit_extreme_rating_needs_a_note(session: Session, extreme: int) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    _draft(session, card, ratings={**FULL, "financial_systems_design": extreme})
    with pytest.raises(Invalid) as caught:
        service.submit(session, card=card, actor=alice)
    assert caught.value.errors == [{"loc": ["notes", "financial_systems_design"],
                                    "msg": f"a rating of {extreme} needs an evidence note"}]
    _draft(session, card, notes={"financial_systems_design": "designed the ledger postings unprompted"})
    service.submit(session, card=card, actor=alice)
    assert card.status == "submitted"


def test_submit_records_audit_and_fills_unmarked_must_haves(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    _draft(session, card, ratings=FULL)
    service.submit(session, card=card, actor=alice)
    [event] = service.history(session, card)
    assert event.action == "scorecard.submit" and event.actor == alice.email
    assert event.detail["changes"] == [{"field": "status", "old": "draft", "new": "submitted"}]
    assert set(service.card_values(session, card)["must_haves"].values()) == {"not_assessed"}
    with pytest.raises(Conflict):
        service.submit(session, card=card, actor=alice)


def test_save_draft_on_submitted_card_conflicts(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    _draft(session, card, ratings=FULL)
    service.submit(session, card=card, actor=alice)
    with pytest.raises(Conflict):
        _draft(session, card, ratings={"financial_systems_design": 4})


def test_amend_updates_in_place_and_audits_old_new_and_reason(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    _draft(session, card, ratings=FULL)
    service.submit(session, card=card, actor=alice)
    view = round_view(session, card)
    changes = service.validate_changes(view, ratings={"financial_systems_design": 4}, notes={},
                                       must_haves={}, recommendation="yes", set_recommendation=True)
    diff = service.amend(session, card=card, actor=alice, changes=changes, reason="re-read the ledger answer")
    assert diff == [{"field": "ratings.financial_systems_design", "old": 3, "new": 4},
                    {"field": "recommendation", "old": None, "new": "yes"}]
    rows = session.exec(select(Rating).where(Rating.scorecard_id == card.id,
                                             Rating.competency_id == "financial_systems_design")).all()
    assert [r.value for r in rows] == [4]
    event = session.exec(select(AuditEvent).where(AuditEvent.object_id == card.id,
                                                  AuditEvent.action == "scorecard.amend")).one()
    assert event.detail["reason"] == "re-read the ledger answer" and event.detail["changes"] == diff
    assert event.actor_id == alice.id and event.at is not None


def test_amend_needs_a_reason_a_change_and_a_submitted_card(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    view = round_view(session, card)
    change = service.validate_changes(view, ratings={"financial_systems_design": 4}, notes={}, must_haves={})
    with pytest.raises(Conflict):
        service.amend(session, card=card, actor=alice, changes=change, reason="why")
    _draft(session, card, ratings=FULL)
    service.submit(session, card=card, actor=alice)
    with pytest.raises(Invalid):
        service.amend(session, card=card, actor=alice, changes=change, reason="   ")
    same = service.validate_changes(view, ratings={"financial_systems_design": 3}, notes={}, must_haves={})
    with pytest.raises(Invalid):
        service.amend(session, card=card, actor=alice, changes=same, reason="no change")
    extreme = service.validate_changes(view, ratings={"financial_systems_design": 5}, notes={}, must_haves={})
    with pytest.raises(Invalid) as caught:
        service.amend(session, card=card, actor=alice, changes=extreme, reason="exceptional")
    assert caught.value.errors[0]["loc"] == ["notes", "financial_systems_design"]
    assert [e.action for e in service.history(session, card)] == ["scorecard.submit"]


def test_visible_cards_blind_until_own_submitted(session: Session) -> None:
    alice, bob = interviewers(session, 2)
    manager = make_user(session, role="hiring_manager")
    outsider = make_user(session, role="interviewer")
    interview = interview_for(session, interviewers={"round_01": [alice, bob]})
    a_card, b_card = card_of(session, interview, alice), card_of(session, interview, bob)
    _draft(session, a_card, ratings=FULL)
    service.submit(session, card=a_card, actor=alice)
    assert service.visible_cards(session, interview, bob) == [b_card]
    assert service.visible_cards(session, interview, manager) == [a_card]
    assert _ids(service.visible_cards(session, interview, alice)) == _ids([a_card])
    with pytest.raises(NotFound):
        service.visible_cards(session, interview, outsider)
    _draft(session, b_card, ratings=FULL)
    service.submit(session, card=b_card, actor=bob)
    assert _ids(service.visible_cards(session, interview, bob)) == _ids([a_card, b_card])
    assert _ids(service.visible_cards(session, interview, alice)) == _ids([a_card, b_card])


def test_visible_cards_blind_until_all_submitted_option(session: Session) -> None:
    alice, bob = interviewers(session, 2)
    manager = make_user(session, role="hiring_manager")
    slug = spec_with(session, "blind-payments", blind_until_all_submitted=True)
    interview = interview_for(session, interviewers={"round_01": [alice], "round_02": [bob]}, spec_slug=slug)
    a_card, b_card = card_of(session, interview, alice), card_of(session, interview, bob, "round_02")
    _draft(session, a_card, ratings=FULL)
    service.submit(session, card=a_card, actor=alice)
    assert service.visible_cards(session, interview, manager) == []
    assert service.visible_cards(session, interview, alice) == [a_card]
    _draft(session, b_card, ratings={"production_ownership": 3, "distributed_systems_reliability": None})
    service.submit(session, card=b_card, actor=bob)
    assert _ids(service.visible_cards(session, interview, manager)) == _ids([a_card, b_card])
    assert _ids(service.visible_cards(session, interview, alice)) == _ids([a_card, b_card])


def test_submit_last_scorecard_completes_interview(session: Session) -> None:
    alice, bob = interviewers(session, 2)
    interview = interview_for(session, interviewers={"round_01": [alice], "round_02": [bob]})
    answer_round(session, interview, "round_01")
    answer_round(session, interview, "round_02")
    _draft(session, card_of(session, interview, alice), ratings=FULL)
    service.submit(session, card=card_of(session, interview, alice), actor=alice)
    assert interview.completed_at is None
    b_card = card_of(session, interview, bob, "round_02")
    _draft(session, b_card, ratings={"production_ownership": 3, "distributed_systems_reliability": 4})
    service.submit(session, card=b_card, actor=bob)
    assert interview.completed_at is not None


def test_live_round_scored_with_notes(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_03": [alice]}, spec_slug="fintech-backend-senior")
    card = card_of(session, interview, alice, "round_03")
    view = round_view(session, card)
    ratings = {cid: 3 for cid in view.covered_ids}
    notes = {cid: f"discussed {cid} at the whiteboard" for cid in view.covered_ids}
    _draft(session, card, ratings=ratings, notes=notes)
    service.submit(session, card=card, actor=alice)
    assert service.card_values(session, card)["notes"] == notes


@pytest.mark.parametrize("seconds,label", [(0, "0 minutes"), (61, "1 minute"), (7200, "2 hours"),
                                           (86400 * 3 + 5, "3 days")])
def test_waiting_label_units(seconds: float, label: str) -> None:
    assert waiting_label(seconds) == label


def test_submit_and_amend_record_their_changes(session: Session, recorded_changes) -> None:  # type: ignore[no-untyped-def]
    published = recorded_changes.seen
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_01": [alice]})
    card = card_of(session, interview, alice)
    published.clear()  # the interview's creation
    _draft(session, card, ratings=FULL)
    assert published == []  # drafts move no dashboard
    service.submit(session, card=card, actor=alice)
    change = service.validate_changes(round_view(session, card), ratings={"production_ownership": 3}, notes={},
                                      must_haves={})
    service.amend(session, card=card, actor=alice, changes=change, reason="recount")
    assert published == [(interview.spec_id, "scorecard.submitted"), (interview.spec_id, "scorecard.amended")]


def test_submit_drops_unrated_rows_outside_the_round(session: Session) -> None:
    [alice] = interviewers(session, 1)
    interview = interview_for(session, interviewers={"round_02": [alice]})
    card = card_of(session, interview, alice, "round_02")
    session.add(Rating(scorecard_id=card.id, competency_id="postgres_schema_design", value=service.UNRATED,
                       note="written when the round still covered it"))
    _draft(session, card, ratings={"production_ownership": 3, "distributed_systems_reliability": None})
    service.submit(session, card=card, actor=alice)
    rows = session.exec(select(Rating).where(Rating.scorecard_id == card.id)).all()
    assert {r.competency_id: r.value for r in rows} == {"production_ownership": 3, "distributed_systems_reliability": None}
