"""Cal's voice round in Chromium: the candidate answers seed 002's four prompts aloud (a fake
microphone plays a WAV spoken by espeak-ng), the server transcribes them offline, and the
interviewer's scorecard page plays the audio beside a transcript with the spoken key words."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app import wiring
from app.auth.service import create_user
from app.models import Scorecard
from app.voice.models import VoiceAnswer
from tests.browser.conftest import CHROMIUM_FLAGS, axe_violations, chromium_path, sign_in
from tests.factories import PASSWORD, make_interview
from tests.voice.helpers import spoken_wav

ROUND = "round_02"
SPOKEN = "Every entry is double entry, and reconciliation runs every night."
KEY_WORDS = ("double entry", "reconciliation")
INTERVIEWER = "voice.reviewer@browser.test"


@pytest.fixture(scope="module")
def microphone(tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    """The fake microphone's input: the answer spoken by espeak-ng, then a pause (Chromium loops it)."""
    return str(spoken_wav(tmp_path_factory.mktemp("mic") / "answer.wav", SPOKEN, pause_seconds=1.5))


@pytest.fixture(scope="module")
def speaking_browser(browser, microphone: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A second Chromium (from the same Playwright) whose microphone is the WAV, permission accepted."""
    flags = [*CHROMIUM_FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
             f"--use-file-for-fake-audio-capture={microphone}", "--autoplay-policy=no-user-gesture-required"]
    instance = browser.browser_type.launch(executable_path=chromium_path(), headless=True, args=flags)
    yield instance
    instance.close()


def _invite(live_server) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    wiring.install()  # the change handlers, as the server has them
    with live_server.session() as session:
        from app.auth.service import user_by_email
        if user_by_email(session, INTERVIEWER) is None:
            create_user(session, email=INTERVIEWER, name="Vera Reviewer", role="interviewer", password=PASSWORD)
        created = make_interview(session, interviewers={ROUND: [INTERVIEWER]})
        session.commit()
        return created.interview.id, created.token


def _transcribed(live_server, interview_id: str, count: int, timeout: float = 120) -> list[VoiceAnswer]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with live_server.session() as session:
            from app.models import RoundAttempt
            attempt = session.exec(select(RoundAttempt).where(RoundAttempt.interview_id == interview_id,
                                                              RoundAttempt.round_key == ROUND)).one()
            voices = session.exec(select(VoiceAnswer).where(VoiceAnswer.attempt_id == attempt.id)).all()
            if len(voices) == count and all(v.status == "done" for v in voices):
                return list(voices)
        time.sleep(1)
    raise AssertionError(f"not transcribed in {timeout} s:\n{live_server.log()[-3000:]}")


def test_candidate_answers_four_prompts_aloud_and_the_interviewer_hears_and_reads_them(speaking_browser, live_server, browser):
    interview_id, token = _invite(live_server)
    context = speaking_browser.new_context(base_url=live_server.base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"/take/{token}")
    expect(page.get_by_role("heading", name=re.compile("is a spoken round"))).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("I agree: start Round 02")).click()
    expect(page.get_by_role("heading", name="Prompt 1 of 4")).to_be_visible()
    assert axe_violations(page) == []
    for n in range(1, 5):
        prompt = page.locator(f'.voice-prompt[data-index="{n - 1}"]')
        expect(prompt).to_be_visible()
        prompt.get_by_role("button", name="Start answering").click()
        expect(prompt.locator("[data-upload]")).to_have_text(re.compile("Recording"))
        page.wait_for_timeout(11500)  # the fake microphone loops the WAV: one whole sentence at least
        assert float(prompt.locator("[data-level]").evaluate("m => m.value")) >= 0  # the meter runs
        prompt.get_by_role("button", name="Finish answer").click()
        expect(prompt.locator("[data-upload]")).to_have_text("Your answer is saved.", timeout=15000)
        if n < 4:
            prompt.get_by_role("button", name="Next prompt").click()
    page.get_by_role("button", name="Submit round").click()
    expect(page.get_by_role("heading", name="Round submitted")).to_be_visible()
    assert errors == []
    context.close()

    voices = _transcribed(live_server, interview_id, 4)
    for voice in voices:
        words = voice.transcript.lower()
        assert all(word in words.replace("-", " ") for word in KEY_WORDS), voice.transcript
        assert voice.engine == "local:whisper-tiny.en" and voice.content_type in ("audio/webm", "audio/ogg")

    with live_server.session() as session:
        card = session.exec(select(Scorecard).where(Scorecard.interview_id == interview_id)).one()
    reviewer = browser.new_context(base_url=live_server.base_url)
    page = reviewer.new_page()
    sign_in(page, INTERVIEWER, PASSWORD)
    page.goto(f"/scorecards/{card.id}")
    expect(page.locator("audio[data-answer-audio]")).to_have_count(4)
    transcript = page.locator(".transcript").first
    expect(transcript).to_contain_text(re.compile("reconciliation", re.I))
    expect(page.get_by_role("button", name=re.compile(r"Play from 0:0\d")).first).to_be_visible()
    assert axe_violations(page) == []
    src = page.locator("audio[data-answer-audio]").first.get_attribute("src")
    audio = page.request.get(src)
    assert audio.status == 200 and audio.headers["content-type"] in ("audio/webm", "audio/ogg")
    assert httpx.get(live_server.base_url + src).status_code == 401  # not without signing in
    reviewer.close()


def test_a_refused_microphone_says_so_and_the_prompt_can_be_typed(page, live_server):
    _, token = _invite(live_server)
    page.goto(f"/take/{token}")
    page.get_by_role("button", name=re.compile("I agree: start Round 02")).click()
    page.get_by_role("button", name="Start answering").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("Microphone access was denied|No microphone|could not be started"))
    page.get_by_role("button", name="Type this answer instead").click()
    answer = page.get_by_label("Answer to prompt 1")
    expect(answer).to_be_focused()
    answer.fill("I wrote the postmortem and fixed the retry storm.")
    expect(page.get_by_role("button", name="Next prompt")).to_be_enabled(timeout=10000)
    assert axe_violations(page) == []
