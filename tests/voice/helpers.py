"""Audio for the voice tests: WAV tones made here, speech spoken by espeak-ng, and the requests
a candidate's browser sends."""

from __future__ import annotations

import io
import math
import os
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest

SPOKEN = "I designed an idempotent payment ledger with double entry accounting and daily reconciliation."
KEY_WORDS = ("ledger", "double entry", "reconciliation")


def tone_wav(seconds: float, *, rate: int = 16000, frequency: float = 440.0) -> bytes:
    """A mono 16-bit WAV of a sine tone."""
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * i / rate)))
                      for i in range(int(seconds * rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def espeak() -> str:
    """The espeak-ng binary (installed by .ci/run from Debian); skips the test locally without it."""
    found = shutil.which("espeak-ng")
    if found is None:
        if os.environ.get("CALIBRATE_REQUIRE_BROWSER") == "1":
            pytest.fail("espeak-ng is required (.ci/run installs it) but was not found")
        pytest.skip("espeak-ng is not installed")
    return found


def spoken_wav(path: Path, text: str = SPOKEN, *, pause_seconds: float = 0.0) -> Path:
    """`text` spoken by espeak-ng into a WAV file (optionally followed by silence)."""
    subprocess.run([espeak(), "-s", "150", "-w", str(path), text], check=True, capture_output=True)
    if pause_seconds:
        with wave.open(str(path), "rb") as spoken:
            params, frames = spoken.getparams(), spoken.readframes(spoken.getnframes())
        with wave.open(str(path), "wb") as out:
            out.setparams(params)
            out.writeframes(frames + b"\x00" * int(params.framerate * params.sampwidth * pause_seconds))
    return path


def split(data: bytes, parts: int) -> list[bytes]:
    """The bytes in `parts` consecutive chunks."""
    size = -(-len(data) // parts)
    return [data[i:i + size] for i in range(0, len(data), size)]


def upload(client, base: str, qid: str, seq: int, data: bytes, *, final: bool = False,  # type: ignore[no-untyped-def]
           content_type: str = "audio/wav", key: str = "round_02"):
    """POST one chunk of a spoken answer."""
    query = f"seq={seq}" + ("&final=true" if final else "")
    return client.post(f"{base}/rounds/{key}/answers/{qid}/audio?{query}", content=data,
                       headers={"Content-Type": content_type})


def send_answer(client, base: str, qid: str, data: bytes, *, parts: int = 3, key: str = "round_02") -> list:  # type: ignore[no-untyped-def]
    """Upload a whole answer in chunks, the last one final; the responses."""
    chunks = split(data, parts)
    return [upload(client, base, qid, i, chunk, final=i == len(chunks) - 1, key=key) for i, chunk in enumerate(chunks)]
