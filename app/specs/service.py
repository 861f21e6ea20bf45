"""Job specs and their immutable versions: validation, publishing defaults, hashing, loading."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import audit, changes
from app.changes import ChangeKind
from app.errors import Conflict, Invalid, NotFound
from app.models import JobSpec, JobSpecVersion, Question, User, utcnow
from app.specs.draw import draw
from app.specs.content import Round, RoundQuestion, SpecContent
from app.specs.schema import SpecProblems, validate_spec
from app.yamlio import Document, Problem, YamlProblems, parse

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SOURCES = ("yaml", "editor", "api")


def content_digest(content: SpecContent | Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of spec content (its `to_dict()`)."""
    data = content.to_dict() if isinstance(content, SpecContent) else content
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short_hash(hexdigest: str, length: int = 6) -> str:
    """The first `length` base62 digits of a SHA-256 digest."""
    number = int(hexdigest, 16)
    digits = []
    for _ in range(length):
        number, rem = divmod(number, 62)
        digits.append(BASE62[rem])
    return "".join(digits)


MAX_VERSION = 2**31 - 1  # version numbers are 32-bit integers on PostgreSQL


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


def publish_defaults(content: SpecContent, *, current: SpecContent | None,
                     bank: list[dict[str, Any]]) -> SpecContent:
    """Give every round without published questions a set: the current version's, or a bank draw."""
    if all(rnd.published for rnd in content.rounds):
        return content
    rounds = tuple(rnd if rnd.published else _default_set(rnd, content, current, bank) for rnd in content.rounds)
    return replace(content, rounds=rounds)


def _default_set(rnd: Round, content: SpecContent, current: SpecContent | None,
                 bank: list[dict[str, Any]]) -> Round:
    previous = current.round(rnd.key) if current else None
    if previous and previous.kind == rnd.kind and _still_fits(previous.questions, rnd):
        return replace(rnd, questions=previous.questions, published=True)
    count = rnd.question_count * (2 if rnd.rotate_questions else 1)
    drawn = draw(bank, content=content, round_kind=rnd.kind, count=count, seed=f"{content.slug}:{rnd.key}")
    return replace(rnd, questions=tuple(RoundQuestion.from_dict(q) for q in drawn), published=True)


def _still_fits(questions: tuple[RoundQuestion, ...], rnd: Round) -> bool:
    if not rnd.kind.has_candidate_side:
        return True
    if rnd.rotate_questions:
        return len(questions) >= rnd.question_count
    return len(questions) == rnd.question_count


def prepare(session: Session, raw: Any, *, current: SpecContent | None = None) -> SpecContent:
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


# A version never changes once written, so its content is read once per process into an immutable
# SpecContent (oldest dropped first): a candidate's autosave and a flush that rescores an interview
# do not reload or re-parse the spec each time, and no caller can change what another one sees.
_CONTENT: OrderedDict[str, SpecContent] = OrderedDict()
_CONTENT_KEPT = 512
_CONTENT_LOCK = threading.Lock()  # handlers run on several threads


def _remember(version_id: str, load: Callable[[], SpecContent]) -> SpecContent:
    content = _CONTENT.get(version_id)
    if content is not None:
        return content
    loaded = load()
    with _CONTENT_LOCK:
        content = _CONTENT.setdefault(version_id, loaded)  # a concurrent reader's object wins: one per version
        if len(_CONTENT) > _CONTENT_KEPT:
            _CONTENT.popitem(last=False)
    return content


def version_content(db: Session | Connection, version_id: str) -> SpecContent:
    """The content of a spec version: one immutable object shared by every caller in this process."""
    def load() -> SpecContent:
        conn = db.connection() if isinstance(db, Session) else db
        query = select(JobSpecVersion.content).where(JobSpecVersion.id == version_id)
        return SpecContent.from_dict(conn.execute(query).scalar_one())
    return _remember(version_id, load)


def content_of(version: JobSpecVersion) -> SpecContent:
    """The content of a loaded version row (the same shared object as `version_content`)."""
    return _remember(version.id, lambda: SpecContent.from_dict(version.content))


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


def save_content(session: Session, *, content: SpecContent, source: str, actor: User | None,
                 base_version: int | str | None = None, note: str = "") -> SaveResult:
    """Store validated content as a new version when it differs from the current one."""
    spec = session.exec(select(JobSpec).where(JobSpec.slug == content.slug).with_for_update()).first()
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
        spec = JobSpec(slug=content.slug)
        session.add(spec)
        session.flush()
    number = spec.current_version + 1
    version = JobSpecVersion(spec_id=spec.id, number=number, label=version_label(number, digest),
                             content_hash=digest, content=content.to_dict(), title=content.title,
                             level=content.level.value, source=source, note=note,
                             created_by_id=actor.id if actor else None)
    spec.current_version = number
    spec.updated_at = utcnow()
    session.add(version)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("another change to this job spec was saved at the same time; reload and retry") from None
    _remember(version.id, lambda: content)
    audit.record(session, actor=actor, action="spec.version", object_type="job_spec", object_id=spec.id,
                 version=version.label, source=source)
    changes.record(session, ChangeKind.SPEC_VERSION_CREATED, spec_id=spec.id)
    return SaveResult(version, True)


def current_content(session: Session, slug: str) -> SpecContent | None:
    """The current content of the spec with this slug, or None when there is no such spec."""
    spec = session.exec(select(JobSpec).where(JobSpec.slug == slug)).first()
    return content_of(get_version(session, spec)) if spec and spec.current_version else None


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
                       current_for: Callable[[str], SpecContent | None]) -> list[tuple[Path, SpecContent]]:
    """Validate every file; raise YamlProblems with all problems of all files if any is bad."""
    problems: list[Problem] = []
    results: list[tuple[Path, SpecContent]] = []
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
        if content.slug in slugs:
            problems.append(doc.problem(("slug",), f"slug '{content.slug}' is also used by {slugs[content.slug]}"))
        slugs[content.slug] = path
        results.append((path, publish_defaults(content, current=current_for(content.slug), bank=bank)))
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
