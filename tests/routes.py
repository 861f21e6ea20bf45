"""Enumerate the app's routes (including those of included routers) and their role markers."""

from __future__ import annotations

from fastapi.routing import APIRoute

from app.deps import RequireRole, optional_user, public, signed_in
from app.observability import loopback_or_admin

MARKER_CALLS = {public: "public", signed_in: "signed_in", optional_user: "optional"}


def api_routes(app) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    """Every APIRoute the app serves."""
    routes: list[APIRoute] = []

    def walk(items) -> None:  # type: ignore[no-untyped-def]
        for route in items:
            if isinstance(route, APIRoute):
                routes.append(route)
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif hasattr(route, "routes") and not hasattr(route, "app"):
                walk(route.routes)

    walk(app.routes)
    return routes


def _markers(dependant) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for dep in dependant.dependencies:
        call = dep.call
        if isinstance(call, RequireRole):
            found.append(repr(call))
        elif call in (public, signed_in):
            found.append(MARKER_CALLS[call])
        elif call is loopback_or_admin:
            found.append("loopback_or_admin")
    return found


def route_markers(app):  # type: ignore[no-untyped-def]
    """(path, methods, role markers) for every route; markers from its direct dependencies."""
    return [(route.path, sorted(route.methods), _markers(route.dependant)) for route in api_routes(app)]
