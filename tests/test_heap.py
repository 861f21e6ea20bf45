"""The server's garbage collector settings (app.main.settle_heap): requests' garbage is freed young,
and the old generation — where every open SSE stream's objects live — is not walked over and over."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A server's allocation pattern: 64 requests in flight, each a little web of objects that refer to
# one another (so only the collector frees them), beside 50,000 long-lived objects (open streams).
CHURN = """
import gc, json, sys
from collections import deque
from app.main import settle_heap
if sys.argv[1] == "settled":
    settle_heap()
streams = [[{"stream": i}] for i in range(50_000)]
before = [g["collections"] for g in gc.get_stats()]
in_flight = deque(maxlen=64)
for n in range(100_000):
    request = {"n": n, "parts": [[] for _ in range(8)]}
    request["self"] = request
    in_flight.append(request)
in_flight.clear()
after = gc.get_stats()
print(json.dumps({"collections": [g["collections"] - b for g, b in zip(after, before)],
                  "collected": sum(g["collected"] for g in after)}))
"""


def churn(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHURN, mode], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(done.stdout)


def test_settled_heap_frees_requests_garbage_without_full_collections() -> None:
    default, settled = churn("default"), churn("settled")
    assert default["collections"][2] > 0  # Python's defaults walk the long-lived objects again and again
    assert settled["collections"][2] == 0
    assert settled["collections"][0] > 0
    assert settled["collected"] >= 0.9 * 100_000 * 10  # the requests' cycles were still freed, young
