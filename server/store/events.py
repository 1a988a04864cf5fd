"""The per-room event log and its gap-free sequence."""

import json
from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from .tables import Event, Room


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
    seq = session.execute(
        update(Room)
        .where(Room.id == room_id)
        .values(last_seq=Room.last_seq + 1)
        .returning(Room.last_seq)
    ).scalar_one()
    session.add(
        Event(
            room_id=room_id,
            seq=seq,
            type=type_,
            payload=json.dumps(payload, separators=(",", ":")),
            actor_id=actor_id,
            command_id=command_id,
            at=datetime.now(UTC),
        )
    )
    session.flush()
    return seq


def seq_of_command(session: Session, room_id: int, actor_id: int, command_id: str) -> int | None:
    """The seq of an already applied command, for retried submissions."""
    return session.exec(
        select(Event.seq).where(
            Event.room_id == room_id, Event.actor_id == actor_id, Event.command_id == command_id
        )
    ).first()


def events_after(session: Session, room_id: int, seq: int) -> list[Event]:
    return list(
        session.exec(
            select(Event).where(Event.room_id == room_id, Event.seq > seq).order_by(Event.seq)
        )
    )


def last_seq(session: Session, room_id: int) -> int:
    return session.exec(select(Room.last_seq).where(Room.id == room_id)).one()
