"""What every JSON route shares in the OpenAPI document: the error body, and `errors(...)`, which
documents the error statuses a route really returns (DESIGN: every 4xx body is JSON with
`errors: [{loc, msg}]` or `detail`)."""

from __future__ import annotations

from typing import Any

from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str


class ErrorOut(BaseModel):
    """Every 4xx body: a message and, for invalid input, each problem with its location."""

    model_config = ConfigDict(extra="allow")  # some refusals add context (e.g. the stored revision)
    detail: str
    errors: list[ErrorItem] = Field(default_factory=list)


class ConflictOut(ErrorOut):
    """A write based on a version that is no longer current."""

    current_version: str | None = None
    current_url: str | None = None


class HealthOut(BaseModel):
    status: str = Field(description="`ok` when the app and its database answer")


DEFAULT_DESCRIPTIONS = {
    401: "not signed in: send `Authorization: Bearer <token>`",
    403: "your role does not allow this",
    404: "not found, or not yours to see",
    409: "conflicts with the current state",
    410: "this invite link was revoked or has expired",
    422: "invalid request: every problem with its location",
    429: "too many attempts; retry after `Retry-After` seconds",
}
CSRF_403 = "your role does not allow this, or a cookie-authenticated write lacks its CSRF token"

ErrorSpec = int | tuple[int, str] | tuple[int, str, type[BaseModel]]


# A pattern for free-text query parameters: PostgreSQL text cannot hold NUL, so it is refused as
# invalid input (422, documented) rather than failing in the database.
NO_NUL = r"^[^\x00]*$"

def errors(*specs: ErrorSpec) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status (or `(status, description[, model])`) with the JSON
    error model. Only these error statuses appear in the OpenAPI document (`exact_errors`)."""
    documented: dict[int | str, dict[str, Any]] = {}
    for spec in specs:
        if isinstance(spec, int):
            status, description, model = spec, DEFAULT_DESCRIPTIONS[spec], ErrorOut
        else:
            status, description, model = spec[0], spec[1], spec[2] if len(spec) > 2 else ErrorOut
        documented[status] = {"model": model, "description": description}
    return documented


def served_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute among `routes`, including those of included routers."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += served_routes(route.original_router.routes)
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            found += served_routes(route.routes)
    return found


def can_fail_validation(route: APIRoute) -> bool:
    """True when FastAPI itself may answer 422: a body, or a parameter that is not plain text."""
    plain = (str, str | None)
    params = get_flat_params(route.dependant)
    return route.body_field is not None or any(p.field_info.annotation not in plain or p.field_info.metadata
                                               for p in params)


def exact_errors(schema: dict[str, Any], routes: list[Any]) -> None:
    """Drop the 422 FastAPI documents on every route with parameters where the route can never
    answer it (plain text path parameters, no body, none declared), so the document is the server."""
    for route in served_routes(routes):
        if can_fail_validation(route) or 422 in (route.responses or {}):
            continue
        operations = schema.get("paths", {}).get(route.path_format, {})
        for method in route.methods:
            operations.get(method.lower(), {}).get("responses", {}).pop("422", None)
