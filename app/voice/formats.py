"""The audio types a voice answer may be uploaded in, and how their bytes are recognised."""

from __future__ import annotations

import struct
from dataclasses import dataclass

# DESIGN: audio/webm, audio/ogg, audio/wav or audio/mpeg (parameters such as codecs= are allowed).
EXTENSIONS = {"audio/webm": "webm", "audio/ogg": "ogg", "audio/wav": "wav", "audio/mpeg": "mp3"}


def base_type(content_type: str | None) -> str | None:
    """The media type without parameters, lower-cased, when it is one of the accepted types."""
    if not content_type:
        return None
    base = content_type.split(";", 1)[0].strip().lower()
    return base if base in EXTENSIONS else None


def starts_stream(media_type: str, data: bytes) -> bool:
    """True when the bytes begin a new stream of this type (its container header)."""
    if media_type == "audio/webm":
        return data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64]
    if media_type == "audio/ogg":
        return data[:4] == b"OggS" and len(data) > 5 and data[5] & 0x02 == 0x02  # beginning-of-stream page
    if media_type == "audio/wav":
        return data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    if media_type == "audio/mpeg":
        return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)
    return False


def looks_like_text(data: bytes) -> bool:
    """True for bytes that are printable text (a text file sent as audio); compressed or PCM audio
    is never long valid UTF-8 made only of printable characters."""
    sample = data[:4096]
    try:
        decoded = sample.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the sample is still text.
        try:
            decoded = sample[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return bool(decoded) and all(ch.isprintable() or ch in "\r\n\t" for ch in decoded)


@dataclass(frozen=True)
class WavFormat:
    """What a WAV header says: bytes per second and where the samples start."""

    byte_rate: int
    data_offset: int


def wav_format(header: bytes) -> WavFormat | None:
    """Parse a RIFF/WAVE header (the chunks before `data`); None when it is not one."""
    if not (header[:4] == b"RIFF" and header[8:12] == b"WAVE"):
        return None
    pos, byte_rate = 12, 0
    while pos + 8 <= len(header):
        chunk_id, size = header[pos:pos + 4], struct.unpack("<I", header[pos + 4:pos + 8])[0]
        if chunk_id == b"fmt " and pos + 16 <= len(header):
            byte_rate = struct.unpack("<I", header[pos + 16:pos + 20])[0]
        if chunk_id == b"data":
            return WavFormat(byte_rate, pos + 8) if byte_rate > 0 else None
        pos += 8 + size + (size & 1)
    return None
