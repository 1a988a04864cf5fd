"""Organisers sign in and out. Failures say only that the pair did not match."""

import math
import time

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..domain.organisers import normalise_username
from ..services import organisers
from . import identity, signin
from .pages import _local_path, render
from .runtime import runtime

CONSOLE = "/console"
# Why someone is sent to the login page; anything else in the query is ignored.
REASONS = ("required", "expired", "signed_out")


def _login_page(request: Request, status: int = 200, **context) -> Response:
    context = {"username": "", "errors": [], "notice": None, **context}
    next_path = _local_path(context.pop("next_path", None), CONSOLE)
    response = render(request, "login.html", status, next_path=next_path, **context)
    response.headers["Cache-Control"] = "no-store"
    return response


async def login_get(request: Request) -> Response:
    next_path = request.query_params.get("next")
    if await signin.signed_in_organiser(request) is not None:
        return RedirectResponse(_local_path(next_path, CONSOLE), status_code=303)
    reason = request.query_params.get("reason")
    notice = _translate(request, f"login.reason_{reason}") if reason in REASONS else None
    return _login_page(request, next_path=next_path, notice=notice)


async def login_post(request: Request) -> Response:
    rt = runtime(request)
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    next_path = str(form.get("next", ""))
    keys = (f"address:{request.client.host if request.client else '-'}",)
    keys += (f"username:{normalise_username(username)}",)
    now = time.monotonic()
    wait = max(rt.login_throttle.wait_seconds(key, now) for key in keys)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        error = _translate(request, "login.throttled", minutes=minutes)
        return _login_page(request, 429, username=username, next_path=next_path, errors=[error])
    organiser = await organisers.sign_in(rt.backends, rt.passwords, username, password)
    if organiser is None:
        for key in keys:
            rt.login_throttle.failed(key, now)
        error = _translate(request, "login.failed")
        return _login_page(request, 422, username=username, next_path=next_path, errors=[error])
    for key in keys:
        rt.login_throttle.succeeded(key)
    identity.sign_in_organiser(request, organiser)
    return RedirectResponse(_local_path(next_path, CONSOLE), status_code=303)


async def logout_post(request: Request) -> Response:
    identity.sign_out_organiser(request)
    return RedirectResponse("/login?reason=signed_out", status_code=303)


def _translate(request: Request, key: str, **params) -> str:
    return runtime(request).views.translator(identity.language(request))(key, **params)
