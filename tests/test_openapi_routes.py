"""The OpenAPI document is exactly the server: every JSON route has a `response_model`, and its
documented error statuses are the ones its dependencies and parameters can really produce, each
with a JSON error body (app/schemas.py)."""

from __future__ import annotations

from typing import Any, get_type_hints

import pytest
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from app import policy
from app.deps import RequireRole, signed_in
from app.main import create_app
from app.schemas import can_fail_validation, served_routes

APP = create_app(migrate_on_start=False)
DOCUMENT = APP.openapi()


def response_class(route: APIRoute) -> type[Response]:
    return getattr(route.response_class, "value", route.response_class)


def returns_json(route: APIRoute) -> bool:
    """JSON routes: the API (unless it declares another media type) and any other route whose
    handler returns data rather than a ready-made response (a page, a redirect, a stream)."""
    if not issubclass(response_class(route), JSONResponse):
        return False
    if route.path.startswith("/api/"):
        return True
    returned = get_type_hints(route.endpoint).get("return")
    return not (isinstance(returned, type) and issubclass(returned, Response))


JSON_ROUTES = [route for route in served_routes(APP.routes) if returns_json(route)]
OPERATIONS = [(route, method) for route in JSON_ROUTES if route.include_in_schema for method in sorted(route.methods)]


def label(route: APIRoute, method: str | None = None) -> str:
    return f"{method or ','.join(sorted(route.methods))} {route.path}"


def documented(route: APIRoute, method: str) -> dict[str, Any]:
    return DOCUMENT["paths"][route.path_format][method.lower()]["responses"]


def roles_required(route: APIRoute) -> frozenset[str] | None:
    """The roles of the route's RequireRole marker, if it has one."""
    found = [dep.call.roles for dep in route.dependant.dependencies if isinstance(dep.call, RequireRole)]
    return found[0] if found else None


def signs_in(route: APIRoute) -> bool:
    return roles_required(route) is not None or any(dep.call is signed_in for dep in route.dependant.dependencies)


def test_json_routes_are_found() -> None:
    paths = {route.path for route in JSON_ROUTES}
    assert "/healthz" in paths and "/api/v1/job-specs/{slug}" in paths
    assert "/specs/{slug}" not in paths and "/api/v1/job-specs/{slug}/export.yaml" not in paths


@pytest.mark.parametrize("route", JSON_ROUTES, ids=label)
def test_every_json_route_has_a_response_model(route: APIRoute) -> None:
    assert route.response_model is not None, f"{label(route)}: give it a response_model (its domain's schemas.py)"


@pytest.mark.parametrize(("route", "method"), OPERATIONS, ids=[label(r, m) for r, m in OPERATIONS])
def test_documented_errors_are_the_ones_the_route_can_return(route: APIRoute, method: str) -> None:
    responses = documented(route, method)
    errors = {code for code in responses if code.startswith("4")}
    roles = roles_required(route)
    if signs_in(route):
        assert "401" in errors, "a signed-in route answers 401 without credentials"
    if roles is not None and roles < policy.STAFF_ROLES:
        assert "403" in errors, "a role-restricted route answers 403 to other roles"
    if signs_in(route) and method not in ("GET", "HEAD"):
        assert "403" in errors, "a cookie-authenticated write without its CSRF token is refused with 403"
    if route.dependant.path_params:
        assert "404" in errors, "every path names something that may not exist"
    if can_fail_validation(route):
        assert "422" in errors, "a body or typed parameter may fail validation"
    elif "422" in errors:
        assert 422 in route.responses, "a 422 that nothing can produce"
    if not signs_in(route):
        assert "401" not in errors


# The autosave's refusal carries the stored answer beside the error; its route (another piece of
# work) describes that body in words for now.
PROSE_ONLY = {("PUT /api/v1/take/{token}/rounds/{key}/answers/{question_id}", "409")}


@pytest.mark.parametrize(("route", "method"), OPERATIONS, ids=[label(r, m) for r, m in OPERATIONS])
def test_documented_errors_have_a_json_error_body(route: APIRoute, method: str) -> None:
    for code, response in documented(route, method).items():
        if code.startswith("4") and (label(route, method), code) not in PROSE_ONLY:
            schema = response["content"]["application/json"]["schema"]
            name = schema["$ref"].rsplit("/", 1)[-1]
            assert name in ("ErrorOut", "ConflictOut", "HTTPValidationError"), f"{code}: {name}"
            assert "detail" in DOCUMENT["components"]["schemas"][name]["properties"]


def test_success_responses_name_their_model() -> None:
    for route, method in OPERATIONS:
        success = str(route.status_code or 200)
        content = documented(route, method)[success]["content"]["application/json"]
        assert content["schema"], label(route, method)
