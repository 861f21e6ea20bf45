"""Parts other packages add to the scorecard page, beside the ratings: app/suggestions/views.py adds
"Compare with AI". Installed by app/wiring.py like the round modes, so this package never imports
what is built on it; the page template names each part it places (`ai`) and does without it when
it is not installed."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sqlmodel import Session

from app.models import Scorecard, User
from app.scorecards.rounds import RoundView

_lock = threading.Lock()
_parts: dict[str, PagePart] = {}


class PagePart(Protocol):
    """One part of the scorecard page: its context, under its name."""

    name: str

    def context(self, session: Session, card: Scorecard, user: User, *, view: RoundView, values: dict[str, Any],
                result: Any = None) -> dict[str, Any]:
        """What the page shows of this part (with `result`: what the request just produced for it)."""


def install(parts: Iterable[PagePart]) -> None:
    """Make these the page's parts (installing again replaces them)."""
    with _lock:
        _parts.clear()
        _parts.update({part.name: part for part in parts})


def contexts(session: Session, card: Scorecard, user: User, *, view: RoundView, values: dict[str, Any],
             results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every installed part's context, by name."""
    return {name: part.context(session, card, user, view=view, values=values, result=results.get(name))
            for name, part in _parts.items()}
