"""The event logs: a room's and a conference's plenary, each numbered without gaps.

Both logs are the same code over two tables: the log's rows, and the "head" row whose
`last_seq` numbers them (a room, a conference's plenary). These statements run for every
change, so they are built once and run through the Core connection: building and
ORM-processing them per call cost more than SQLite's own work.
"""

import functools
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from .tables import Event, Plenary, PlenaryEvent, Room

Kind = TypeVar("Kind", bound=StrEnum)


def type_of(kinds: type[Kind], name: str) -> Kind | str:
    """An event's type as its log declares it; a name this version no longer writes stays
    a string, so old rows still load."""
    try:
        return kinds(name)
    except ValueError:
        return name


class AppliedCommand(NamedTuple):
    seq: int
    payload: dict


class LoggedEvent(NamedTuple):
    """One row of a log as it was written: its payload is still JSON text."""

    seq: int
    type: str
    payload: str


class EventLog:
    """One log: `table` keeps the events of each `key` (a room id, a conference id),
    `head` keeps each key's last seq. A head made on first use (`made_on_demand`) is
    inserted by the first append."""

    def __init__(self, table: Any, head: Any, key: str, head_key: str, made_on_demand: bool):
        self._head = head
        self._head_key = head_key
        self._key = key
        self._made_on_demand = made_on_demand
        key_column, head_column = getattr(table, key), getattr(head, head_key)
        self._next_seq = (
            update(head)
            .where(head_column == bindparam("key"))
            .values(last_seq=head.last_seq + 1)
            .returning(head.last_seq)
        )
        self._insert = insert(table)
        self._command = select(table.seq, table.payload).where(
            key_column == bindparam("key"),
            table.actor_id == bindparam("actor"),
            table.command_id == bindparam("command"),
        )
        self._after = (
            select(table.seq, table.type, table.payload)
            .where(key_column == bindparam("key"), table.seq > bindparam("seq"))
            .order_by(table.seq)
        )
        self._last_seq = select(head.last_seq).where(head_column == bindparam("key"))

    def make_head(self, session: Session, key: int) -> None:
        """Create the key's head row once (concurrent writers may race to it)."""
        connection = session.connection()
        connection.execute(self._head_insert(connection.dialect.name), {self._head_key: key})

    @functools.cache  # noqa: B019 (a log lives as long as the process)
    def _head_insert(self, dialect: str):
        # Built once per database: every entry into a room appends a plenary event.
        module = postgresql if dialect == "postgresql" else sqlite
        return module.insert(self._head).on_conflict_do_nothing()

    def append(
        self,
        session: Session,
        key: int,
        type_: str,
        payload: Mapping,
        actor_id: int | None = None,
        command_id: str | None = None,
    ) -> int:
        """Write one event with the key's next seq, in the caller's transaction.

        Bumping `last_seq` with UPDATE ... RETURNING takes the head row's write lock, so
        concurrent writers (several processes on PostgreSQL) queue up instead of racing.
        """
        if self._made_on_demand:
            self.make_head(session, key)
        connection = session.connection()
        seq = connection.execute(self._next_seq, {"key": key}).scalar_one()
        connection.execute(
            self._insert,
            {
                self._key: key,
                "seq": seq,
                "type": str(type_),
                "payload": json.dumps(payload, separators=(",", ":")),
                "actor_id": actor_id,
                "command_id": command_id,
                "at": datetime.now(UTC),
            },
        )
        return seq

    def applied_command(
        self, session: Session, key: int, actor_id: int, command_id: str
    ) -> AppliedCommand | None:
        """The event of an already applied command, for retried submissions."""
        params = {"key": key, "actor": actor_id, "command": command_id}
        row = session.connection().execute(self._command, params).first()
        return AppliedCommand(row.seq, json.loads(row.payload)) if row is not None else None

    def after(self, session: Session, key: int, seq: int) -> list[LoggedEvent]:
        """The events after `seq`, in order."""
        rows = session.connection().execute(self._after, {"key": key, "seq": seq})
        return [LoggedEvent(*row) for row in rows]

    def last_seq(self, session: Session, key: int) -> int:
        """0 while the key has no events (and maybe no head yet)."""
        return session.connection().execute(self._last_seq, {"key": key}).scalar() or 0


room_log = EventLog(Event, Room, key="room_id", head_key="id", made_on_demand=False)
plenary_log = EventLog(
    PlenaryEvent, Plenary, key="conference_id", head_key="conference_id", made_on_demand=True
)
