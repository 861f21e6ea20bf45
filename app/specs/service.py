"""Job specs and their immutable versions: validation, publishing defaults, hashing, loading."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import audit
from app.errors import Conflict, Invalid, NotFound
from app.models import JobSpec, JobSpecVersion, Question, User, utcnow
from app.questions.engine import draw
from app.specs.schema import SpecProblems, validate_spec
from app.yamlio import Document, Problem, YamlProblems, parse

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SOURCES = ("yaml", "editor", "api")


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of spec content."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short_hash(hexdigest: str, length: int = 6) -> str:
    """The first `length` base62 digits of a SHA-256 digest."""
    number = int(hexdigest, 16)
    digits = []
    for _ in range(length):
        number, rem = divmod(number, 62)
        digits.append(BASE62[rem])
    return "".join(digits)


def version_label(number: int, hexdigest: str) -> str:
    """`v{n}-{h}` per DESIGN."""
    return f"v{number}-{short_hash(hexdigest)}"


def bank_items(session: Session) -> list[dict[str, Any]]:
    """Active bank questions as plain dicts, in id order."""
    rows = session.exec(select(Question).where(Question.active == True).order_by(Question.id)).all()  # noqa: E712
    return [r.model_dump() for r in rows]


def bank_lookup(session: Session):  # type: ignore[no-untyped-def]
    """A lookup of active bank questions by id, for resolving spec references."""
    items = {q["id"]: q for q in bank_items(session)}
    return items.get


def publish_defaults(content: dict[str, Any], *, current: dict[str, Any] | None,
                     bank: list[dict[str, Any]]) -> dict[str, Any]:
    """Give every round without published questions a set: the current version's, or a bank draw."""
    current_rounds = {r["key"]: r for r in (current or {}).get("rounds", [])}
    for rnd in content["rounds"]:
        if "questions" in rnd:
            continue
        previous = current_rounds.get(rnd["key"])
        if previous and previous["kind"] == rnd["kind"] and _still_fits(previous.get("questions", []), rnd):
            rnd["questions"] = previous.get("questions", [])
            continue
        count = rnd["question_count"] * (2 if rnd.get("rotate_questions") else 1)
        rnd["questions"] = draw(bank, content=content, round_kind=rnd["kind"], count=count,
                                seed=f"{content['slug']}:{rnd['key']}")
    return content


def _still_fits(questions: list[dict[str, Any]], rnd: dict[str, Any]) -> bool:
    if rnd["kind"] == "live":
        return True
    if rnd.get("rotate_questions"):
        return len(questions) >= rnd["question_count"]
    return len(questions) == rnd["question_count"]


