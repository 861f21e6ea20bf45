"""Recorded audio and generated speech on disk under CALIBRATE_MEDIA_DIR, written durably: a chunk
is on disk (fsync of the file and, for a new file, of its folders) before it is acknowledged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from app.settings import get_settings
from app.voice.formats import EXTENSIONS


def media_root() -> Path:
    """The media folder (CALIBRATE_MEDIA_DIR), made on first use."""
    root = get_settings().media_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def answer_dir(interview_id: str, voice_answer_id: str) -> Path:
    """The folder of one answer's recording."""
    return media_root() / "audio" / interview_id / voice_answer_id


def part_path(interview_id: str, voice_answer_id: str, part: int, media_type: str) -> Path:
    """The file of one part of a recording (a new part starts when the browser restarts recording)."""
    return answer_dir(interview_id, voice_answer_id) / f"part-{part:03d}.{EXTENSIONS[media_type]}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dirs(folder: Path) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
        _fsync_dir(made.parent)


def write_at(path: Path, offset: int, data: bytes) -> None:
    """Write `data` at `offset` and cut the file there (bytes of an unacknowledged earlier try
    beyond it go), then fsync. The database's offsets say what is acknowledged, not the file size."""
    _make_dirs(path.parent)
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.pwrite(fd, data, offset)
        os.ftruncate(fd, offset + len(data))
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        _fsync_dir(path.parent)


def read_range(path: Path, size: int) -> bytes:
    """The first `size` bytes of a file (what the database acknowledged of it)."""
    with open(path, "rb") as handle:
        return handle.read(size)


def write_file(relative: str, data: bytes) -> Path:
    """Write a whole file under the media folder durably (generated speech); returns its path."""
    path = media_root() / relative
    tmp = path.with_suffix(path.suffix + ".tmp")
    write_at(tmp, 0, data)
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    return path


def remove_answer(interview_id: str, voice_answer_id: str) -> None:
    """Delete one answer's recording from disk (erasure)."""
    shutil.rmtree(answer_dir(interview_id, voice_answer_id), ignore_errors=True)
