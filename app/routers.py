"""Every router of the app, in one place."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute


def include_all(app: FastAPI) -> None:
    """Mount the HTML routes and the JSON API."""
    from app import core_routes, observability
    from app.analysis import api as analysis_api
    from app.analysis import routes as analysis_routes
    from app.dashboard import api as dashboard_api
    from app.dashboard import routes as dashboard_routes
    from app.questions import api as questions_api
    from app.questions import routes as questions_routes
    from app.scorecards import api as scorecards_api
    from app.scorecards import routes as scorecards_routes
    from app.specs import api as specs_api
    from app.specs import routes as specs_routes
    from app.staff import routes as staff_routes
    from app.suggestions import api as suggestions_api
    from app.suggestions import routes as suggestions_routes
    from app.staff import account as staff_account
    from app.staff import admin as staff_admin
    from app.staff import api as staff_api
    from app.staff import links as staff_links
    from app.mail import routes as mail_routes
    from app.candidates import api as candidates_api
    from app.candidates import routes as candidate_routes
    from app.privacy import api as privacy_api
    from app.privacy import routes as privacy_routes
    from app.take import api as take_api
    from app.take import routes as take_routes
    from app.interviews import api as interviews_api
    from app.interviews import routes as interviews_routes
    from app.voice import api as voice_api
    from app.voice import routes as voice_routes
    from app.webhooks import api as webhooks_api
    from app.webhooks import routes as webhooks_routes

    # The candidate API first: its autosave is the busiest route, and routes are matched in order.
    for module in (take_api, core_routes, observability, staff_routes, specs_routes, specs_api, questions_routes, questions_api,
                   take_routes, dashboard_routes, dashboard_api,
                   scorecards_routes, scorecards_api, suggestions_routes, suggestions_api, analysis_routes, analysis_api,
                   candidates_api, interviews_api, interviews_routes, voice_api, voice_routes, webhooks_api, webhooks_routes,
                   staff_admin, staff_account, staff_links, staff_api, mail_routes, candidate_routes,
                   privacy_api, privacy_routes):
        for route in module.router.routes:
            if isinstance(route, APIRoute) and not route.path.startswith("/api/v1/"):
                route.include_in_schema = False  # the OpenAPI document describes the JSON API only
        app.include_router(module.router)
