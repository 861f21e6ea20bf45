"""The access policy (app/policy.py): every predicate per role, the blind rule as a table and as
a property over arbitrary panels, and the queries that derive from it against the predicates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app import policy
from app.deps import AdminUser, Manager, Staff
from app.models import ROLES, Interview, JobSpec, Scorecard, User, utcnow
from app.policy import Panel
from app.specs.access import assigned_to_spec, readable_specs
from tests.conftest import ROOT
from tests.factories import bearer, make_interview, make_user, sign_in
from tests.scorecards.helpers import SPEC, answer_round, card_of, interview_for, interviewers


def person(name: str, role: str, *, active: bool = True) -> User:
    return User(id=name, email=f"{name}@example.test", name=name, role=role, password_hash="x", is_active=active)


def card(owner: User, status: str = "draft", round_key: str = "round_01", interview_id: str = "i1") -> Scorecard:
    return Scorecard(id=f"{owner.id}-{round_key}", interview_id=interview_id, round_key=round_key,
                     interviewer_id=owner.id, status=status)


def panel(*cards: Scorecard, blind_until_all_submitted: bool = False) -> Panel:
    interview = Interview(id="i1", candidate_id="c", spec_id="s", spec_version_id="v", token_hash="h",
                          token_expires_at=None)  # type: ignore[arg-type]
    return Panel(interview, tuple(cards), blind_until_all_submitted)


ADMIN, MANAGER, ALICE, BOB, OUTSIDER = (person("admin", "admin"), person("manager", "hiring_manager"),
                                        person("alice", "interviewer"), person("bob", "interviewer"),
                                        person("outsider", "interviewer"))
RETIRED = person("retired", "admin", active=False)

def can_read_any_spec(user: User | None) -> bool:
    return policy.can_read_spec(user, assigned=False)


def can_read_assigned_spec(user: User | None) -> bool:
    return policy.can_read_spec(user, assigned=True)


# predicate → who may: admin, hiring_manager, interviewer, a deactivated admin, nobody signed in
ROLE_TABLE = {
    policy.is_admin: "YNNNN",
    policy.is_manager: "YYNNN",
    policy.is_staff: "YYYNN",
    policy.can_manage_users: "YNNNN",
    policy.can_read_metrics: "YNNNN",
    policy.can_edit_spec: "YYNNN",
    policy.can_manage_interviews: "YYNNN",
    policy.can_see_dashboard: "YYNNN",
    policy.can_be_assigned: "YYYNN",
    can_read_any_spec: "YYNNN",
    can_read_assigned_spec: "YYYNN",
}
ROLE_CALLERS = (ADMIN, MANAGER, ALICE, RETIRED, None)


@pytest.mark.parametrize("predicate", list(ROLE_TABLE), ids=lambda p: p.__name__)
def test_policy_role_predicates_per_role(predicate) -> None:  # type: ignore[no-untyped-def]
    got = "".join("Y" if predicate(user) else "N" for user in ROLE_CALLERS)
    assert got == ROLE_TABLE[predicate]


def test_policy_role_sets_cover_the_model_roles_and_back_the_deps_aliases() -> None:
    assert policy.STAFF_ROLES == set(ROLES)
    assert policy.ADMIN_ROLES < policy.MANAGER_ROLES < policy.STAFF_ROLES
    for alias, roles in ((AdminUser, policy.ADMIN_ROLES), (Manager, policy.MANAGER_ROLES), (Staff, policy.STAFF_ROLES)):
        assert alias.__metadata__[0].dependency.roles == roles


# One interview, alice and bob on round_01, bob also on round_02, the manager on no round.
# viewer → (scorecards they see, scores open, answers of round_01, answers of round_02)
def _blind_world(a: str, b1: str, b2: str, *, blind: bool = False) -> tuple[Panel, dict[str, Scorecard]]:
    cards = {"a": card(ALICE, a), "b1": card(BOB, b1), "b2": card(BOB, b2, "round_02")}
    return panel(*cards.values(), blind_until_all_submitted=blind), cards


BLIND_TABLE = [
    # alice, bob round_01, bob round_02, blind_until_all_submitted, viewer, sees, scores, answers 1, answers 2
    (("draft", "submitted", "submitted", False), ALICE, {"a"}, False, True, False),
    (("submitted", "submitted", "draft", False), ALICE, {"a", "b1"}, True, True, False),
    (("submitted", "submitted", "draft", False), BOB, {"b1", "b2"}, False, True, True),
    (("submitted", "submitted", "submitted", False), BOB, {"a", "b1", "b2"}, True, True, True),
    (("draft", "submitted", "draft", False), MANAGER, {"b1"}, True, True, True),
    (("submitted", "submitted", "submitted", False), OUTSIDER, set(), False, False, False),
    (("submitted", "submitted", "draft", True), ALICE, {"a"}, False, True, False),
    (("submitted", "submitted", "draft", True), MANAGER, set(), True, True, True),
    (("submitted", "submitted", "submitted", True), ALICE, {"a", "b1", "b2"}, True, True, False),
]


@pytest.mark.parametrize(("states", "viewer", "sees", "scores", "answers_1", "answers_2"), BLIND_TABLE)
def test_policy_blind_rule_table(states: tuple, viewer: User, sees: set[str], scores: bool, answers_1: bool,
                                 answers_2: bool) -> None:
    *statuses, blind = states
    found, cards = _blind_world(*statuses, blind=blind)
    assert {name for name, c in cards.items() if policy.can_see_scorecard(viewer, c, found)} == sees
    assert {c.id for c in policy.visible_scorecards(viewer, found)} == {cards[name].id for name in sees}
    assert policy.can_see_scores(viewer, found) is scores
    assert policy.can_see_answers(viewer, "round_01", found) is answers_1
    assert policy.can_see_answers(viewer, "round_02", found) is answers_2
    assert policy.can_view_interview(viewer, found) is (viewer is not OUTSIDER)


def test_policy_only_the_owner_edits_a_scorecard() -> None:
    mine = card(ALICE, "submitted")
    assert policy.can_edit_scorecard(ALICE, mine)
    assert not any(policy.can_edit_scorecard(other, mine) for other in (BOB, MANAGER, ADMIN, None))


def test_policy_a_card_of_another_interview_is_never_visible() -> None:
    elsewhere = card(BOB, "submitted", interview_id="i2")
    assert not policy.can_see_scorecard(MANAGER, elsewhere, panel(card(ALICE, "submitted")))


PEOPLE = (ADMIN, MANAGER, ALICE, BOB, OUTSIDER)
ROUND_KEYS = ("round_01", "round_02", "round_03")
STAFF_CARDS = st.lists(st.tuples(st.sampled_from((MANAGER, ALICE, BOB, OUTSIDER)),
                                 st.sampled_from(("draft", "submitted")), st.sampled_from(ROUND_KEYS)),
                       max_size=6, unique_by=lambda t: (t[0].id, t[2]))  # one card per interviewer and round


@settings(max_examples=300, deadline=None)
@given(specs=STAFF_CARDS, blind=st.booleans(), viewer=st.sampled_from(PEOPLE))
def test_policy_interviewer_never_sees_others_before_submitting_own(specs: list, blind: bool, viewer: User) -> None:
    found = panel(*(card(owner, status, key) for owner, status, key in specs), blind_until_all_submitted=blind)
    visible = policy.visible_scorecards(viewer, found)
    own = [c for c in found.cards if c.interviewer_id == viewer.id]
    assert all(c in visible for c in own)  # one's own scorecards, always
    assert all(c.status == "submitted" for c in visible if c not in own)  # drafts are private
    assert visible == sorted(visible, key=lambda c: c not in own)  # own first
    assert {c.id for c in visible} == {c.id for c in found.cards if policy.can_see_scorecard(viewer, c, found)}
    if viewer.role == "interviewer" and not (own and all(c.status == "submitted" for c in own)):
        assert [c for c in visible if c not in own] == []
        assert not policy.can_see_scores(viewer, found)
    if blind and not found.all_submitted:
        assert [c for c in visible if c not in own] == []
    if viewer.role == "interviewer":  # the answers of the rounds they are assigned to, no others
        for key in ROUND_KEYS:
            assert policy.can_see_answers(viewer, key, found) is any(c.round_key == key for c in own)
        # scores open exactly when other people's scorecards do
        assert policy.can_see_scores(viewer, found) is policy.others_open(viewer, found)


def test_policy_readable_specs_query_equals_the_predicate(session: Session) -> None:
    interviewer, idle = make_user(session, role="interviewer"), make_user(session, role="interviewer")
    make_interview(session, spec_slug="senior-golang-fintech", interviewers={"round_01": [interviewer.email]})
    specs = list(session.exec(select(JobSpec).order_by(JobSpec.slug)).all())
    for user in (make_user(session, role="admin"), make_user(session), interviewer, idle):
        expected = [s for s in specs if policy.can_read_spec(user, assigned=assigned_to_spec(session, user, s))]
        assert readable_specs(session, user) == expected
    assert [s.slug for s in readable_specs(session, interviewer)] == ["senior-golang-fintech"]
    assert readable_specs(session, idle) == []


ROLE_COMPARISON = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\brole\s+in\s*\(")


def test_policy_no_role_comparison_outside_the_policy() -> None:
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")) + sorted((ROOT / "templates").rglob("*.html")):
        if path == ROOT / "app" / "policy.py":
            continue
        for number, line in enumerate(Path(path).read_text().splitlines(), 1):
            if ROLE_COMPARISON.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "ask app/policy.py instead:\n" + "\n".join(offenders)


def _submit_directly(session: Session, scorecard: Scorecard) -> None:
    scorecard.status, scorecard.submitted_at = "submitted", utcnow()
    session.add(scorecard)
    session.commit()


def test_policy_blind_rule_is_the_same_on_every_surface(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    """Alice rates round_01; Bob rates round_01 and round_02. What each of them gets from the
    scorecards API, the interview API, the score API, the candidate detail and the scorecard page."""
    alice, bob = interviewers(session, 2)
    interview = interview_for(session, interviewers={"round_01": [alice, bob], "round_02": [bob]})
    answer_round(session, interview, "round_02", text="bob-only-round-two-answer")
    a1, b1 = card_of(session, interview, alice), card_of(session, interview, bob)
    b2 = card_of(session, interview, bob, "round_02")
    headers = {user.id: bearer(session, user) for user in (alice, bob)}
    session.commit()
    _submit_directly(session, a1)
    _submit_directly(session, b1)  # Bob's round_02 card is still a draft: the blind rule keeps him out

    def seen(user: User) -> tuple[set[str], set[str], int, int]:
        cards = client.get(f"/api/v1/interviews/{interview.id}/scorecards", headers=headers[user.id]).json()
        detail = client.get(f"/api/v1/interviews/{interview.id}", headers=headers[user.id]).json()
        score = client.get(f"/api/v1/interviews/{interview.id}/score", headers=headers[user.id]).status_code
        page = client.get(f"/specs/{SPEC}/dashboard/interviews/{interview.id}", headers=headers[user.id]).status_code
        return {c["id"] for c in cards}, {a["scorecard_id"] for a in detail["assignments"]}, score, page

    assert seen(bob) == ({b1.id, b2.id}, {b1.id, b2.id}, 403, 403)
    assert seen(alice) == ({a1.id, b1.id}, {a1.id, b1.id}, 200, 200)
    _submit_directly(session, b2)
    assert seen(bob) == ({a1.id, b1.id, b2.id}, {a1.id, b1.id, b2.id}, 200, 200)
    assert seen(alice)[0] == {a1.id, b1.id, b2.id}
    # Alice may read Bob's round_02 scorecard now, but not the answers of a round she is not on.
    sign_in(client, alice)
    other_round = client.get(f"/scorecards/{b2.id}")
    assert other_round.status_code == 200 and "bob-only-round-two-answer" not in other_round.text
    assert "Shown to the interviewers of this round only." in other_round.text
    client.cookies.clear()
    sign_in(client, bob)
    assert "bob-only-round-two-answer" in client.get(f"/scorecards/{b2.id}").text
