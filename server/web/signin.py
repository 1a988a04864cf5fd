"""The organiser behind a request or socket, and the participant they are in a
conference: only while their sign-in lasts on the server (not ended, not expired)."""

from datetime import timedelta

from starlette.requests import HTTPConnection, Request

from ..services import conferences, organisers
from ..store.records import ConferenceRecord, OrganiserRecord, ParticipantRecord
from . import identity
from .runtime import runtime


async def active_organiser(connection: HTTPConnection) -> OrganiserRecord | None:
    """The organiser whose sign-in the cookie names, while it lasts; for pages and sockets."""
    sign_in = identity.organiser_sign_in(connection)
    if sign_in is None:
        return None
    rt = runtime(connection)
    max_age = timedelta(hours=rt.settings.organiser_session_hours)
    return await organisers.signed_in(rt.backends, sign_in.id, max_age)


async def signed_in_organiser(request: Request) -> OrganiserRecord | None:
    """The organiser, while the sign-in lasts. One that ended is also removed from the
    cookie, so this browser is a stranger (or a participant) again."""
    organiser = await active_organiser(request)
    if organiser is None:
        identity.sign_out_organiser(request)
    return organiser


async def participant_id(connection: HTTPConnection, conference_id: int) -> int | None:
    """Who the browser is in a conference: the organiser's participant while their sign-in
    lasts, else the participant it joined as."""
    sign_in = identity.organiser_sign_in(connection)
    known = sign_in.participants.get(str(conference_id)) if sign_in else None
    if known is not None and await active_organiser(connection) is not None:
        return known
    return identity.participant_id(connection, conference_id)


async def organiser_participant(
    request: Request, conference: ConferenceRecord
) -> ParticipantRecord | None:
    """A signed-in organiser who opens a conference is their account's participant there."""
    organiser = await signed_in_organiser(request)
    if organiser is None:
        return None
    backends = runtime(request).backends
    sign_in = identity.organiser_sign_in(request)
    known = sign_in.participants.get(str(conference.id)) if sign_in else None
    participant = await conferences.participant(backends, known) if known else None
    if participant is None or participant.organiser_id != organiser.id:
        participant = await organisers.participant_in(backends, organiser, conference)
        identity.remember_organiser_participant(request, conference.id, participant.id)
    return participant
