"""The plenary's part of the participants' pages: the lobby's live sections, the way
to one's own room during breakouts, and the banners in a room."""

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..domain.permissions import Action, is_allowed
from ..realtime.connection import MODERATOR, PARTICIPANT, Audience
from ..services import breakouts, plenary
from ..store.records import ConferenceRecord, ParticipantRecord, RoomRecord
from ..views.plenary import RoomLiveRenderer, shown
from .runtime import runtime


def sections(request: Request, view, audience: Audience) -> Markup:
    renderer = runtime(request).plenary_renderer
    names = shown(audience.view)
    return Markup("".join(renderer.section(n, view, audience, oob=False) for n in names))


async def plenary_context(
    request: Request, conference: ConferenceRecord, participant: ParticipantRecord, language: str
) -> dict:
    """What lobby.html needs for the live plenary."""
    backends = runtime(request).backends
    role = await plenary.role(backends, participant, conference.id)
    view_name = MODERATOR if is_allowed(role, Action.MODERATE_QUESTIONS) else PARTICIPANT
    view = await plenary.view(backends, conference.id)
    mine = await plenary.mine(backends, participant)
    renderer = runtime(request).plenary_renderer
    return {
        "sections": sections(request, view, Audience(view_name, language)),
        "my_plenary": Markup(renderer.personal(mine, language)),
        "plenary_view": view,
        "mine": mine,
        "is_organiser": is_allowed(role, Action.VIEW_DASHBOARD),
    }


async def room_redirect(
    request: Request, conference: ConferenceRecord, participant: ParticipantRecord, room
) -> Response | None:
    """While breakouts run, a participant placed elsewhere is sent to their own room."""
    backends = runtime(request).backends
    role = await plenary.role(backends, participant, conference.id)
    if is_allowed(role, Action.MODERATE_QUESTIONS):
        return None
    mine: RoomRecord | None = await breakouts.assigned_room_of(backends, participant, conference.id)
    if mine is not None and mine.id != room.id:
        return RedirectResponse(f"/c/{conference.slug}/rooms/{mine.slug}", status_code=303)
    return None


async def room_extras(request: Request, room: RoomRecord, language: str) -> Markup:
    rt = runtime(request)
    extras = await plenary.room_extras(rt.backends, room.id)
    renderer = RoomLiveRenderer(rt.views, rt.board_renderer)
    return Markup(renderer.extras(extras, Audience(PARTICIPANT, language), oob=False))
