"""`GET /api/v1/candidates/{id}/export`: every fact stored about a seeded candidate is in the document."""

from __future__ import annotations

import json

from tests.factories import bearer, make_user, sign_in
from tests.privacy.helpers import seed_candidate


def test_export_contains_every_fact_the_seed_wrote(client, session):
    seeded = seed_candidate(session)
    admin = make_user(session, role="admin")
    response = client.get(f"/api/v1/candidates/{seeded.candidate.id}/export", headers=bearer(session, admin))
    assert response.status_code == 200, response.text
    doc = response.json()
    raw = json.dumps(doc)
    for fact in seeded.unique_strings:
        assert fact in raw, fact
    assert doc["candidate"] == {"id": seeded.candidate.id, "name": seeded.name, "email": seeded.email,
                                "created_at": seeded.candidate.created_at.isoformat(), "erased_at": None}
    [interview] = doc["interviews"]
    assert interview["id"] == seeded.interview.id and interview["job_spec"] == "senior-backend-payments"
    written = next(r for r in interview["rounds"] if r["round"] == "round_01")
    typed = next(a for a in written["answers"] if a["revisions"])
    assert [r["text"] for r in typed["revisions"]] == seeded.revisions and typed["text"] == seeded.revisions[-1]
    spoken = next(a for a in next(r for r in interview["rounds"] if r["round"] == "round_02")["answers"] if a["voice"])
    assert spoken["voice"]["transcript"] == seeded.transcript
    assert spoken["voice"]["segments"][0]["text"] == seeded.transcript
    assert spoken["voice"]["audio"] == [f"/api/v1/interviews/{seeded.interview.id}/answers/{spoken['id']}/audio?part=0"]
    assert [(c["purpose"], c["choice"]) for c in interview["consents"]] == [("voice_recording", "voice")]
    cards = {c["id"]: c for c in interview["scorecards"]}
    assert set(cards) == {c.id for c in seeded.cards}
    assert seeded.note in cards[seeded.cards[0].id]["notes"].values()
    assert set(cards[seeded.cards[1].id]["ratings"].values()) == {3}
    assert {c["status"] for c in cards.values()} == {"submitted"}
    actions = {e["action"] for e in doc["audit"]}
    assert {"candidate.create", "interview.create", "round.start", "round.submit", "round.consent",
            "scorecard.submit"} <= actions
    assert doc["self_identification"]["sex"] == "female"
    assert doc["self_identification"]["race_ethnicity"] == "asian"
    assert any(m["template"] == "candidate_invitation" and m["to"] == seeded.email for m in doc["mail"])
    assert any(m["template"] == "interviewer_assignment" and seeded.name in m["subject"] for m in doc["mail"])
    # The audio link works for the admin.
    audio = client.get(spoken["voice"]["audio"][0], headers=bearer(session, admin))
    assert audio.status_code == 200 and audio.content == seeded.audio


def test_export_by_a_hiring_manager_withholds_self_identification(client, session):
    seeded = seed_candidate(session)
    manager = make_user(session, role="hiring_manager")
    doc = client.get(f"/api/v1/candidates/{seeded.candidate.id}/export", headers=bearer(session, manager)).json()
    assert doc["self_identification"] is None and doc["self_identification_included"] is False
    assert seeded.note in json.dumps(doc)


def test_export_of_an_unknown_candidate_is_404(client, session):
    admin = make_user(session, role="admin")
    response = client.get("/api/v1/candidates/nobody/export", headers=bearer(session, admin))
    assert response.status_code == 404 and response.json()["detail"]


def test_candidate_page_offers_export_and_erase_to_admins_only(client, session):
    seeded = seed_candidate(session)
    manager, admin = make_user(session), make_user(session, role="admin")
    sign_in(client, manager)
    page = client.get(f"/candidates/{seeded.candidate.id}").text
    assert f"/api/v1/candidates/{seeded.candidate.id}/export" in page and "/erase" not in page
    client.cookies.clear()
    sign_in(client, admin)
    assert f"/candidates/{seeded.candidate.id}/erase" in client.get(f"/candidates/{seeded.candidate.id}").text
