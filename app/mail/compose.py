"""Rendering messages from `templates/mail/` and turning a stored message into a MIME email.

Each message is a pair of templates: `<name>.txt` (its `subject` block and the plain-text body)
and `<name>.html` (the HTML body, autoescaped). Everything that lands in a header goes through
`one_line`, so a name or title holding CR/LF cannot add headers."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.mail.models import MailMessage
from app.people import one_line
from app.settings import get_settings
from app.web import TEMPLATES_DIR

_text_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "mail")), autoescape=False,
                        undefined=StrictUndefined, keep_trailing_newline=True)
_html_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "mail")), autoescape=True,
                        undefined=StrictUndefined)
for _env in (_text_env, _html_env):
    _env.filters["one_line"] = lambda value: one_line(str(value))


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
