"""Pages: start, join, lobby and room. Each handler parses, calls a service, renders."""

from urllib.parse import urlsplit

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..domain.audience import MODERATOR, PARTICIPANT, Audience
from ..domain.errors import DomainError
from ..domain.permissions import Action, is_allowed
from ..domain.timer import MAX_MINUTES
from ..services import (
    board,
    conferences,
    invites,
    moderation,
    networking,
    presence,
    registrations,
)
from ..store.records import ConferenceRecord
from ..views.board import PHASES, SORT_ORDERS
from . import identity, plenary_parts, signin
from .runtime import runtime


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    rt = runtime(request)
    html = rt.views.render(
        template, identity.language(request), current_path=request.url.path, **context
    )
    return HTMLResponse(html, status_code=status_code)


def _translator(request: Request):
    return runtime(request).views.translator(identity.language(request))


def _error_text(request: Request, error: DomainError) -> str:
    return _translator(request)(f"errors.{error.code}", **error.params)


def _error_page(request: Request, message: str, status: int) -> HTMLResponse:
    back = _translator(request)("start.title")
    return render(request, "error.html", status, message=message, back_href="/", back_label=back)


def _local_path(value: str | None, default: str) -> str:
    """Only redirect within this site: '/c/x' is fine, '//evil.example' is not."""
    parts = urlsplit(value or "")
    if not value or parts.scheme or parts.netloc or not value.startswith("/"):
        return default
    return value


async def _conference(request: Request) -> ConferenceRecord:
    found = await conferences.find_by_slug(runtime(request).backends, request.path_params["slug"])
    if found is None:
        raise HTTPException(404)
    return found


async def _participant(request: Request, conference: ConferenceRecord):
    as_organiser = await signin.organiser_participant(request, conference)
    if as_organiser is not None:
        return as_organiser
    pid = identity.participant_id(request, conference.id)
    return await conferences.participant(runtime(request).backends, pid) if pid else None


async def start_get(request: Request) -> Response:
    # No list of conferences: the code or the link is what lets someone in.
    return render(request, "start.html", code="", errors=[])


async def code_post(request: Request) -> Response:
    form = await request.form()
    code = str(form.get("code", "")).strip()
    found = await conferences.find_by_code(runtime(request).backends, code)
    if found is None:
        errors = [_error_text(request, DomainError("unknown_code"))]
        return render(request, "start.html", 404, code=code, errors=errors)
    return RedirectResponse(f"/c/{found.slug}", status_code=303)


async def conference_get(request: Request) -> Response:
    conference = await _conference(request)
    identity.opened_conference(request, conference.language)
    participant = await _participant(request, conference)
    if participant is None:
        next_path = _local_path(request.query_params.get("next"), f"/c/{conference.slug}")
        return render(
            request,
            "join.html",
            conference=conference,
            next_path=next_path,
            display_name="",
            organisation="",
            name_consent=False,
            errors=[],
            registration=await registrations.offer(runtime(request).backends, conference),
        )
    lobby = await conferences.lobby(runtime(request).backends, conference)
    language = _translator(request).language
    live = await plenary_parts.plenary_context(request, conference, participant, language)
    backends = runtime(request).backends
    table = await networking.wants_a_table(backends, participant, conference)
    return render(
        request, "lobby.html", lobby=lobby, participant=participant, wants_a_table=table, **live
    )


async def tables_post(request: Request) -> Response:
    """In or out of the networking rounds' drawing (a coffee break's tables)."""
    conference = await _conference(request)
    participant = await _participant(request, conference)
    wanted = (await request.form()).get("wanted") == "yes"
    try:
        await networking.choose(runtime(request).backends, participant, conference, wanted)
    except DomainError as error:
        return _refused(request, error, 403)
    return RedirectResponse(f"/c/{conference.slug}", status_code=303)


async def join_post(request: Request) -> Response:
    conference = await _conference(request)
    identity.opened_conference(request, conference.language)
    form = await request.form()
    name, organisation = str(form.get("display_name", "")), str(form.get("organisation", ""))
    name_consent = form.get("name_consent") == "yes"  # an unticked box sends nothing
    next_path = _local_path(str(form.get("next", "")), f"/c/{conference.slug}")
    rt, address = runtime(request), client_address(request)
    try:
        participant = await conferences.join(
            rt.backends, conference, name, organisation, name_consent, rt.limits, address
        )
    except DomainError as error:
        page = render(
            request,
            "join.html",
            _status(error),
            conference=conference,
            next_path=next_path,
            display_name=name,
            organisation=organisation,
            name_consent=name_consent,
            errors=[_error_text(request, error)],
            registration=None,
        )
        return _with_retry_after(page, error)
    identity.remember_participant(request, conference.id, participant.id)
    return RedirectResponse(next_path, status_code=303)


