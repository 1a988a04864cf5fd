"""What a room's moderator changes for the whole room: phase, lock, timer, membership."""

from collections.abc import Callable
from datetime import datetime

from ..domain import phases, rooms, timer
from ..domain.errors import DomainError
from ..domain.permissions import Role
from ..domain.timer import Timer
from ..store import presence
from ..store import rooms as room_store
from ..store.records import ParticipantRecord, RoomRecord
from ..store.room_events import RoomEventType, effects
from ..store.undo import Undo
from .access import role_in_room
from .backends import Backends
from .change import Applied, Change, Context, apply


async def change_phase(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    target: str,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        state = room_store.room_state(c.session, c.room_id)
        changed = phases.change_phase(c.role, state, target)
        room_store.set_phase(c.session, c.room_id, changed.phase)
        if changed.phase is phases.Phase.CLOSED:  # a read-only room has nothing to time
            room_store.set_timer(c.session, c.room_id, timer.Timer())
        return Change(RoomEventType.PHASE_CHANGED, effects(state=True, phase=changed.phase.value))

    return await apply(backends, moderator, room, command_id, decide)


async def lock_board(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    locked: bool,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        state = room_store.room_state(c.session, c.room_id)
        changed = phases.lock_board(c.role, state, locked)
        room_store.set_locked(c.session, c.room_id, changed.locked)
        return Change(RoomEventType.BOARD_LOCKED, effects(state=True, locked=changed.locked))

    return await apply(backends, moderator, room, command_id, decide)


# How each of the moderator's timer buttons changes the room's timer.
TIMER_ACTIONS: dict[str, Callable[[Role, Timer, object, datetime], Timer]] = {
    "start": lambda role, current, minutes, now: timer.start(role, minutes, now),
    "pause": lambda role, current, minutes, now: timer.pause(role, current, now),
    "resume": lambda role, current, minutes, now: timer.resume(role, current, now),
    "extend": lambda role, current, minutes, now: timer.extend(role, current, minutes, now),
    "stop": lambda role, current, minutes, now: timer.stop(role, current),
}


async def set_timer(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    action: str,
    minutes: object,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        state = room_store.room_state(c.session, c.room_id)
        if action != "stop":
            phases.require_board_open(c.role, state, c.now)  # a closed room times nothing
        if action not in TIMER_ACTIONS:
            raise DomainError("bad_command")
        changed = TIMER_ACTIONS[action](c.role, state.timer, minutes, c.now)
        room_store.set_timer(c.session, c.room_id, changed)
        return Change(RoomEventType.TIMER_CHANGED, effects(state=True, action=action))

    return await apply(backends, moderator, room, command_id, decide)


async def remove_member(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    target: ParticipantRecord | None,
    command_id: str | None = None,
) -> Applied:
    """Put a participant out of the room: their sockets close and they cannot come back.
    Undo lets them in again."""

    def decide(c: Context) -> Change:
        target_role = role_in_room(c.session, target, room)
        target_id = target.id if target else 0
        if target is not None and not presence.is_present(c.session, c.room_id, target_id):
            target_role = Role.STRANGER  # only people in the room can be removed from it
        rooms.remove_participant(c.role, c.actor_id, target_id, target_role)
        room_store.remove_member(c.session, c.room_id, target_id, c.actor_id)
        payload = effects(participant_id=target_id, undo=Undo(readmit=target_id))
        return Change(RoomEventType.MEMBER_REMOVED, payload)

    return await apply(backends, moderator, room, command_id, decide)


async def role(backends: Backends, participant: ParticipantRecord, room: RoomRecord) -> Role:
    return await backends.database.read(lambda s: role_in_room(s, participant, room))
