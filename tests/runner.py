"""`make test`: every test on SQLite (browser tests included), then the database tests again on
PostgreSQL when it is reachable (required when CALIBRATE_REQUIRE_POSTGRES=1)."""

from __future__ import annotations

import os
import subprocess
import sys

PG_URL = os.environ.get("PG_TEST_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_reachable(url: str) -> bool:
    """True when a connection to the test database succeeds."""
    import psycopg

    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def pytest(args: list[str], env: dict[str, str]) -> int:
    """Run pytest; 'no tests collected' is a failure here."""
    print(f"\n=== pytest {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    """Run both passes and fail when either fails."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    failures = 0
    failures += pytest(["-p", "no:cacheprovider"], env) != 0
    if postgres_reachable(PG_URL):
        failures += pytest(["-p", "no:cacheprovider", "-m", "not browser"], {**env, "TEST_DATABASE_URL": PG_URL}) != 0
    elif os.environ.get("CALIBRATE_REQUIRE_POSTGRES") == "1":
        print(f"PostgreSQL is required but not reachable at {PG_URL}", file=sys.stderr)
        failures += 1
    else:
        print(f"\nPostgreSQL not reachable at {PG_URL}: the Postgres pass was skipped "
              "(set PG_TEST_URL, or run `make test-postgres`).")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
