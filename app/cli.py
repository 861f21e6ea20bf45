"""`calibrate` — the command line (DESIGN: CLI). Exit 0 on success, 1 on invalid input with the
errors on stderr."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.errors import DomainError
from app.yamlio import YamlProblems

Handler = Callable[[argparse.Namespace], int]


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web server (the database is upgraded on start)."""
    import uvicorn

    uvicorn.run("app.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                proxy_headers=True, log_level="warning", timeout_graceful_shutdown=5)
    return 0


def cmd_db_upgrade(_: argparse.Namespace) -> int:
    """Apply every migration."""
    from app.migrate import upgrade

    upgrade()
    print("database is up to date")
    return 0


def _bank():  # type: ignore[no-untyped-def]
    from app.bank.loader import load_bank
    from app.settings import get_settings

    return load_bank(get_settings().question_bank_dir)


def _spec_paths(args: argparse.Namespace) -> list[Path]:
    from app.settings import get_settings

    return [Path(p) for p in args.paths] or [get_settings().job_specs_dir]


def cmd_specs_validate(args: argparse.Namespace) -> int:
    """Check spec files against every rule; print each problem as path:line:col: message."""
    from app.specs.service import validate_documents

    bank = _bank()
    results = validate_documents(_spec_paths(args), bank=list(bank.questions.values()),
                                 known_tags=set(bank.tags), current_for=lambda _slug: None)
    for path, content in results:
        print(f"{path}: ok ({content.slug}, {len(content.competencies)} competencies)")
    return 0


def cmd_specs_load(args: argparse.Namespace) -> int:
    """Load spec files all-or-nothing; unchanged content makes no new version."""
    from app.bank.loader import sync_bank
    from app.wiring import session_scope
    from app.specs.service import load_files

    bank = _bank()
    with session_scope() as session:
        sync_bank(session, bank)
        for path, result in load_files(session, _spec_paths(args), known_tags=set(bank.tags)):
            state = "new version" if result.created else "unchanged"
            print(f"{path}: {result.version.label} ({state})")
    return 0


def cmd_bank_validate(_: argparse.Namespace) -> int:
    """Check the question bank: unique ids, known tags and levels, required fields."""
    bank = _bank()
    kinds = {"written": 0, "behavioral": 0}
    for q in bank.questions.values():
        kinds[q["kind"]] += 1
    print(f"question bank ok: {kinds['written']} questions, {kinds['behavioral']} behavioral prompts, "
          f"{len(bank.levels)} levels, {len(bank.tags)} competency tags")
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    """Create a staff account; without --password a strong one is generated and printed once."""
    from app.auth.security import generate_password
    from app.auth.service import create_user
    from app.wiring import session_scope

    password = args.password or generate_password()
    with session_scope() as session:
        user = create_user(session, email=args.email, name=args.name, role=args.role, password=password)
    print(f"created {user.role} {user.email}")
    if not args.password:
        print(f"password: {password}")
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    """Create an API token for a user; the token is the last line printed."""
    from app.auth.service import create_api_token, user_by_email
    from app.wiring import session_scope

    with session_scope() as session:
        user = user_by_email(session, args.email)
        if user is None:
            _err(f"no user with email {args.email}")
            return 1
        token = create_api_token(session, user=user, name=args.name)
    print(f"API token for {user.email} (shown once; store it safely):")
    print(token)
    return 0


def cmd_setup(_: argparse.Namespace) -> int:
    """First run: migrate, load the bank and job specs, and make sure an admin exists."""
    from app.setup import first_run

    for line in first_run(os.environ):
        print(line)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load realistic sample candidates, answers and scorecards (once); with --interviews N, add N
    completed interviews with submitted scorecards to one spec in bulk (every time)."""
    from app.wiring import session_scope

    try:
        if args.interviews is not None:
            from app.demo_bulk import add_completed_interviews

            for line in add_completed_interviews(session_scope, count=args.interviews, spec_slug=args.spec):
                print(line, flush=True)
            return 0
        from app.demo import load_demo

        with session_scope() as session:
            for line in load_demo(session):
                print(line)
    except RuntimeError as exc:
        _err(str(exc))
        return 1
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the background jobs (transcription, and the other outbox kinds) in the foreground:
    until interrupted, or with --once until nothing is due. Safe beside other workers and servers."""
    import threading

    from app import db, wiring
    from app.jobs import queue

    wiring.install()
    worker = wiring.job_worker()
    if args.retry_failed:
        with db.session_scope() as session:
            print(f"jobs given another try: {queue.retry_failed(session)}")
    if args.once:
        while worker.run_once():
            pass
    else:
        print(f"worker running: {', '.join(worker.registry.kinds)} (Ctrl-C stops)")
        try:
            worker.run_forever(threading.Event())
        except KeyboardInterrupt:
            pass
    with db.session_scope() as session:
        print(" ".join(f"{name}={count}" for name, count in queue.counts(session).items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="calibrate", description="Structured interviews and competency assessment.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=cmd_serve)
    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(handler=cmd_db_upgrade)
    specs = sub.add_parser("specs", help="job specs").add_subparsers(dest="specs_command", required=True)
    for name, handler in (("validate", cmd_specs_validate), ("load", cmd_specs_load)):
        p = specs.add_parser(name, help=f"{name} job-spec YAML files or directories")
        p.add_argument("paths", nargs="*")
        p.set_defaults(handler=handler)
    bank = sub.add_parser("bank", help="question bank").add_subparsers(dest="bank_command", required=True)
    bank.add_parser("validate", help="check question_bank/").set_defaults(handler=cmd_bank_validate)
    users = sub.add_parser("users", help="staff accounts").add_subparsers(dest="users_command", required=True)
    create = users.add_parser("create", help="create a user")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=["admin", "hiring_manager", "interviewer"])
    create.add_argument("--password")
    create.set_defaults(handler=cmd_users_create)
    tokens = sub.add_parser("tokens", help="API tokens").add_subparsers(dest="tokens_command", required=True)
    tcreate = tokens.add_parser("create", help="create an API token")
    tcreate.add_argument("--email", required=True)
    tcreate.add_argument("--name", default="cli")
    tcreate.set_defaults(handler=cmd_tokens_create)
    sub.add_parser("setup", help="first run: migrate, load bank and specs, ensure an admin").set_defaults(handler=cmd_setup)
    demo = sub.add_parser("demo", help="load realistic sample candidates, answers and scorecards")
    demo.add_argument("--interviews", type=int, metavar="N",
                      help="add N completed interviews with submitted scorecards to one spec, in bulk (scale checks)")
    demo.add_argument("--spec", default="senior-backend-payments", metavar="SLUG",
                      help="the spec --interviews adds to (default: senior-backend-payments)")
    demo.set_defaults(handler=cmd_demo)
    worker = sub.add_parser("worker", help="run the background jobs (transcription, …) outside `serve`")
    worker.add_argument("--once", action="store_true", help="run what is due, then exit")
    worker.add_argument("--retry-failed", action="store_true", help="give jobs that were given up a fresh set of attempts")
    worker.set_defaults(handler=cmd_worker)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `calibrate` command."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except YamlProblems as exc:
        for problem in exc.problems:
            _err(str(problem))
        return 1
    except DomainError as exc:
        _err(exc.message)
        for error in exc.errors:
            _err(f"  {'.'.join(map(str, error.get('loc', [])))}: {error.get('msg')}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
