"""What a room's moderator changes for everyone in it."""

from collections.abc import Callable

from sqlmodel import Session

from ..domain import phases
from ..domain.permissions import Role
from ..domain.phases import RoomState
from ..store import events, rooms
from ..store.records import ParticipantRecord, RoomRecord
from ..store.room_updates import BOARD_LOCKED, PHASE_CHANGED
from .access import role_in_room
from .backends import Backends

# Given the session, the actor's role and the room's state: decide, store, and name the
# event to append (type, payload).
Decision = Callable[[Session, Role, RoomState], tuple[str, dict]]


async def _moderate(
    backends: Backends, moderator: ParticipantRecord, room: RoomRecord, decide: Decision
) -> None:
    def transaction(session: Session) -> int:
        role = role_in_room(session, moderator, room)
        type_, payload = decide(session, role, rooms.room_state(session, room.id))
        return events.append_event(session, room.id, type_, payload, moderator.id)

    await backends.announce(room.id, await backends.database.write(transaction))


async def change_phase(
    backends: Backends, moderator: ParticipantRecord, room: RoomRecord, target: str
) -> None:
    def decide(session: Session, role: Role, state: RoomState) -> tuple[str, dict]:
        changed = phases.change_phase(role, state, target)
        rooms.set_phase(session, room.id, changed.phase)
        return PHASE_CHANGED, {"phase": changed.phase.value}

    await _moderate(backends, moderator, room, decide)


async def lock_board(
    backends: Backends, moderator: ParticipantRecord, room: RoomRecord, locked: bool
) -> None:
    def decide(session: Session, role: Role, state: RoomState) -> tuple[str, dict]:
        changed = phases.lock_board(role, state, locked)
        rooms.set_locked(session, room.id, changed.locked)
        return BOARD_LOCKED, {"locked": changed.locked}

    await _moderate(backends, moderator, room, decide)


async def role(backends: Backends, participant: ParticipantRecord, room: RoomRecord) -> Role:
    return await backends.database.read(lambda s: role_in_room(s, participant, room))
