"""Entering and leaving rooms, as everybody in the room sees it."""

from dataclasses import dataclass

from sqlmodel import Session

from ..domain import rooms, sockets
from ..domain.errors import DomainError
from ..domain.permissions import Role
from ..store import conferences, plenary_presence, presence
from ..store import rooms as room_store
from ..store.records import MemberRecord, ParticipantRecord, RoomRecord
from . import breakouts
from .access import role_in_room
from .backends import Backends


@dataclass(frozen=True, slots=True)
class Entered:
    """Who entered the room, the room as it was then, and their role in it."""

    participant: ParticipantRecord
    room: RoomRecord
    role: Role


async def enter_room(
    backends: Backends,
    participant_id: int,
    room_id: int,
    *,
    socket_limit: int,
    replacing: bool = False,
) -> Entered:
    """Count a new connection; the first one makes the participant appear in the room.
    A participant holding `socket_limit` open there already is refused (counted in the
    database, so the limit holds across every worker, as the capacity does).

    `replacing`: the connection takes the place of one of theirs that closed and is still
    counted (web/departures.py). It is let in by the same rules, and nothing is counted
    or announced: for everyone else they never left.

    The participant, the room and the role are read in the same transaction: a whole
    room reconnecting at once is that many entries, and a read of its own would cost a
    transaction more each. Raises DomainError "not_joined" for no such participant (a
    purged one), "unknown_room" for no such room.

    Presence is not in the room's log: an arrival moves no seq. The room's sockets learn
    of it from the presence topic, gathered into at most one frame a second (see
    web/streams.py), so N people arriving together cost O(N), not one delta per arrival
    to everyone already there."""

    def transaction(session: Session) -> tuple[Entered, bool, int | None]:
        participant = conferences.participant_by_id(session, participant_id)
        if participant is None:
            raise DomainError("not_joined")
        room = conferences.room_by_id(session, room_id)
        if room is None:
            raise DomainError("unknown_room", room=room_id)
        role = role_in_room(session, participant, room)
        connections = presence.connections(session, room.id, participant.id)
        # Counted still, unless the row went meanwhile (a moderator put them out, say).
        replaces = replacing and connections > 0
        rooms.enter_room(
            role,
            capacity=room.capacity,
            # Counting everyone present reads the whole room: only for who is not in it
            # yet (the rule looks at the count for no one else).
            present=0 if connections else presence.count_participants_present(session, room.id),
            already_present=connections > 0,
            removed=room_store.is_removed(session, room.id, participant.id),
        )
        sockets.open_another(connections - replaces, socket_limit)
        entered = Entered(participant, room, role)
        plenary_seq = breakouts.check_entry(session, participant, room, role)
        if replaces or presence.add_connection(session, room.id, participant.id) > 1:
            return entered, False, plenary_seq
        # The plenary's row before the room's, the order every transaction locks them in.
        if plenary_seq is None:
            plenary_seq = breakouts.people_moved(session, participant, room)
        presence.record_visit(session, room.id, participant.id)
        return entered, True, plenary_seq

    entered, appeared, plenary_seq = await backends.database.write(transaction)
    if appeared:
        await backends.announce_presence(room_id)
    if plenary_seq is not None:
        await backends.announce_plenary(entered.room.conference_id, plenary_seq)
    return entered


async def watch_room(backends: Backends, participant: ParticipantRecord, room: RoomRecord) -> None:
    """May the participant see the room's page? Raises a DomainError if not (a moderator
    removed them)."""

    def check(session: Session) -> None:
        removed = room_store.is_removed(session, room.id, participant.id)
        rooms.watch_room(role_in_room(session, participant, room), removed)

    await backends.database.read(check)


async def leave_room(backends: Backends, participant: ParticipantRecord, room: RoomRecord) -> None:
    """Count a closed connection; the last one makes the participant leave the room."""

    def transaction(session: Session) -> tuple[bool, int | None]:
        if presence.remove_connection(session, room.id, participant.id) > 0:
            return False, None
        return True, breakouts.people_moved(session, participant, room)

    left, plenary_seq = await backends.database.write(transaction)
    if left:
        await backends.announce_presence(room.id)
    if plenary_seq is not None:
        await backends.announce_plenary(room.conference_id, plenary_seq)


async def members_present(
    backends: Backends, participant: ParticipantRecord, room: RoomRecord
) -> list[MemberRecord]:
    """Everyone in the room now, in order of arrival, for whoever may see its page."""

    def read(session: Session) -> list[MemberRecord]:
        removed = room_store.is_removed(session, room.id, participant.id)
        rooms.watch_room(role_in_room(session, participant, room), removed)
        return presence.members_of(session, room.id)

    return await backends.database.read(read)


def forget_stale_presence(backends: Backends) -> None:
    """At start-up: connections counted by a previous run of this process are gone."""
    backends.database.run_write(presence.forget_all)
    backends.database.run_write(plenary_presence.forget_all)
