"""Schemathesis hooks for the command-line run (SCHEMATHESIS_HOOKS): bodies for the voice round's
raw audio uploads, which schemathesis cannot serialise by itself. Any bytes, and some that start
like a real WAV file, so both the 415 and the accepted path are reached."""

import schemathesis
from hypothesis import strategies as st

AUDIO = st.one_of(st.binary(max_size=512),
                  st.binary(max_size=512).map(lambda tail: b"RIFF\x24\x00\x00\x00WAVEfmt " + tail))
schemathesis.openapi.media_type("audio/wav", AUDIO, aliases=("audio/webm", "audio/ogg", "audio/mpeg"))
