"""The plenary's event log, its gap-free per-conference seq, and its state row.

The same shape as a room's log (`events.py`): the seq is bumped with UPDATE ... RETURNING
in the writing transaction, which takes the row's lock, so writers queue up.
"""

import json
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from .events import AppliedCommand
from .tables import Plenary, PlenaryEvent

_NEXT_SEQ = (
    update(Plenary)
    .where(Plenary.conference_id == bindparam("conference"))
    .values(last_seq=Plenary.last_seq + 1)
    .returning(Plenary.last_seq)
)
_INSERT = insert(PlenaryEvent)
_COMMAND = select(PlenaryEvent.seq, PlenaryEvent.payload).where(
    PlenaryEvent.conference_id == bindparam("conference"),
    PlenaryEvent.actor_id == bindparam("actor"),
    PlenaryEvent.command_id == bindparam("command"),
)
_AFTER = (
    select(PlenaryEvent.seq, PlenaryEvent.type, PlenaryEvent.payload)
    .where(
        PlenaryEvent.conference_id == bindparam("conference"), PlenaryEvent.seq > bindparam("seq")
    )
    .order_by(PlenaryEvent.seq)
)
_LAST_SEQ = select(Plenary.last_seq).where(Plenary.conference_id == bindparam("conference"))
_LOCK = (
    select(Plenary.conference_id)
    .where(Plenary.conference_id == bindparam("conference"))
    .with_for_update()
)


def ensure(session: Session, conference_id: int) -> None:
    """Create the conference's plenary row once (concurrent writers may race to it)."""
    dialect = session.connection().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    session.connection().execute(
        module.insert(Plenary).values(conference_id=conference_id).on_conflict_do_nothing()
    )


def lock(session: Session, conference_id: int) -> Plenary:
    """Take the plenary row's lock and return its state (as of now)."""
    ensure(session, conference_id)
    session.connection().execute(_LOCK, {"conference": conference_id})
    return state(session, conference_id)


def state(session: Session, conference_id: int) -> Plenary:
    row = session.get(Plenary, conference_id, populate_existing=True)
    return row if row is not None else Plenary(conference_id=conference_id)


def change(session: Session, conference_id: int, **values) -> None:
    session.execute(update(Plenary).where(Plenary.conference_id == conference_id).values(**values))


def append(
    session: Session,
    conference_id: int,
    type_: str,
    payload: dict,
    actor_id: int | None = None,
    command_id: str | None = None,
) -> int:
    ensure(session, conference_id)
    connection = session.connection()
    seq = connection.execute(_NEXT_SEQ, {"conference": conference_id}).scalar_one()
    connection.execute(
        _INSERT,
        {
            "conference_id": conference_id,
            "seq": seq,
            "type": type_,
            "payload": json.dumps(payload, separators=(",", ":")),
            "actor_id": actor_id,
            "command_id": command_id,
            "at": datetime.now(UTC),
        },
    )
    return seq


def applied_command(
    session: Session, conference_id: int, actor_id: int, command_id: str
) -> AppliedCommand | None:
    """The event of an already applied command, for retried submissions."""
    params = {"conference": conference_id, "actor": actor_id, "command": command_id}
    row = session.connection().execute(_COMMAND, params).first()
    return AppliedCommand(row.seq, json.loads(row.payload)) if row is not None else None


def events_after(session: Session, conference_id: int, seq: int) -> list:
    return list(session.connection().execute(_AFTER, {"conference": conference_id, "seq": seq}))


def last_seq(session: Session, conference_id: int) -> int:
    return session.connection().execute(_LAST_SEQ, {"conference": conference_id}).scalar() or 0
