"""Pages of the plenary beyond the lobby: the organiser's live dashboard and the projector
views. Each is filled at once by its socket's first snapshot."""

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..domain.errors import DomainError
from ..realtime.connection import Audience
from ..services import board, conferences, plenary, presence
from ..store.records import OrganiserRecord
from ..views.plenary import ORGANISER, PROJECTOR
from . import identity, signin
from .console import _conference as console_conference
from .console import _page, organisers_only
from .pages import _conference, _participant, _refused, render
from .plenary_parts import sections
from .runtime import runtime


@organisers_only
async def dashboard_get(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await console_conference(request)
    participant = await signin.organiser_participant(request, conference)
    language = runtime(request).views.translator(_language(request)).language
    view = await plenary.view(runtime(request).backends, conference.id, dashboard=True)
    renderer = runtime(request).plenary_renderer
    return _page(
        request,
        "dashboard.html",
        organiser=organiser,
        conference=conference,
        participant=participant,
        view=view,
        sections=sections(request, view, Audience(ORGANISER, language)),
        summaries=Markup(renderer.summaries(view.summaries or [], language, whole=True)),
    )


def _language(request: Request) -> str:
    return identity.language(request)


async def _joined(request: Request):
    conference = await _conference(request)
    participant = await _participant(request, conference)
    return conference, participant


async def projector_get(request: Request) -> Response:
    conference, participant = await _joined(request)
    if participant is None:
        path = request.url.path
        return RedirectResponse(f"/c/{conference.slug}?next={path}", status_code=303)
    view = await plenary.view(runtime(request).backends, conference.id)
    audience = Audience(PROJECTOR, _language(request))
    return render(
        request,
        "projector.html",
        conference=conference,
        sections=sections(request, view, audience),
    )


async def room_projector_get(request: Request) -> Response:
    conference, participant = await _joined(request)
    backends = runtime(request).backends
    room = await conferences.room(backends, conference, request.path_params["room"])
    if room is None:
        raise HTTPException(404)
    if participant is None:
        path = request.url.path
        return RedirectResponse(f"/c/{conference.slug}?next={path}", status_code=303)
    try:
        await presence.watch_room(backends, participant, room)
    except DomainError as error:
        return _refused(request, error, 403)
    snapshot = await board.load_board(backends, room)
    audience = Audience(PROJECTOR, _language(request))
    renderer = runtime(request).board_renderer
    return render(
        request,
        "room_projector.html",
        conference=conference,
        room=room,
        board=snapshot,
        **renderer.context(snapshot.state, audience),
    )