def prepare(session: Session, raw: Any, *, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validate raw content (raises SpecProblems) and fill in default published sets."""
    bank = bank_items(session)
    by_id = {q["id"]: q for q in bank}
    content = validate_spec(raw, bank=by_id.get)
    return publish_defaults(content, current=current, bank=bank)


def get_spec(session: Session, slug: str) -> JobSpec:
    """The spec with this slug, or NotFound."""
    spec = session.exec(select(JobSpec).where(JobSpec.slug == slug)).first()
    if spec is None:
        raise NotFound(f"no job spec '{slug}'")
    return spec


def get_version(session: Session, spec: JobSpec, number: int | None = None) -> JobSpecVersion:
    """A version of the spec by number (default: the current one), or NotFound."""
    number = spec.current_version if number is None else number
    version = session.exec(select(JobSpecVersion).where(
        JobSpecVersion.spec_id == spec.id, JobSpecVersion.number == number)).first()
    if version is None:
        raise NotFound(f"job spec '{spec.slug}' has no version {number}")
    return version


# A version never changes once written, so its content is kept per process (oldest dropped first):
# a candidate's autosave and a flush that rescores an interview do not reload the spec each time.
_CONTENT: OrderedDict[str, dict[str, Any]] = OrderedDict()
_CONTENT_KEPT = 512
_CONTENT_LOCK = threading.Lock()  # handlers run on several threads


def version_content(db: Session | Connection, version_id: str) -> dict[str, Any]:
    """The content of a spec version, shared by every caller in this process: treat it as read-only."""
    content = _CONTENT.get(version_id)
    if content is None:
        conn = db.connection() if isinstance(db, Session) else db
        content = conn.execute(select(JobSpecVersion.content).where(JobSpecVersion.id == version_id)).scalar_one()
        with _CONTENT_LOCK:
            _CONTENT[version_id] = content
            if len(_CONTENT) > _CONTENT_KEPT:
                _CONTENT.popitem(last=False)
    return content


def list_versions(session: Session, spec: JobSpec) -> list[JobSpecVersion]:
    """Every version of the spec, newest first."""
    return list(session.exec(select(JobSpecVersion).where(JobSpecVersion.spec_id == spec.id)
                             .order_by(col(JobSpecVersion.number).desc())).all())


def parse_base_version(value: int | str | None) -> int | None:
    """A base version given as a number, `3` or a label `v3-Ab12Cd`."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    number = text[1:].split("-", 1)[0] if text.startswith("v") else text
    if not number.isdigit():
        raise Invalid("base_version must be a version number or label like v2-Ab3dE9",
                      errors=[{"loc": ["body", "base_version"], "msg": "not a version"}])
    return int(number)


@dataclass
class SaveResult:
    version: JobSpecVersion
    created: bool


def save_content(session: Session, *, content: dict[str, Any], source: str, actor: User | None,
                 base_version: int | str | None = None, note: str = "") -> SaveResult:
    """Store validated content as a new version when it differs from the current one."""
    spec = session.exec(select(JobSpec).where(JobSpec.slug == content["slug"]).with_for_update()).first()
    base = parse_base_version(base_version)
    if spec is not None and base is not None and base != spec.current_version:
        current = get_version(session, spec)
        raise Conflict(f"this change is based on v{base}, but the current version is {current.label}",
                       current_version=current.label, current_url=f"/specs/{spec.slug}")
    digest = content_digest(content)
    if spec is not None and spec.current_version:
        current = get_version(session, spec)
        if current.content_hash == digest:
            return SaveResult(current, False)
    if spec is None:
        spec = JobSpec(slug=content["slug"])
        session.add(spec)
        session.flush()
    number = spec.current_version + 1
    version = JobSpecVersion(spec_id=spec.id, number=number, label=version_label(number, digest),
                             content_hash=digest, content=content, title=content["title"],
                             level=content["level"], source=source, note=note,
                             created_by_id=actor.id if actor else None)
    spec.current_version = number
    spec.updated_at = utcnow()
    session.add(version)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("another change to this job spec was saved at the same time; reload and retry") from None
    audit.record(session, actor=actor, action="spec.version", object_type="job_spec", object_id=spec.id,
                 version=version.label, source=source)
    return SaveResult(version, True)


def current_content(session: Session, slug: str) -> dict[str, Any] | None:
    """The current content of the spec with this slug, or None when there is no such spec."""
    spec = session.exec(select(JobSpec).where(JobSpec.slug == slug)).first()
    return get_version(session, spec).content if spec and spec.current_version else None


def read_spec_file(path: Path) -> Document:
    """Parse one spec file with positions (raises YamlProblems)."""
    try:
        return parse(path.read_bytes(), str(path))
    except OSError as exc:
        raise YamlProblems([Problem(str(path), 1, 1, f"cannot read file: {exc.strerror}")]) from None


def document_problems(doc: Document, exc: SpecProblems) -> list[Problem]:
    """Spec problems placed at their line and column in the document."""
    return [doc.problem(loc, msg, at_key=msg.startswith("unknown key")) for loc, msg in exc.errors]


def spec_paths(paths: list[Path]) -> list[Path]:
    """Files named directly, plus every *.yaml / *.yml inside named directories, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            found.append(path)
    return found


def validate_documents(paths: list[Path], *, bank: list[dict[str, Any]], known_tags: set[str] | None,
                       current_for: Callable[[str], dict[str, Any] | None]) -> list[tuple[Path, dict[str, Any]]]:
    """Validate every file; raise YamlProblems with all problems of all files if any is bad."""
    problems: list[Problem] = []
    results: list[tuple[Path, dict[str, Any]]] = []
    slugs: dict[str, Path] = {}
    by_id = {q["id"]: q for q in bank}
    for path in spec_paths(paths):
        try:
            doc = read_spec_file(path)
            content = validate_spec(doc.data, bank=by_id.get, known_tags=known_tags)
        except YamlProblems as exc:
            problems += exc.problems
            continue
        except SpecProblems as exc:
            problems += document_problems(doc, exc)
            continue
        if content["slug"] in slugs:
            problems.append(doc.problem(("slug",), f"slug '{content['slug']}' is also used by {slugs[content['slug']]}"))
        slugs[content["slug"]] = path
        results.append((path, publish_defaults(content, current=current_for(content["slug"]), bank=bank)))
    if problems:
        raise YamlProblems(problems)
    return results


def _slug_of(data: Any) -> str:
    return data.get("slug", "") if isinstance(data, dict) and isinstance(data.get("slug"), str) else ""


def load_files(session: Session, paths: list[Path], *, actor: User | None = None,
               known_tags: set[str] | None = None) -> list[tuple[Path, SaveResult]]:
    """Load spec files all-or-nothing: any bad file means nothing is loaded."""
    results = []
    checked = validate_documents(paths, bank=bank_items(session), known_tags=known_tags,
                                 current_for=lambda slug: current_content(session, slug))
    for path, content in checked:
        results.append((path, save_content(session, content=content, source="yaml", actor=actor)))
    return results
