"""Made-up contexts for previewing each message template (admins, /admin/mail/preview)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from app.models import utcnow

_ROUNDS = [{"key": "written", "name": "Round 01 · Written", "kind": "written", "live": False, "minutes": 45},
           {"key": "behavioral", "name": "Round 02 · Voice Q&A", "kind": "behavioral", "live": False, "minutes": 30},
           {"key": "live", "name": "Round 03 · System design", "kind": "live", "live": True, "minutes": 60}]


def sample_context(template: str, base_url: str) -> dict[str, Any]:
    """A believable context for one template; links point at /preview so nothing real leaks."""
    now = utcnow()
    interview = {"candidate": SimpleNamespace(name="Amara Okafor", email="amara@example.com"),
                 "spec_title": "Senior Backend Engineer, Payments", "level": "senior", "rounds": _ROUNDS,
                 "time_factor": 1.0, "expires_at": now + timedelta(days=14), "contact_name": "Priya Raman",
                 "contact_email": "priya@example.com", "interview_url": f"{base_url}/interviews/preview"}
    samples: dict[str, dict[str, Any]] = {
        "candidate_invitation": {**interview, "take_url": f"{base_url}/take/preview-token"},
        "candidate_link_reissued": {**interview, "take_url": f"{base_url}/take/preview-token"},
        "interviewer_assignment": {**interview, "assigned": [{"name": "Round 03 · System design",
                                                              "url": f"{base_url}/scorecards/preview"}]},
        "scorecard_reminder": {**interview, "round_name": "Round 01 · Written", "submitted_at": now - timedelta(hours=26),
                               "scorecard_url": f"{base_url}/scorecards/preview"},
        "staff_invitation": {"link_url": f"{base_url}/invite/preview-token", "expires_at": now + timedelta(hours=72),
                             "inviter_name": "Priya Raman", "role_label": "an interviewer"},
        "password_reset": {"link_url": f"{base_url}/reset/preview-token", "expires_at": now + timedelta(hours=2),
                           "inviter_name": "Priya Raman", "role_label": "an interviewer"},
    }
    return {"recipient_name": "Jordan Lee", **samples.get(template, {})}
