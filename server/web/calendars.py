"""The programme as a calendar file: a participant's own, and the whole one for the
organisers in the console."""

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..domain.errors import DomainError
from ..exports import calendar
from ..services import breakouts, conferences, console
from ..services.access import role_in_console
from ..store.records import ConferenceRecord, OrganiserRecord, ParticipantRecord
from . import identity
from .console import _conference as _console_conference
from .console import organisers_only
from .pages import _conference, _participant, _refused
from .runtime import runtime


async def participant_get(request: Request) -> Response:
    conference = await _conference(request)
    participant = await _participant(request, conference)
    if participant is None:
        return _refused(request, DomainError("not_joined"), 403)
    lobby = await conferences.lobby(runtime(request).backends, conference)
    own = await _own_room(request, conference, participant)
    programme = calendar.Programme(
        conference, lobby.agenda, lobby.rooms, base_url(request), personal=True, own_room=own
    )
    return await download(request, programme)


@organisers_only
async def console_get(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _console_conference(request)
    role = role_in_console(organiser)
    view = await console.overview(runtime(request).backends, role, conference)
    rooms = [entry.room for entry in view.rooms]
    programme = calendar.Programme(conference, view.agenda, rooms, base_url(request))
    return await download(request, programme)


async def _own_room(
    request: Request, conference: ConferenceRecord, participant: ParticipantRecord
) -> calendar.OwnRoom | None:
    placed = await breakouts.placement_of(runtime(request).backends, participant, conference.id)
    if placed is None or placed[1] is None:
        return None
    return calendar.OwnRoom(*placed)


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def download(request: Request, programme: calendar.Programme) -> Response:
    labels = runtime(request).views.translator(identity.language(request))
    headers = {
        "Content-Disposition": f'attachment; filename="{programme.conference.slug}.ics"',
        "Cache-Control": "no-store",
    }
    made = await run_in_threadpool(calendar.write, programme, labels)
    return Response(made, media_type=calendar.MEDIA_TYPE, headers=headers)
