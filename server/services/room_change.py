"""The one way a command changes a room: decide, store and log in one transaction, then
announce after the commit.

A command carries the client's id; a retry of an applied command changes nothing and
reports the first outcome (its seq, and what it created), so a vote re-sent after a
reconnect counts once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from sqlmodel import Session

from ..domain.permissions import Role
from ..store import events, rooms
from ..store.records import ParticipantRecord, RoomRecord
from .access import role_in_room
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
class Context:
    """What a decision may use: the open transaction, who acts, in which role, and when."""

    session: Session
    room_id: int
    actor_id: int
    role: Role
    now: datetime


@dataclass(frozen=True)
class Change:
    """The event a decision appends (its payload made with store.room_updates.effects)."""

    type: str
    payload: dict
    notice: str | None = None
    created: Created | None = None

    def logged(self) -> dict:
        """The payload as the log keeps it: with what was created."""
        if self.created is None:
            return self.payload
        return {**self.payload, CREATED: list(self.created)}


Decision = Callable[[Context], Change]


async def apply(
    backends: Backends,
    actor: ParticipantRecord,
    room: RoomRecord,
    command_id: str | None,
    decide: Decision,
) -> Applied:
    def transaction(session: Session) -> Applied:
        role = role_in_room(session, actor, room)
        if command_id:
            first = events.applied_command(session, room.id, actor.id, command_id)
            if first is not None:
                return Applied(first.seq, duplicate=True, created=created_in(first.payload))
        rooms.lock_room(session, room.id)
        context = Context(session, room.id, actor.id, role, datetime.now(UTC))
        change = decide(context)
        seq = events.append_event(
            session, room.id, change.type, change.logged(), actor.id, command_id or None
        )
        return Applied(seq, notice=change.notice, created=change.created)

    applied = await backends.database.write(transaction)
    if not applied.duplicate:
        await backends.announce(room.id, applied.seq)
    return applied
