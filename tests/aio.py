"""Run a coroutine to completion from a synchronous test.

Playwright's sync API keeps an event loop running on the main thread once a browser test has
run, so `asyncio.run` there would refuse; a short-lived thread gets a loop of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
