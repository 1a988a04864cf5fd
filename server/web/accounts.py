"""Organisers sign in and out. Failures say only that the pair did not match."""

import asyncio
import math
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..domain.errors import DomainError
from ..services import organisers, sign_in_limits
from . import identity, signin
from .pages import _local_path, client_address, render
from .runtime import runtime

CONSOLE = "/console"
# Why someone is sent to the login page; anything else in the query is ignored.
REASONS = ("required", "expired", "signed_out", "signed_out_everywhere")
# How an attempt waits out its delay (tests replace it, to count instead of sleeping).
wait = asyncio.sleep


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
    page = {"username": username, "next_path": str(form.get("next", ""))}
    address = client_address(request)
    try:
        delay = await sign_in_limits.count_attempt(rt.limits, username, address)
    except DomainError as refused:
        minutes = max(1, math.ceil(refused.params["seconds"] / 60))
        error = _translate(request, "login.throttled", minutes=minutes)
        return _login_page(request, 429, errors=[error], **page)
    await wait(delay)
    organiser = await organisers.check_password(rt.backends, rt.passwords, username, password)
    if organiser is None:
        return _login_page(request, 422, errors=[_translate(request, "login.failed")], **page)
    await sign_in_limits.signed_in(rt.limits, username, address)
    max_age = timedelta(hours=rt.settings.organiser_session_hours)
    sign_in_id = await organisers.start_sign_in(rt.backends, organiser, max_age)
    identity.sign_in_organiser(request, sign_in_id)
    return RedirectResponse(_local_path(page["next_path"], CONSOLE), status_code=303)


async def logout_post(request: Request) -> Response:
    """Ends this browser's sign-in on the server, so a copy of its cookie opens nothing."""
    sign_in = identity.organiser_sign_in(request)
    if sign_in is not None:
        await organisers.sign_out(runtime(request).backends, sign_in.id)
    identity.sign_out_organiser(request)
    return RedirectResponse("/login?reason=signed_out", status_code=303)


async def logout_everywhere_post(request: Request) -> Response:
    """Ends every sign-in of the account (other browsers, a lost laptop), this one too."""
    organiser = await signin.signed_in_organiser(request)
    if organiser is None:  # an ended sign-in may not end others
        return RedirectResponse("/login?reason=expired", status_code=303)
    await organisers.sign_out_everywhere(runtime(request).backends, organiser)
    identity.sign_out_organiser(request)
    return RedirectResponse("/login?reason=signed_out_everywhere", status_code=303)


def _translate(request: Request, key: str, **params) -> str:
    return runtime(request).views.translator(identity.language(request))(key, **params)
