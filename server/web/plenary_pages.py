"""Pages of the plenary beyond the lobby: the organiser's live dashboard and the projector
views. Each is filled at once by its socket's first snapshot."""

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..domain.audience import ORGANISER, PROJECTOR, Audience
from ..services import board, conferences, plenary, projectors
from ..store.records import OrganiserRecord
from . import identity, signin
from .console import _conference as console_conference
from .console import _page, organisers_only
from .pages import _conference, render
from .plenary_parts import arrangement, projector_path, sections
from .runtime import runtime

# The projector shows one part at a time: what goes with the running item.
PROJECTOR_PARTS = ("qa", "breakout", "report")


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
        projector_path=projector_path(request, conference),
    )


def _language(request: Request) -> str:
    return identity.language(request)


def _key(request: Request, kind: str, ident: int) -> str:
    """The key in the path, if it opens this conference's or room's projector (else 404:
    to anyone without the right link there is nothing here)."""
    key = request.path_params["key"]
    if not projectors.opens(runtime(request).projector_signer, key, kind, ident):
        raise HTTPException(404)
    return key


async def projector_get(request: Request) -> Response:
    conference = await _conference(request)
    key = _key(request, projectors.CONFERENCE, conference.id)
    view = await plenary.view(runtime(request).backends, conference.id)
    audience = Audience(PROJECTOR, identity.language(request, conference.language))
    return render(
        request,
        "projector.html",
        conference=conference,
        socket_path=f"/ws/conferences/{conference.id}/projector?key={key}",
        sections=sections(request, view, audience),
        **arrangement(view, PROJECTOR_PARTS),
    )


async def room_projector_get(request: Request) -> Response:
    conference = await _conference(request)
    backends = runtime(request).backends
    room = await conferences.room(backends, conference, request.path_params["room"])
    if room is None:
        raise HTTPException(404)
    key = _key(request, projectors.ROOM, room.id)
    snapshot = await board.load_board(backends, room)
    audience = Audience(PROJECTOR, identity.language(request, conference.language))
    renderer = runtime(request).room_renderer
    return render(
        request,
        "room_projector.html",
        conference=conference,
        room=room,
        board=snapshot,
        socket_path=f"/ws/rooms/{room.id}/projector?key={key}",
        **renderer.context(snapshot.state, audience),
    )
