"""The organiser behind a request, and the participant they are in a conference."""

from starlette.requests import Request

from ..services import conferences, organisers
from ..store.records import ConferenceRecord, OrganiserRecord, ParticipantRecord
from . import identity
from .runtime import runtime


async def signed_in_organiser(request: Request) -> OrganiserRecord | None:
    """The organiser, while the sign-in lasts and the account and its password are the same.

    A sign-in that ended is removed from the cookie, so it cannot come back.
    """
    sign_in = identity.organiser_sign_in(request)
    if sign_in is None:
        return None
    if not sign_in.expired:
        organiser = await organisers.signed_in(
            runtime(request).backends, sign_in.organiser_id, sign_in.password_version
        )
        if organiser is not None:
            return organiser
    identity.sign_out_organiser(request)
    return None


async def organiser_participant(
    request: Request, conference: ConferenceRecord
) -> ParticipantRecord | None:
    """A signed-in organiser who opens a conference is their account's participant there."""
    organiser = await signed_in_organiser(request)
    if organiser is None:
        return None
    backends = runtime(request).backends
    known = identity.participant_id(request, conference.id)
    participant = await conferences.participant(backends, known) if known else None
    if participant is None or participant.organiser_id != organiser.id:
        participant = await organisers.participant_in(backends, organiser, conference)
        identity.remember_organiser_participant(request, conference.id, participant.id)
    return participant
