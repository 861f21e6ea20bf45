"""Domain errors that carry their HTTP status; routes stay thin and handlers render them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on: a status, a message and optional field errors."""

    status_code = 400

    def __init__(self, message: str, *, errors: list[dict[str, Any]] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body of the error response."""
        body: dict[str, Any] = {"detail": self.message}
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class NotAuthenticated(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Gone(DomainError):
    status_code = 410


class Invalid(DomainError):
    status_code = 422


class TooManyRequests(DomainError):
    status_code = 429
