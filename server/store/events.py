"""The per-room event log and its gap-free sequence.

These statements run for every change in every room, so they are built once and run
through the Core connection: building and ORM-processing them per call cost more than
SQLite's own work.
"""

import json
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from .tables import Event, Room

_NEXT_SEQ = (
    update(Room)
    .where(Room.id == bindparam("room"))
    .values(last_seq=Room.last_seq + 1)
    .returning(Room.last_seq)
)
_INSERT = insert(Event)
_COMMAND = select(Event.seq, Event.payload).where(
    Event.room_id == bindparam("room"),
    Event.actor_id == bindparam("actor"),
    Event.command_id == bindparam("command"),
)
_AFTER = (
    select(Event.seq, Event.type, Event.payload)
    .where(Event.room_id == bindparam("room"), Event.seq > bindparam("seq"))
    .order_by(Event.seq)
)
_LAST_SEQ = select(Room.last_seq).where(Room.id == bindparam("room"))


def append_event(
    session: Session,
    room_id: int,
    type_: str,
    payload: dict,
    actor_id: int | None = None,
    command_id: str | None = None,
) -> int:
    """Write one event with the room's next seq, in the caller's transaction.

    Bumping `room.last_seq` with UPDATE ... RETURNING takes the row's write lock, so
    concurrent writers (several processes on PostgreSQL) queue up instead of racing.
    """
    connection = session.connection()
    seq = connection.execute(_NEXT_SEQ, {"room": room_id}).scalar_one()
    connection.execute(
        _INSERT,
        {
            "room_id": room_id,
            "seq": seq,
            "type": type_,
            "payload": json.dumps(payload, separators=(",", ":")),
            "actor_id": actor_id,
            "command_id": command_id,
            "at": datetime.now(UTC),
        },
    )
    return seq


class AppliedCommand(NamedTuple):
    seq: int
    payload: dict


def applied_command(
    session: Session, room_id: int, actor_id: int, command_id: str
) -> AppliedCommand | None:
    """The event of an already applied command, for retried submissions."""
    params = {"room": room_id, "actor": actor_id, "command": command_id}
    row = session.connection().execute(_COMMAND, params).first()
    return AppliedCommand(row.seq, json.loads(row.payload)) if row is not None else None


def events_after(session: Session, room_id: int, seq: int) -> list:
    """Rows of (seq, type, payload) after `seq`, in order."""
    return list(session.connection().execute(_AFTER, {"room": room_id, "seq": seq}))


def last_seq(session: Session, room_id: int) -> int:
    return session.connection().execute(_LAST_SEQ, {"room": room_id}).scalar_one()
