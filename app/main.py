"""The Calibrate application: routers, middleware, error handling and static files."""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.csrf import csrf_protect
from app.errors import DomainError, NotAuthenticated
from app.logs import configure_logging
from app.db import POOL_CAPACITY
from app.middleware import AdmissionLimit, SecurityMiddleware
from app.schemas import ErrorOut, exact_errors, served_routes
from app.specs.schemas import document_spec_content
from app.web import STATIC_DIR, is_htmx, render

log = logging.getLogger("calibrate")

# Container objects allocated (net) before a young collection; Python's default is 700.
YOUNG_GENERATION = 20_000


def settle_heap() -> None:
    """Tune the garbage collector for a server, once start-up is done.

    What start-up built lives as long as the process, so full collections skip it (`gc.freeze`).
    And the young generation is sized for a server: with dozens of requests in flight, a
    collection every 700 objects finds most of their objects still alive and promotes them, and
    their cyclic garbage then pushes the old generation to a full collection every few hundred
    milliseconds. A full collection walks every live object, and every open SSE stream holds about
    250 (its coroutines, tasks and request): with 1,000 dashboard streams open they took 15% of
    the server's time and autosave lost a sixth of its throughput. At 20,000 objects the requests'
    objects die young, garbage cycles are still freed by young collections, and full collections
    all but stop (README: Performance)."""
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


# What FastAPI answers (400) when a body cannot even be decoded, e.g. bytes that are not UTF-8.
_UNPARSABLE_BODY = "There was an error parsing the body"


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path: Starlette's 405 names only the first route's."""
    path = request.scope.get("path", request.url.path)
    methods = {method for route in served_routes(request.app.routes) if route.path_regex.match(path)
               for method in route.methods}
    return ", ".join(sorted(methods))


def _http_error_body(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """The API's JSON answer to an HTTP error: an undecodable body is invalid input like any other
    (422, as documented), and a 405 lists exactly the methods the path serves."""
    message = exc.detail if isinstance(exc.detail, str) else "error"
    if exc.status_code == 400 and message == _UNPARSABLE_BODY:
        return JSONResponse({"detail": "invalid request", "errors": [{"loc": ["body"], "msg": "the body is not valid JSON text"}]},
                            status_code=422)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return JSONResponse({"detail": message}, status_code=exc.status_code, headers=headers)


def _operation_id(route: APIRoute) -> str:
    """Operation ids are the handlers' names (`create_candidate`), which generated clients show."""
    return route.name


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(err.get("loc", ())), "msg": err.get("msg", "invalid")} for err in exc.errors()]


def install_error_handlers(app: FastAPI) -> None:
    """JSON errors for the API (never a 500 body with internals), plain pages for people."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else {}
        if _is_api(request):
            if isinstance(exc, NotAuthenticated):
                headers["WWW-Authenticate"] = "Bearer"
            return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)
        if isinstance(exc, NotAuthenticated):
            target = f"/login?next={request.url.path}"
            if is_htmx(request):
                return Response(status_code=204, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
        return render(request, "error.html", {"status": exc.status_code, "message": exc.message},
                      status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        if _is_api(request):
            return JSONResponse({"detail": "invalid request", "errors": errors}, status_code=422)
        return render(request, "error.html", {"status": 422, "message": "The request was not valid."}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if _is_api(request) or request.url.path.startswith("/static/"):
            return _http_error_body(request, exc)
        return render(request, "error.html", {"status": exc.status_code, "message": message},
                      status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        request_id = request.scope.get("state", {}).get("request_id", "")
        log.exception("unhandled error", extra={"request_id": request_id})
        body = {"detail": f"internal error (request {request_id})"}
        if _is_api(request):
            return JSONResponse(body, status_code=500)
        return render(request, "error.html", {"status": 500, "message": body["detail"]}, status_code=500)


def _document_error_shape(app: FastAPI) -> None:
    """FastAPI documents 422 bodies as its own list of errors; ours are `ErrorOut`, `{detail, errors}`.
    It also documents a 422 on routes that can never answer one; those go (app/schemas.py)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            exact_errors(document, app.routes)
            document_spec_content(document)  # the spec bodies and the YAML export refer to it
            schemas = document.get("components", {}).get("schemas", {})
            if "HTTPValidationError" in schemas:
                body = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(body.pop("$defs", {}))
                schemas["HTTPValidationError"] = body
                schemas.pop("ValidationError", None)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(*, migrate_on_start: bool = True) -> FastAPI:
    """Build the app; the server upgrades the database on start unless told not to."""
    from app import routers, wiring

    wiring.install()  # what every recorded change sets off (app/changes.py)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        if migrate_on_start:
            from app.migrate import upgrade
            upgrade()
            settle_heap()
        from app.take.sweeper import sweeping
        from app.take import fastsave
        from app.events.listener import running as listening_for_events
        from app.jobs.worker import in_thread
        async with sweeping(enabled=migrate_on_start):  # the server closes overdue rounds; tests drive it directly
            # Autosave's own pool on Postgres; tests whose requests share one session open it themselves.
            async with fastsave.serving(enabled=migrate_on_start):
                async with listening_for_events():  # dashboard events: LISTEN on Postgres, streams end on shutdown
                    with in_thread(wiring.job_worker() if migrate_on_start and wiring.worker_in_serve() else None):
                        yield  # the background jobs (transcription) run beside the server unless told not to

    configure_logging()
    app = FastAPI(title="Calibrate", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  generate_unique_id_function=_operation_id,
                  openapi_url="/api/v1/openapi.json", dependencies=[Depends(csrf_protect)],
                  description="Structured interviews and competency assessment. Bearer tokens come from "
                              "`calibrate tokens create --email …`.")
    install_error_handlers(app)
    routers.include_all(app)
    _document_error_shape(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR), check_dir=False), name="static")
    app.add_middleware(AdmissionLimit, limit=POOL_CAPACITY - 6)  # headroom: streams' renders, the sweeper
    app.add_middleware(SecurityMiddleware)
    return app
