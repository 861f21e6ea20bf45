"""A person's name and email address: the one rule the API documents and every form, service and
the mail outbox apply, and `one_line`, which keeps any text that lands in a header on one line."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")
MAX_SUBJECT = 200


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
