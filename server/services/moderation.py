"""What a room's moderator changes for everyone in it."""

from sqlmodel import Session

from ..domain import phases
from ..store import events, rooms
from ..store.records import ParticipantRecord, RoomRecord
from ..store.room_updates import BOARD_LOCKED, PHASE_CHANGED
from .access import role_in_room
from .backends import Backends


async def change_phase(
    backends: Backends, moderator: ParticipantRecord, room: RoomRecord, target: str
) -> None:
    def transaction(session: Session) -> int:
        role = role_in_room(session, moderator, room)
        changed = phases.change_phase(role, rooms.room_state(session, room.id), target)
        rooms.set_phase(session, room.id, changed.phase)
        payload = {"phase": changed.phase.value}
        return events.append_event(session, room.id, PHASE_CHANGED, payload, moderator.id)

    await backends.announce(room.id, await backends.database.write(transaction))


async def lock_board(
    backends: Backends, moderator: ParticipantRecord, room: RoomRecord, locked: bool
) -> None:
    def transaction(session: Session) -> int:
        role = role_in_room(session, moderator, room)
        changed = phases.lock_board(role, rooms.room_state(session, room.id), locked)
        rooms.set_locked(session, room.id, changed.locked)
        payload = {"locked": changed.locked}
        return events.append_event(session, room.id, BOARD_LOCKED, payload, moderator.id)

    await backends.announce(room.id, await backends.database.write(transaction))


async def role(backends: Backends, participant: ParticipantRecord, room: RoomRecord):
    return await backends.database.read(lambda s: role_in_room(s, participant, room))
