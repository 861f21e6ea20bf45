"""Round modes beyond typing plug into the candidate's rounds here (DESIGN: Voice rounds).

A round's `mode` is `text` unless its spec says otherwise. Any other mode is served by an installed
`RoundMode`, which adds what it keeps to the round's state (the candidate's pages and API show it),
names the prompts answered another way than typing (they count as answered, in order), and renders
the round's page. app/voice/mode.py is the one there is; app/wiring.py installs it beside the change
handlers, so this package never imports the modes built on it. A round of a mode nobody installed
is an error, never a round silently served as typed."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.models import RoundAttempt
from app.specs.content import Round

TEXT = "text"
_lock = threading.Lock()
_modes: dict[str, RoundMode] = {}


class RoundMode(Protocol):
    """What a mode adds to a round of its kind."""

    name: str

    def annotate(self, session: Session, rnd: Round, attempt: RoundAttempt | None, state: dict[str, Any]) -> None:
        """Add the mode's part of the round's state."""

    def answered_otherwise(self, session: Session, attempt: RoundAttempt) -> set[str]:
        """The question ids answered without typed text (for a voice round: aloud, recording finished)."""

    def page(self, request: Request, session: Session, *, token: str, state: dict[str, Any]) -> Response:
        """The round's page for the candidate."""


def install(modes: Iterable[RoundMode]) -> None:
    """Make these the process's round modes (installing again replaces them)."""
    with _lock:
        _modes.clear()
        _modes.update({mode.name: mode for mode in modes})


def name_of(rnd: Round) -> str:
    """The round's mode: `text` or the name of an installed mode."""
    return rnd.mode or TEXT


def mode_of(rnd: Round) -> RoundMode | None:
    """The installed mode that serves the round; None for a typed round."""
    return named(name_of(rnd))


def named(name: str) -> RoundMode | None:
    """The installed mode of this name; None for `text`."""
    if name == TEXT:
        return None
    mode = _modes.get(name)
    if mode is None:
        raise RuntimeError(f"round mode '{name}' is not installed (app/wiring.py)")
    return mode
