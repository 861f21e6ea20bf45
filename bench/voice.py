"""Voice-round figures (reported, not asserted): how fast the local engine transcribes, and how
fast chunk uploads are acknowledged while 50 candidates speak at once.

`python -m bench.voice [--quick]` prints `voice_transcribe_s_per_audio_min=… voice_ack_p50_ms=…
voice_ack_p99_ms=…` as its last line. Needs espeak-ng (Debian) for the speech it transcribes."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import httpx

from bench.servers import app_server, environment

PARAGRAPH = ("We keep a double entry ledger for every payment. Each transfer writes two entries that sum to zero, "
             "and a nightly reconciliation job compares our balances with the bank's settlement files. "
             "When a retry arrives with the same idempotency key, we return the stored result instead of "
             "moving the money twice. ")
CANDIDATES = 50
CHUNK_SECONDS = 2.0  # the browser's MediaRecorder timeslice
OPUS_CHUNK_BYTES = 8_000  # about 32 kbit/s, what Chromium's Opus recorder sends per two seconds


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def speech_minute(folder: Path, minutes: float) -> tuple[Path, float]:
    """About `minutes` of speech by espeak-ng as a WAV; its path and exact length in seconds."""
    if shutil.which("espeak-ng") is None:
        raise SystemExit("bench/voice.py needs espeak-ng (apt-get install espeak-ng)")
    path = folder / "speech.wav"
    text = PARAGRAPH * max(1, round(minutes * 60 / 15))  # the paragraph takes about 15 s
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(path), text], check=True, capture_output=True)
    with wave.open(str(path)) as spoken:
        return path, spoken.getnframes() / spoken.getframerate()


def transcription_figure(folder: Path, minutes: float) -> float:
    """Seconds of one core's time per minute of audio, local engine (model loaded beforehand)."""
    from app.voice import local

    path, seconds = speech_minute(folder, minutes)
    local.load(threads=1)
    started = time.perf_counter()
    samples = local.decode(path)
    segments = local.transcribe(samples, threads=1)
    elapsed = time.perf_counter() - started
    words = " ".join(s.text for s in segments).lower()
    log(f"transcribed {seconds:.0f} s of speech in {elapsed:.1f} s; 'reconciliation' heard "
        f"{words.count('reconciliation')} times")
    return elapsed / (seconds / 60)


def prepare_candidates(url: str, media: Path) -> list[tuple[str, str]]:
    """Migrate, load the specs, and put CANDIDATES candidates into seed 002's voice round."""
    os.environ.update(DATABASE_URL=url, CALIBRATE_MEDIA_DIR=str(media))
    from app.settings import get_settings

    get_settings.cache_clear()
    from app import wiring
    from app.db import session_scope
    from app.interviews.service import create_candidate, create_interview
    from app.setup import first_run
    from app import clock
    from app.voice import consent

    list(first_run({"CALIBRATE_ADMIN_PASSWORD": "bench admin password"}))
    wiring.install()
    links = []
    with session_scope() as session:
        for i in range(CANDIDATES):
            person = create_candidate(session, name=f"Speaker {i}", email=f"speaker{i}@bench.test", actor=None)
            new = create_interview(session, candidate_id=person.id, spec_slug="senior-backend-payments",
                                   interviewers={}, actor=None)
            attempt, _ = consent.give(session, new.interview, "round_02", choice="voice", now=clock.now())
            links.append((new.token, attempt.questions[0]["id"]))
    return links


async def speak(client: httpx.AsyncClient, token: str, prompt: str, seconds: float, acks: list[float]) -> None:
    """One candidate: a chunk every CHUNK_SECONDS, each retried until acknowledged, then the final one."""
    url = f"/api/v1/take/{token}/rounds/round_02/answers/{prompt}/audio"
    header = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm"
    chunks = int(seconds / CHUNK_SECONDS)
    await asyncio.sleep(random.uniform(0, CHUNK_SECONDS))  # people do not start speaking in step
    for seq in range(chunks):
        body = (header if seq == 0 else b"") + os.urandom(OPUS_CHUNK_BYTES)
        started = time.perf_counter()
        query = f"?seq={seq}" + ("&final=true" if seq == chunks - 1 else "")
        response = await client.post(url + query, content=body, headers={"Content-Type": "audio/webm;codecs=opus"})
        if response.status_code != 200:
            raise RuntimeError(f"chunk {seq} refused: {response.status_code} {response.text[:200]}")
        acks.append(time.perf_counter() - started)
        await asyncio.sleep(max(0.0, CHUNK_SECONDS - (time.perf_counter() - started)))


async def upload_figures(base_url: str, links: list[tuple[str, str]], seconds: float) -> tuple[float, float, int]:
    """Every candidate speaking at once for `seconds`; p50 and p99 of the acknowledgements in ms."""
    acks: list[float] = []
    limits = httpx.Limits(max_connections=CANDIDATES + 5)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await asyncio.gather(*(speak(client, token, prompt, seconds, acks) for token, prompt in links))
    ordered = sorted(acks)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000, len(ordered)


def main() -> None:
    parser = argparse.ArgumentParser(description="Voice-round benchmarks")
    parser.add_argument("--quick", action="store_true", help="20 s of speech, 10 s of uploads")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="calibrate-bench-voice-") as tmp:
        folder = Path(tmp)
        per_minute = transcription_figure(folder, 1 / 3 if args.quick else 1.0)
        url = args.database_url or f"sqlite:///{folder / 'voice.db'}"
        links = prepare_candidates(url, folder / "media")
        env = {**environment(url), "CALIBRATE_MEDIA_DIR": str(folder / "media"), "CALIBRATE_WORKER_IN_SERVE": "false"}
        server = app_server(env, 1, folder / "server.log")
        try:
            p50, p99, count = asyncio.run(upload_figures(server.base_url, links, 10.0 if args.quick else 30.0))
        finally:
            server.stop()
    log(f"{count} chunks from {CANDIDATES} candidates speaking at once")
    print(f"voice_transcribe_s_per_audio_min={per_minute:.2f} voice_ack_p50_ms={p50:.1f} voice_ack_p99_ms={p99:.1f}")


if __name__ == "__main__":
    sys.exit(main())
