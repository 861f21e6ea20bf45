"""The sweeper: closes rounds past their deadline (and grace) whether or not anyone is watching."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Engine

from app.db import session_scope
from app import clock
from app.take import service

log = logging.getLogger("calibrate.sweeper")
INTERVAL_SECONDS = 5.0


def sweep_once(engine: Engine | None = None) -> int:
    """One pass in its own short transaction; returns how many rounds it closed."""
    with session_scope(engine) as session:
        return service.sweep(session, now=clock.now())


async def run_forever(interval: float = INTERVAL_SECONDS) -> None:
    """Sweep every `interval` seconds until cancelled; a failed pass is logged and retried."""
    while True:
        try:
            closed = await asyncio.to_thread(sweep_once)
            if closed:
                log.info("rounds closed by the timer", extra={"closed": closed})
        except Exception:  # noqa: BLE001 - the loop must outlive a bad pass (e.g. database restart)
            log.exception("sweeper pass failed")
        await asyncio.sleep(interval)


@asynccontextmanager
async def sweeping(enabled: bool = True) -> AsyncIterator[None]:
    """Run the sweeper for the lifetime of the app (the server's lifespan)."""
    task = asyncio.create_task(run_forever()) if enabled else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
