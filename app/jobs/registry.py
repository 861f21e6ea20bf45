"""Which function runs each kind of job, and how patiently it is retried.

Domains describe their kinds (`JobKind`); the composition root (app/wiring.py) puts them in one
`Registry` for the worker. The queue itself never imports a domain."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from app.jobs.worker import JobRun

Handler = Callable[["JobRun"], None]
Sweep = Callable[["Session", datetime], int]


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its handler, how many attempts it gets, its lease and its backoff."""

    name: str
    handler: Handler
    max_attempts: int = 12
    lease_seconds: float = 120.0
    backoff_seconds: float = 5.0
    backoff_cap_seconds: float = 3600.0

    def backoff(self, attempts: int) -> timedelta:
        """Exponential backoff after `attempts` failed attempts: base × 2^(n-1), capped."""
        seconds = self.backoff_seconds * 2 ** max(0, attempts - 1)
        return timedelta(seconds=min(self.backoff_cap_seconds, seconds))


@dataclass
class Registry:
    """The job kinds the worker runs, and the periodic sweeps it makes between jobs."""

    kinds: dict[str, JobKind] = field(default_factory=dict)
    sweeps: list[Sweep] = field(default_factory=list)

    def add(self, kind: JobKind) -> None:
        """Register a kind (a name can be registered once)."""
        if kind.name in self.kinds:
            raise ValueError(f"job kind '{kind.name}' is registered twice")
        self.kinds[kind.name] = kind

    def add_all(self, kinds: Iterable[JobKind], sweeps: Iterable[Sweep] = ()) -> Registry:
        """Register several kinds and sweeps; returns the registry for chaining."""
        for kind in kinds:
            self.add(kind)
        self.sweeps.extend(sweeps)
        return self

    def get(self, name: str) -> JobKind | None:
        """The kind with this name, or None when this process does not run it."""
        return self.kinds.get(name)

    def describe(self) -> dict[str, Any]:
        """The registered kinds with their retry settings (for logs and the CLI)."""
        return {k.name: {"max_attempts": k.max_attempts, "lease_seconds": k.lease_seconds}
                for k in self.kinds.values()}
