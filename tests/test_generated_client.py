"""A client generated from /api/v1/openapi.json with openapi-python-client works: it creates a
candidate and an interview and reads the interview's score, so the document stays usable by
integrators. Operation ids are unique handler names, which the generated modules are named after."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.factories import bearer, make_user

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated(app, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """The client package generated from the app's own document, importable as `calibrate_client`."""
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(app.openapi()))
    done = subprocess.run([str(GENERATOR), "generate", "--path", str(document), "--meta", "none",
                           "--output-path", str(tmp_path / "calibrate_client")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("calibrate_client")]:
        del sys.modules[name]
    return importlib.import_module("calibrate_client")


def test_operation_ids_are_unique_handler_names(app):
    ids = Counter(op["operationId"] for path in app.openapi()["paths"].values() for op in path.values())
    assert ids and all(count == 1 for count in ids.values())
    assert "create_candidate" in ids and "interview_score" in ids


def test_generated_client_creates_a_candidate_and_an_interview_and_reads_its_score(generated, client, session):
    manager = make_user(session, role="hiring_manager")
    interviewer = make_user(session, role="interviewer")
    client.headers.update(bearer(session, manager))
    session.commit()
    api = importlib.import_module("calibrate_client.api.interviews.create_candidate")
    models = importlib.import_module("calibrate_client.models")
    calibrate = generated.AuthenticatedClient(base_url="http://testserver", token="unused")
    calibrate.set_httpx_client(client)  # the app in-process; the bearer header is on the test client

    candidate = api.sync(client=calibrate, body=models.CandidateIn(name="Grace Hopper", email="grace@example.test"))
    assert isinstance(candidate, models.CreatedOut)
    create_interview = importlib.import_module("calibrate_client.api.interviews.create_interview")
    interview = create_interview.sync(client=calibrate, body=models.InterviewIn(
        candidate_id=candidate.id, job_spec="senior-backend-payments",
        interviewers=models.InterviewInInterviewers.from_dict({"round_01": [interviewer.email]})))
    assert isinstance(interview, models.InterviewCreatedOut) and interview.version.startswith("v")
    score = importlib.import_module("calibrate_client.api.scores_and_dashboards.interview_score")
    result = score.sync(interview.id, client=calibrate)
    assert isinstance(result, models.ScoreOut)
    assert result.status == "provisional" and result.coverage == 0
    refused = api.sync_detailed(client=calibrate, body=models.CandidateIn(name="Bad\nName", email="x@example.test"))
    assert refused.status_code == 422 and isinstance(refused.parsed, models.ErrorOut)
