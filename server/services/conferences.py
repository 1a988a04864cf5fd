"""Finding conferences and joining them."""

from sqlmodel import Session

from ..domain import participants
from ..domain.errors import DomainError
from ..store import conferences
from ..store.records import ConferenceRecord, LobbyRecord, ParticipantRecord, RoomRecord
from .backends import Backends
from .rate_limits import RateLimits


async def find_by_slug(backends: Backends, slug: str) -> ConferenceRecord | None:
    return await backends.database.read(lambda s: conferences.conference_by_slug(s, slug))


def named(backends: Backends, slug: str) -> ConferenceRecord:
    """The conference with this slug, or DomainError; blocking (the command line's)."""
    found = backends.database.run_read(lambda s: conferences.conference_by_slug(s, slug))
    if found is None:
        raise DomainError("unknown_conference", conference=slug)
    return found


async def find_by_id(backends: Backends, conference_id: int) -> ConferenceRecord | None:
    return await backends.database.read(lambda s: conferences.conference_by_id(s, conference_id))


async def find_by_code(backends: Backends, code: str) -> ConferenceRecord | None:
    return await backends.database.read(lambda s: conferences.conference_by_code(s, code))


async def lobby(backends: Backends, conference: ConferenceRecord) -> LobbyRecord:
    return await backends.database.read(lambda s: conferences.load_lobby(s, conference))


async def join(
    backends: Backends,
    conference: ConferenceRecord,
    display_name: str,
    organisation: str | None,
    name_consent: bool,
    limits: RateLimits,
    address: str,
) -> ParticipantRecord:
    """A new participant; each one counts against the client address's "join" limit
    (what was refused for its own reasons does not count)."""
    joining = participants.join(display_name, organisation, name_consent)
    (await limits.hit("join", "address", address)).raise_if_refused()

    def transaction(session: Session) -> ParticipantRecord:
        return conferences.add_participant(session, conference.id, joining)

    return await backends.database.write(transaction)


async def participant(backends: Backends, participant_id: int) -> ParticipantRecord | None:
    return await backends.database.read(lambda s: conferences.participant_by_id(s, participant_id))


async def room(backends: Backends, conference: ConferenceRecord, slug: str) -> RoomRecord | None:
    return await backends.database.read(lambda s: conferences.room_by_slug(s, conference.id, slug))


async def room_by_id(backends: Backends, room_id: int) -> RoomRecord | None:
    room = await backends.database.read(lambda s: conferences.room_by_id(s, room_id))
    if room is not None:
        backends.room_conferences[room.id] = room.conference_id
    return room


async def conference_of_room(backends: Backends, room_id: int) -> int | None:
    """The conference of a room (None for no such room), from memory once it was read:
    a pile of socket handshakes then costs no database reads before they are refused."""
    known = backends.room_conferences.get(room_id)
    if known is not None:
        return known
    room = await room_by_id(backends, room_id)
    return room.conference_id if room is not None else None
