"""The worker: claims due jobs, runs their handlers, finishes or fails them, and makes the
registered sweeps. `calibrate worker` runs it in the foreground; `serve` runs one in a thread."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from app.jobs import queue
from app.jobs.registry import Registry
from app.models import utcnow

log = logging.getLogger("calibrate.worker")
Sessions = Callable[[], AbstractContextManager[Session]]
IDLE_SECONDS = 1.0
SWEEP_SECONDS = 10.0


class LeaseLost(RuntimeError):
    """The job's lease expired and another worker claimed it: this run's work is rolled back."""


@dataclass
class JobRun:
    """What a handler gets: the claimed job and short transactions of its own."""

    claim: queue.Claim
    sessions: Sessions
    clock: Callable[[], datetime] = utcnow
    finished: bool = field(default=False)

    @property
    def payload(self) -> dict:
        """The job's payload."""
        return self.claim.payload

    @property
    def attempt(self) -> int:
        """Which attempt this is, from 1."""
        return self.claim.attempts

    def transaction(self) -> AbstractContextManager[Session]:
        """A short transaction (keep slow work, such as transcription, outside of it)."""
        return self.sessions()

    def finish(self, session: Session) -> None:
        """Mark the job done inside the handler's last transaction, so its result and the job's
        state commit together."""
        if not queue.complete(session, self.claim, now=self.clock()):
            raise LeaseLost(f"job {self.claim.id} was claimed by another worker")
        self.finished = True


class Worker:
    """Runs the registry's jobs, one at a time, against the database the sessions open."""

    def __init__(self, registry: Registry, sessions: Sessions, *, clock: Callable[[], datetime] = utcnow,
                 sweep_seconds: float = SWEEP_SECONDS):
        self.registry = registry
        self.sessions = sessions
        self.clock = clock
        self.sweep_seconds = sweep_seconds
        self._swept_at: float | None = None

    def run_once(self, *, limit: int = 10) -> int:
        """Make the sweeps when due, then run up to `limit` due jobs; returns how many jobs ran."""
        if self._swept_at is None or time.monotonic() - self._swept_at >= self.sweep_seconds:
            self._swept_at = time.monotonic()
            self.sweep()
        ran = 0
        while ran < limit:
            with self.sessions() as session:
                claims = queue.claim(session, self.registry.kinds, now=self.clock(), limit=1)
            if not claims:
                break
            self.run(claims[0])
            ran += 1
        return ran

    def sweep(self) -> None:
        """Each registered sweep in its own transaction; a failing sweep is logged, not fatal."""
        for sweep in self.registry.sweeps:
            try:
                with self.sessions() as session:
                    sweep(session, self.clock())
            except Exception:  # noqa: BLE001 - one bad sweep must not stop the jobs
                log.exception("sweep failed", extra={"sweep": getattr(sweep, "__name__", str(sweep))})

    def run(self, claim: queue.Claim) -> bool:
        """Run one claimed job; True when it finished, False when it failed (and was rescheduled)."""
        kind = self.registry.get(claim.kind)
        job = JobRun(claim, self.sessions, self.clock)
        try:
            if kind is None:
                raise LookupError(f"no handler for job kind '{claim.kind}'")
            kind.handler(job)
            if not job.finished:
                with self.sessions() as session:
                    job.finish(session)
            log.info("job done", extra={"job": claim.id, "kind": claim.kind, "attempt": claim.attempts})
            return True
        except Exception as exc:  # noqa: BLE001 - a failed job is recorded and retried
            error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
            with self.sessions() as session:
                queue.fail(session, claim, kind, error=error, now=self.clock())
            log.warning("job failed", extra={"job": claim.id, "kind": claim.kind, "attempt": claim.attempts,
                                             "error": str(exc)[:300]})
            return False

    def run_forever(self, stop: threading.Event, *, idle: float = IDLE_SECONDS) -> None:
        """Run jobs until `stop` is set; waits `idle` seconds whenever nothing is due."""
        while not stop.is_set():
            try:
                ran = self.run_once()
            except Exception:  # noqa: BLE001 - e.g. the database restarting: wait and go on
                log.exception("worker pass failed")
                ran = 0
            if not ran:
                stop.wait(idle)


@contextmanager
def in_thread(worker: Worker | None) -> Iterator[None]:
    """Run a worker in a daemon thread for the lifetime of the block (the server's lifespan)."""
    if worker is None:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="calibrate-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=2)  # a job cut off here is run again once its lease runs out
