"""Entering and leaving rooms, as everybody in the room sees it."""

from sqlmodel import Session

from ..domain import rooms
from ..store import events, presence
from ..store import rooms as room_store
from ..store.records import ParticipantRecord, RoomRecord
from ..store.room_updates import MEMBER_JOINED, MEMBER_LEFT
from .access import role_in_room
from .backends import Backends


async def enter_room(backends: Backends, participant: ParticipantRecord, room: RoomRecord) -> None:
    """Count a new connection; the first one makes the participant appear in the room."""

    def transaction(session: Session) -> int | None:
        rooms.enter_room(
            role_in_room(session, participant, room),
            capacity=room.capacity,
            present=presence.count_present(session, room.id),
            already_present=presence.is_present(session, room.id, participant.id),
            removed=room_store.is_removed(session, room.id, participant.id),
        )
        if presence.add_connection(session, room.id, participant.id) > 1:
            return None
        payload = {"participant_id": participant.id}
        return events.append_event(session, room.id, MEMBER_JOINED, payload, participant.id)

    seq = await backends.database.write(transaction)
    if seq is not None:
        await backends.announce(room.id, seq)


async def leave_room(backends: Backends, participant: ParticipantRecord, room: RoomRecord) -> None:
    """Count a closed connection; the last one makes the participant leave the room."""

    def transaction(session: Session) -> int | None:
        if presence.remove_connection(session, room.id, participant.id) > 0:
            return None
        payload = {"participant_id": participant.id}
        return events.append_event(session, room.id, MEMBER_LEFT, payload, participant.id)

    seq = await backends.database.write(transaction)
    if seq is not None:
        await backends.announce(room.id, seq)


def forget_stale_presence(backends: Backends) -> None:
    """At start-up: connections counted by a previous run of this process are gone."""
    backends.database.run_write(presence.forget_all)
