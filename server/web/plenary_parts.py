"""The plenary's part of the participants' pages: the lobby's live sections, the way
to one's own room during breakouts, the banners in a room, and projector links."""

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..domain.audience import MODERATOR, PARTICIPANT, Audience
from ..domain.permissions import Action, is_allowed
from ..services import breakouts, plenary, projectors
from ..store.records import ConferenceRecord, ParticipantRecord, RoomRecord
from ..views.plenary import PARTS, focus_of, parts_in_order, shown
from .runtime import runtime


def sections(request: Request, view, audience: Audience) -> dict[str, Markup]:
    """Each live section this audience is shown, by name, for the page to place."""
    renderer = runtime(request).plenary_renderer
    names = shown(audience.view)
    return {n: Markup(renderer.section(n, view, audience, oob=False)) for n in names}


def arrangement(view, parts: tuple[str, ...] = PARTS) -> dict:
    """The part that goes with the running item, the parts in the page's order, and
    their usual order (`home`, for plenum.js to keep the order live)."""
    focus = focus_of(view.agenda)
    return {"focus": focus, "parts": parts_in_order(focus, parts), "home": " ".join(parts)}


async def plenary_context(
    request: Request, conference: ConferenceRecord, participant: ParticipantRecord, language: str
) -> dict:
    """What lobby.html needs for the live plenary."""
    backends = runtime(request).backends
    role = await plenary.role(backends, participant, conference.id)
    view_name = MODERATOR if is_allowed(role, Action.MODERATE_QUESTIONS) else PARTICIPANT
    view = await plenary.view(backends, conference.id)
    mine = await plenary.mine(backends, participant)
    return {
        "sections": sections(request, view, Audience(view_name, language)),
        "mine": mine,
        "is_organiser": is_allowed(role, Action.VIEW_DASHBOARD),
        **arrangement(view),
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
    return Markup(rt.room_renderer.extras(extras, Audience(PARTICIPANT, language), oob=False))


def projector_path(
    request: Request, conference: ConferenceRecord, room: RoomRecord | None = None
) -> str:
    """The link of the plenary's projector view, or of one room's."""
    signing = runtime(request).projector_signer
    if room is None:
        key = projectors.key_for(signing, projectors.CONFERENCE, conference.id)
        return f"/c/{conference.slug}/projector/{key}"
    key = projectors.key_for(signing, projectors.ROOM, room.id)
    return f"/c/{conference.slug}/rooms/{room.slug}/projector/{key}"