async def _room_of(request: Request):
    """The conference, the room the path names (404 if none) and who asks (or None)."""
    conference = await _conference(request)
    backends = runtime(request).backends
    room = await conferences.room(backends, conference, request.path_params["room"])
    if room is None:
        raise HTTPException(404)
    return conference, room, await _participant(request, conference)


async def room_get(request: Request) -> Response:
    conference, room, participant = await _room_of(request)
    backends = runtime(request).backends
    if participant is None:
        return RedirectResponse(f"/c/{conference.slug}?next={request.url.path}", status_code=303)
    elsewhere = await plenary_parts.room_redirect(request, conference, participant, room)
    if elsewhere is not None:  # breakouts send people to their own room
        return elsewhere
    try:  # whom a moderator removed does not see the board either
        await presence.watch_room(backends, participant, room)
    except DomainError as error:
        return _refused(request, error, 403)
    role = await moderation.role(backends, participant, room)
    view = MODERATOR if is_allowed(role, Action.MODERATE_ROOM) else PARTICIPANT
    audience = Audience(view, _translator(request).language)
    snapshot = await board.load_board(backends, room)
    renderer = runtime(request).room_renderer
    return render(
        request,
        "room.html",
        conference=conference,
        room=room,
        board=snapshot,
        me=participant.id,
        phases=PHASES,
        max_minutes=MAX_MINUTES,
        sort_orders=SORT_ORDERS,
        timer_html=Markup(renderer.timer(snapshot.state, audience.language)),
        plenary_html=await plenary_parts.room_extras(request, room, audience.language),
        projector_path=plenary_parts.projector_path(request, conference, room),
        members_path=f"/c/{conference.slug}/rooms/{room.slug}/members",
        **renderer.context(snapshot.state, audience),
    )


async def room_members_get(request: Request) -> Response:
    """Everyone present in the room, for the room page's "show names" button (htmx):
    above a few dozen the live page shows how many only."""
    _, room, participant = await _room_of(request)
    backends = runtime(request).backends
    if participant is None:
        return _refused(request, DomainError("not_joined"), 403)
    try:
        members = await presence.members_present(backends, participant, room)
    except DomainError as error:
        return _refused(request, error, 403)
    role = await moderation.role(backends, participant, room)
    view = MODERATOR if is_allowed(role, Action.MODERATE_ROOM) else PARTICIPANT
    audience = Audience(view, _translator(request).language)
    html = runtime(request).room_renderer.member_names(members, audience)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


async def invite_get(request: Request) -> Response:
    """The page behind a moderator's link: who they will moderate, and as whom."""
    conference = await _conference(request)
    identity.opened_conference(request, conference.language)
    rt = runtime(request)
    try:
        invitation = await invites.look_up(
            rt.backends, rt.invite_signer, request.path_params["token"]
        )
    except DomainError as error:
        return _refused(request, error, 404)
    participant = await _participant(request, conference)
    return render(
        request,
        "invite.html",
        conference=conference,
        invitation=invitation,
        participant=participant,
        token=request.path_params["token"],
        errors=[],
    )


async def invite_post(request: Request) -> Response:
    """Accept the invite: join first if needed, then moderate the room."""
    conference = await _conference(request)
    rt = runtime(request)
    token = request.path_params["token"]
    participant = await _participant(request, conference)
    try:
        if participant is None:
            form = await request.form()
            name = str(form.get("display_name", ""))
            participant = await conferences.join(
                rt.backends, conference, name, None, False, rt.limits, client_address(request)
            )
            identity.remember_participant(request, conference.id, participant.id)
        room = await invites.redeem(rt.backends, rt.invite_signer, token, participant)
    except DomainError as error:
        status = 404 if error.code == "invite_invalid" else _status(error)
        return _with_retry_after(_refused(request, error, status), error)
    return RedirectResponse(f"/c/{conference.slug}/rooms/{room.slug}", status_code=303)


def _refused(request: Request, error: DomainError, status: int) -> Response:
    return _error_page(request, _error_text(request, error), status)


def client_address(request: Request) -> str:
    """The client's address: uvicorn takes it from X-Forwarded-For of trusted proxies."""
    return request.client.host if request.client else ""


def _status(error: DomainError) -> int:
    return 429 if error.code == "rate_limited" else 422


def _with_retry_after(response: Response, error: DomainError) -> Response:
    if error.code == "rate_limited":
        response.headers["Retry-After"] = str(error.params["seconds"])
    return response


async def language_post(request: Request) -> Response:
    form = await request.form()
    identity.set_language(request, str(form.get("language", "")))
    return RedirectResponse(_local_path(str(form.get("next", "")), "/"), status_code=303)


async def favicon_get(request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


async def http_error(request: Request, exc: HTTPException) -> Response:
    not_found = _error_text(request, DomainError("not_found"))
    return _error_page(
        request, not_found if exc.status_code == 404 else str(exc.detail), exc.status_code
    )
