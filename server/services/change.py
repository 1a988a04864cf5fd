"""The one way a command changes a room or a conference's plenary: decide, store and log
in one transaction, then announce after the commit.

A command carries the client's id; a retry of an applied command changes nothing and
reports the first outcome (its seq, and what it created), so a vote re-sent after a
reconnect counts once. Events written outside a command (presence, a revoked invite, a
plenary command telling its rooms) go through `log_room_event` and `log_plenary_event`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from sqlmodel import Session

from ..domain.permissions import Role
from ..store import plenary, rooms
from ..store.events import EventLog, plenary_log, room_log
from ..store.plenary import PlenaryState
from ..store.plenary_events import PlenaryEffects, PlenaryEventType
from ..store.records import ParticipantRecord, RoomRecord
from ..store.room_events import RoomEffects, RoomEventType
from .access import role_in_plenary, role_in_room
from .backends import Backends


class Created(NamedTuple):
    """What a command made, named as the commands name it: ("card", 42), ("cluster", 7)."""

    kind: str
    id: int


CREATED = "created"  # the payload key that keeps it, so a retried command can name it again


def created_in(payload: dict) -> Created | None:
    value = payload.get(CREATED)
    return Created(*value) if value else None


@dataclass(frozen=True)
class Applied:
    """A command's outcome: the event's seq, whether it had been applied before, a notice
    for the person who sent it (e.g. "your card waits for approval") and what it created."""

    seq: int
    duplicate: bool = False
    notice: str | None = None
    created: Created | None = None


@dataclass(frozen=True)
class Change:
    """The event a decision appends: its type and what it touched."""

    type: RoomEventType | PlenaryEventType
    effects: RoomEffects | PlenaryEffects
    notice: str | None = None
    created: Created | None = None

    def logged(self) -> dict:
        """The payload as the log keeps it: with what was created."""
        payload = self.effects.to_payload()
        if self.created is not None:
            payload[CREATED] = list(self.created)
        return payload


def log_room_event(
    session: Session,
    room_id: int,
    type_: RoomEventType,
    effects: RoomEffects,
    actor_id: int | None = None,
    command_id: str | None = None,
) -> int:
    """Append a room event in the caller's transaction; returns its seq to announce."""
    return room_log.append(session, room_id, type_, effects.to_payload(), actor_id, command_id)


def log_plenary_event(
    session: Session,
    conference_id: int,
    type_: PlenaryEventType,
    effects: PlenaryEffects,
    actor_id: int | None = None,
) -> int:
    """Append a plenary event in the caller's transaction; returns its seq to announce."""
    return plenary_log.append(session, conference_id, type_, effects.to_payload(), actor_id)


@dataclass
class Context:
    """What a decision may use: the open transaction, who acts, in which role, and when;
    for a room's command the room, for the plenary's its conference and state. Room
    events a plenary decision appends on the way are announced after the commit."""

    session: Session
    actor_id: int | None  # None: the server itself (a breakout's time ran out)
    role: Role
    now: datetime
    room_id: int | None = None
    conference_id: int | None = None
    state: PlenaryState | None = None
    told: list[tuple[int, int]] = field(default_factory=list)  # (room id, seq)

    def tell_room(
        self, room_id: int, type_: RoomEventType, effects: RoomEffects | None = None
    ) -> None:
        """Append an event to a room's log in this transaction (announced after it)."""
        seq = log_room_event(self.session, room_id, type_, effects or RoomEffects(), self.actor_id)
        self.told.append((room_id, seq))


Decision = Callable[[Context], Change]


@dataclass(frozen=True)
class _Target:
    """Where a change goes: a log, the key of its head row, and how to take its lock."""

    log: EventLog
    key: int
    conference_id: int
    room: RoomRecord | None


async def apply(
    backends: Backends,
    actor: ParticipantRecord | None,
    where: RoomRecord | int,
    command_id: str | None,
    decide: Decision,
) -> Applied:
    """Apply a command to a room, or to a conference's plenary (`where` its id).

    `actor` None: the server acts on the organisers' behalf (a clock ran out)."""
    if isinstance(where, RoomRecord):
        target = _Target(room_log, where.id, where.conference_id, where)
    else:
        target = _Target(plenary_log, where, where, None)
    actor_id = actor.id if actor is not None else None

    def transaction(session: Session) -> tuple[Applied, list[tuple[int, int]]]:
        # The room's (or plenary's) row lock before anything is read: on PostgreSQL its
        # commands run beside other rooms' and plenaries' (store/database.py), so what
        # follows (the role, a retry's first run, the cards) must be read in its order,
        # one writer after the other.
        if target.room is not None:
            rooms.lock_room(session, target.key)
        else:
            state = plenary.lock(session, target.key)
        role = _role(session, actor, target)
        if command_id and actor_id is not None:
            first = target.log.applied_command(session, target.key, actor_id, command_id)
            if first is not None:
                return Applied(first.seq, duplicate=True, created=created_in(first.payload)), []
        now = datetime.now(UTC)
        if target.room is not None:
            context = Context(session, actor_id, role, now, room_id=target.key)
        else:
            context = Context(session, actor_id, role, now, conference_id=target.key, state=state)
        change = decide(context)
        seq = target.log.append(
            session, target.key, change.type, change.logged(), actor_id, command_id or None
        )
        return Applied(seq, notice=change.notice, created=change.created), context.told

    lane = ("room", target.key) if target.room is not None else ("plenary", target.key)
    applied, told = await backends.database.write(transaction, lane)
    if not applied.duplicate:
        if target.room is not None:
            await backends.announce(target.key, applied.seq)
        else:
            await backends.announce_plenary(target.key, applied.seq)
        for room_id, seq in told:
            await backends.announce(room_id, seq)
    return applied


def _role(session: Session, actor: ParticipantRecord | None, target: _Target) -> Role:
    if target.room is not None:
        return role_in_room(session, actor, target.room)
    if actor is None:
        return Role.ORGANISER
    return role_in_plenary(session, actor, target.conference_id)
