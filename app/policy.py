"""Who may see or do what (DESIGN: Roles), in one place.

Every access rule of Calibrate is a pure predicate here, over the tables of `app.models` and the
facts the caller has loaded (a `Panel` of an interview's scorecards). Services, routes and
templates ask these predicates and never compare roles themselves. The module imports only
`app.models` and the standard library, so every layer may import it without an import cycle.

The blind rule, the same in the scorecard API and pages, the interview page and API, and the
score API and candidate detail:
- An interviewer sees their own scorecards, and the candidate's answers of the rounds they are
  assigned to.
- Other interviewers' scorecards, and the interview's scores, open to an interviewer once every
  scorecard of their own on that interview is submitted, so that their own judgement comes first
  (one submitted card of two does not open them: the second is still being judged).
- A draft is private to its interviewer; managers and admins see every submitted scorecard and
  every score.
- A job spec with `blind_until_all_submitted` keeps other people's scorecards closed to everyone
  (managers too) until all of the interview's scorecards are submitted; for interviewers the
  scores stay closed with them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from app.models import ROLES, Interview, Scorecard, User

ADMIN, HIRING_MANAGER, INTERVIEWER = "admin", "hiring_manager", "interviewer"
ADMIN_ROLES = frozenset({ADMIN})
MANAGER_ROLES = frozenset({ADMIN, HIRING_MANAGER})
STAFF_ROLES = frozenset(ROLES)  # every role a staff account can have
SUBMITTED = "submitted"


# --- roles -------------------------------------------------------------------------------------

def has_role(user: User | None, roles: Collection[str]) -> bool:
    """True for an active user whose role is one of `roles`."""
    return user is not None and user.is_active and user.role in roles


def is_admin(user: User | None) -> bool:
    """Admins: everything, including users."""
    return has_role(user, ADMIN_ROLES)


def is_manager(user: User | None) -> bool:
    """Hiring managers and admins: job specs, question sets, candidates, interviews, dashboards."""
    return has_role(user, MANAGER_ROLES)


def is_staff(user: User | None) -> bool:
    """Anyone with a staff account (admins, hiring managers, interviewers)."""
    return has_role(user, STAFF_ROLES)


def can_manage_users(user: User | None) -> bool:
    """Invite, change the role of, and deactivate staff."""
    return is_admin(user)


def can_read_metrics(user: User | None) -> bool:
    """The Prometheus metrics, for callers not on this machine."""
    return is_admin(user)


def can_edit_spec(user: User | None) -> bool:
    """Create, replace and re-weight job specs, and publish their question sets."""
    return is_manager(user)


def can_read_spec(user: User | None, *, assigned: bool) -> bool:
    """Managers read every spec; other staff the specs of interviews they hold a scorecard on."""
    return is_manager(user) or (is_staff(user) and assigned)


def can_manage_interviews(user: User | None) -> bool:
    """Create candidates and interviews, and revoke, extend or re-issue invite links."""
    return is_manager(user)


def can_see_dashboard(user: User | None) -> bool:
    """A spec's dashboard, ranking, reliability and CSV export."""
    return is_manager(user)


def can_export_candidate(user: User | None) -> bool:
    """Everything stored about a candidate, as one document (a data-access request)."""
    return is_manager(user)


def can_erase_candidate(user: User | None) -> bool:
    """Erase a candidate's personal data (an erasure request, or by hand before retention does)."""
    return is_admin(user)


def can_see_self_identification(user: User | None) -> bool:
    """Candidates' voluntary self-identification: only in the adverse-impact report and an admin's
    export; never to interviewers, never on a candidate's page."""
    return is_admin(user)


def can_be_assigned(user: User | None) -> bool:
    """Who may be assigned as an interviewer on a round."""
    return is_staff(user)


# --- one interview's scorecards: the blind rule ------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """An interview and all of its scorecards: the facts the blind rule depends on."""

    interview: Interview
    cards: tuple[Scorecard, ...]
    blind_until_all_submitted: bool = False

    def own(self, user: User | None) -> list[Scorecard]:
        """The user's own scorecards on this interview."""
        return [c for c in self.cards if user is not None and c.interviewer_id == user.id]

    @property
    def all_submitted(self) -> bool:
        """True when every scorecard of the interview is submitted."""
        return all(c.status == SUBMITTED for c in self.cards)


def is_assigned(user: User | None, panel: Panel) -> bool:
    """True when the user holds a scorecard on the interview."""
    return bool(panel.own(user))


def can_view_interview(user: User | None, panel: Panel) -> bool:
    """Managers see every interview; other staff those they hold a scorecard on."""
    return is_manager(user) or (is_staff(user) and is_assigned(user, panel))


def has_submitted_own(user: User | None, panel: Panel) -> bool:
    """True when the user holds scorecards on the interview and has submitted every one."""
    own = panel.own(user)
    return bool(own) and all(c.status == SUBMITTED for c in own)


def others_open(user: User | None, panel: Panel) -> bool:
    """The blind rule: whether other people's submitted scorecards are open to this user."""
    if panel.blind_until_all_submitted and not panel.all_submitted:
        return False
    return is_manager(user) or (is_staff(user) and has_submitted_own(user, panel))


def can_edit_scorecard(user: User | None, card: Scorecard) -> bool:
    """Only a scorecard's own interviewer drafts, submits or amends it."""
    return user is not None and user.is_active and card.interviewer_id == user.id


def can_see_scorecard(user: User | None, card: Scorecard, panel: Panel) -> bool:
    """The user's own cards always; someone else's once submitted and the blind rule opens it."""
    if card.interview_id != panel.interview.id:
        return False
    if can_edit_scorecard(user, card):
        return True
    return card.status == SUBMITTED and others_open(user, panel)


def visible_scorecards(user: User | None, panel: Panel) -> list[Scorecard]:
    """The interview's scorecards this user may see, own first, in the panel's order."""
    seen = [c for c in panel.cards if can_see_scorecard(user, c, panel)]
    return [c for c in seen if can_edit_scorecard(user, c)] + [c for c in seen if not can_edit_scorecard(user, c)]


def can_see_assignment(user: User | None, card: Scorecard, panel: Panel) -> bool:
    """Who is assigned and how far they are: managers all (to chase drafts), others what they may see."""
    return is_manager(user) or can_see_scorecard(user, card, panel)


def can_see_scores(user: User | None, panel: Panel) -> bool:
    """The interview's scores: managers always; interviewers once the blind rule opens."""
    return is_manager(user) or others_open(user, panel)


def can_see_answers(user: User | None, round_key: str, panel: Panel) -> bool:
    """The candidate's answers of a round: managers, and the interviewers assigned to that round."""
    return is_manager(user) or (is_staff(user) and any(c.round_key == round_key for c in panel.own(user)))


# --- AI suggestions on a scorecard -------------------------------------------------------------

def can_ask_for_suggestions(user: User | None, card: Scorecard) -> bool:
    """"Compare with AI": only the scorecard's own interviewer, and only once they have submitted
    it, so that their own judgement comes first; the suggestions never change their ratings."""
    return can_edit_scorecard(user, card) and card.status == SUBMITTED


def can_see_suggestions(user: User | None, card: Scorecard) -> bool:
    """The stored suggestions of a scorecard are its interviewer's own aid, shown to them only."""
    return can_ask_for_suggestions(user, card)
