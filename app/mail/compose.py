"""Rendering messages from `templates/mail/` and turning a stored message into a MIME email.

Each message is a pair of templates: `<name>.txt` (its `subject` block and the plain-text body)
and `<name>.html` (the HTML body, autoescaped). Everything that lands in a header goes through
`one_line`, so a name or title holding CR/LF cannot add headers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Annotated, Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from app.mail.models import MailMessage
from app.settings import get_settings
from app.web import TEMPLATES_DIR

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")
MAX_SUBJECT = 200

_text_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "mail")), autoescape=False,
                        undefined=StrictUndefined, keep_trailing_newline=True)
_html_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "mail")), autoescape=True,
                        undefined=StrictUndefined)
for _env in (_text_env, _html_env):
    _env.filters["one_line"] = lambda value: one_line(str(value))


def one_line(text: str, *, limit: int = MAX_SUBJECT) -> str:
    """Text safe for a header: control characters (CR, LF, tabs…) become spaces, runs collapse."""
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


# What the API documents for a person's address and name, enforced by the same expressions: a
# plain ASCII address with a dotted domain; a name of words separated by single spaces.
EMAIL_PATTERN = (r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                 r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
NAME_PATTERN = r"^[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]+(?: [^\s\x00-\x1f\x7f-\x9f\u2028\u2029]+)*$"


_NAME_RE = re.compile(NAME_PATTERN)
_EMAIL_RE = re.compile(EMAIL_PATTERN)


def _documented_name(value: str) -> str:
    if not _NAME_RE.fullmatch(value):
        raise PydanticCustomError("person_name", "name must be one line of text")
    return value


def _documented_email(value: str) -> str:
    if not _EMAIL_RE.fullmatch(value):
        raise PydanticCustomError("email_address", "not an email address")
    return value


# Request-body fields whose OpenAPI pattern is exactly what the server enforces, with plain messages.
PersonName = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra={"pattern": NAME_PATTERN},
                                  description="one line: words separated by single spaces"),
                       AfterValidator(_documented_name)]
EmailAddress = Annotated[str, Field(min_length=3, max_length=320, json_schema_extra={"pattern": EMAIL_PATTERN},
                                    description="a plain local@domain.tld address"),
                         AfterValidator(_documented_email)]


def person_errors(name: str, email: str) -> list[dict[str, Any]]:
    """The one rule for a person's name (one line, 1-200 characters) and address, as `errors` items."""
    errors: list[dict[str, Any]] = []
    if not is_address(email.strip()):
        errors.append({"loc": ["body", "email"], "msg": "not an email address"})
    if not one_line(name) or len(name) > 200:
        errors.append({"loc": ["body", "name"], "msg": "name is required (at most 200 characters)"})
    elif one_line(name) != name.strip():
        errors.append({"loc": ["body", "name"], "msg": "name must be one line of text"})
    return errors


def is_address(email: str) -> bool:
    """A plain `local@domain.tld` address: the one rule the API documents (EMAIL_PATTERN) and every
    service and the outbox apply."""
    return 3 <= len(email) <= 320 and _EMAIL_RE.fullmatch(email) is not None


@dataclass(frozen=True)
class Rendered:
    """A rendered message: subject and both bodies."""

    subject: str
    text: str
    html: str


def render(template: str, context: dict[str, Any]) -> Rendered:
    """Render `templates/mail/<template>.txt` and `.html` with the shared context."""
    ctx = {"base_url": get_settings().base_url.rstrip("/"), **context}
    text_template = _text_env.get_template(f"{template}.txt")
    subject = "".join(text_template.blocks["subject"](text_template.new_context(ctx)))
    text = text_template.render(ctx)
    html = _html_env.get_template(f"{template}.html").render(ctx)
    return Rendered(one_line(subject), text.strip() + "\n", html)


def templates() -> list[str]:
    """The names of the messages there are templates for (for the admins' preview)."""
    return sorted(p.stem for p in (TEMPLATES_DIR / "mail").glob("*.txt") if not p.stem.startswith("_"))


def message_id(number: int, token: str) -> str:
    """A Message-ID that stays the same on every attempt, so a receiver can drop a repeat."""
    host = urlsplit(get_settings().base_url).hostname or "calibrate.invalid"
    return f"<calibrate.{number}.{token}@{host}>"


def sender() -> Address:
    """The From address of CALIBRATE_MAIL_FROM (`Name <addr>` or a bare address)."""
    name, addr = parseaddr(get_settings().mail_from)
    return _address(name, addr or "calibrate@localhost")


def _address(name: str, addr: str) -> Address:
    local, _, domain = addr.partition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


def email_message(message: MailMessage) -> EmailMessage:
    """The MIME message of a stored one: plain text with an HTML alternative."""
    email = EmailMessage()
    email["From"] = sender()
    email["To"] = _address(message.to_name, message.to_addr)
    email["Subject"] = one_line(message.subject)
    email["Message-ID"] = message.message_id
    email["Date"] = formatdate(message.created_at.timestamp(), localtime=False, usegmt=True)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email
