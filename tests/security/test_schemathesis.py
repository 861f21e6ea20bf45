"""Every /api/v1 operation, fuzzed from the OpenAPI document with valid admin credentials:
no 5xx, and responses that match the documented schema. Bounded so CI stays fast.

The operations are enumerated from the application itself at collection time, so a new
endpoint is fuzzed without anyone listing it."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from app.main import create_app
from tests.factories import bearer, make_user
from tests.routes import api_routes

MAX_EXAMPLES = int(os.environ.get("CALIBRATE_FUZZ_EXAMPLES", "12"))
# The voice round's chunk upload takes raw audio: any bytes, and some that start like real audio.
schemathesis.openapi.media_type("audio/wav", st.one_of(st.binary(max_size=512), st.binary(max_size=512).map(
    lambda tail: b"RIFF\x24\x00\x00\x00WAVEfmt " + tail)), aliases=("audio/webm", "audio/ogg", "audio/mpeg"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _operation_labels() -> list[str]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(migrate_on_start=False))
    return sorted(result.ok().label for result in schema.get_all_operations())


LABELS = _operation_labels()


def test_every_api_route_is_documented_and_nothing_else(app) -> None:
    served = {f"{method} {route.path}" for route in api_routes(app) if route.path.startswith("/api/v1/")
              for method in route.methods - {"HEAD"}}
    served -= {"GET /api/v1/openapi.json"}
    assert set(LABELS) == served


@pytest.mark.parametrize("label", LABELS)
def test_api_operation_never_errors_and_matches_schema(label, app, session):
    headers = bearer(session, make_user(session, role="admin"))
    session.commit()
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operation = schema.find_operation_by_label(label)

    @settings(max_examples=MAX_EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def fuzz(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
