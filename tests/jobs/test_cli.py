"""`calibrate worker --once` runs what is due and reports the outbox."""

from __future__ import annotations

from app.cli import main


def test_worker_once_runs_due_jobs_and_prints_the_counts(engine, capsys):
    assert main(["worker", "--once"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("pending=") and "done=" in last and "failed=" in last
