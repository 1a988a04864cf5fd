"""Who is in which room right now, counted in open connections."""

import functools
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from ..domain import rooms
from .records import MemberRecord, Moderation, PresenceRecord
from .tables import (
    ModeratorGrant,
    ModeratorInvite,
    Participant,
    Presence,
    Room,
    RoomModerator,
    RoomVisit,
)

# Presence changes with every socket that opens or closes, so a whole room reconnecting
# at once is thousands of these in a row: they are Core statements on the transaction's
# connection, without the ORM's identity map and flushes (a third of an entry's cost),
# and each is built once per table and database (functools.cache) with its values bound
# at execution: building a statement and its cache key anew took more of an entry's time
# than SQLite took to run it.


def _where_key(table: type, columns: tuple[str, ...]) -> list:
    # Bound as "key_<column>": an UPDATE binds its columns' own names for what it sets.
    return [getattr(table, column) == bindparam(f"key_{column}") for column in columns]


def _key(key: dict[str, int]) -> dict[str, int]:
    return {f"key_{column}": value for column, value in key.items()}


def _insert(dialect: str, table: type):
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


@functools.cache
def _connected(table: type, columns: tuple[str, ...], dialect: str):
    # The values come with each execution: an INSERT takes them by column name.
    return (
        _insert(dialect, table)
        .on_conflict_do_update(
            index_elements=list(columns), set_={"connections": table.connections + 1}
        )
        .returning(table.connections)
    )


@functools.cache
def _open_connections(table: type, columns: tuple[str, ...]):
    return select(table.connections).where(*_where_key(table, columns))


@functools.cache
def _disconnected(table: type, columns: tuple[str, ...]):
    where = _where_key(table, columns)
    update_ = update(table).where(*where).values(connections=table.connections - 1)
    return update_.returning(table.connections), delete(table).where(*where)


def connected(session: Session, table: type, **key: int) -> int:
    """Count one more open connection on a presence row (a room's or the plenary's),
    made on the first; return how many the participant now has there."""
    connection = session.connection()
    statement = _connected(table, tuple(key), connection.dialect.name)
    return connection.execute(statement, {**key, "connections": 1, "since": _now()}).scalar_one()


def open_connections(session: Session, table: type, **key: int) -> int:
    """How many connections the participant has open there now."""
    statement = _open_connections(table, tuple(key))
    return session.connection().execute(statement, _key(key)).scalar() or 0


def disconnected(session: Session, table: type, **key: int) -> int:
    """Count one connection less; return how many are left (0: the row is gone)."""
    one_less, gone = _disconnected(table, tuple(key))
    left = session.connection().execute(one_less, _key(key)).scalar()
    if left is None:
        return 0
    if left <= 0:
        session.connection().execute(gone, _key(key))
    return max(left, 0)


def add_connection(session: Session, room_id: int, participant_id: int) -> int:
    return connected(session, Presence, room_id=room_id, participant_id=participant_id)


def connections(session: Session, room_id: int, participant_id: int) -> int:
    return open_connections(session, Presence, room_id=room_id, participant_id=participant_id)


def remove_connection(session: Session, room_id: int, participant_id: int) -> int:
    return disconnected(session, Presence, room_id=room_id, participant_id=participant_id)


def record_visit(session: Session, room_id: int, participant_id: int) -> None:
    """Remember that the participant entered the room (once: the first time counts)."""
    connection = session.connection()
    values = {"room_id": room_id, "participant_id": participant_id, "first_at": _now()}
    connection.execute(_visited(connection.dialect.name), values)


@functools.cache
def _visited(dialect: str):
    return _insert(dialect, RoomVisit).on_conflict_do_nothing()  # values as in _connected


def is_present(session: Session, room_id: int, participant_id: int) -> bool:
    return connections(session, room_id, participant_id) > 0


def count_present(session: Session, room_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Presence).where(Presence.room_id == room_id)
    ).one()


def count_participants_present(session: Session, room_id: int) -> int:
    """Those present who count toward the capacity: neither its moderators nor organisers."""
    return session.connection().execute(_PARTICIPANTS_PRESENT, {"room_id": room_id}).scalar_one()


def counts_by_room(session: Session, room_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(Presence.room_id, func.count())
        .where(Presence.room_id.in_(room_ids))
        .group_by(Presence.room_id)
    )
    return dict(rows.all())


def moderator_ids(room_id: int):
    """Ids of the room's moderators (valid invites), as a subquery."""
    return (
        select(ModeratorGrant.participant_id)
        .join(ModeratorInvite, ModeratorInvite.id == ModeratorGrant.invite_id)
        .where(ModeratorGrant.room_id == room_id, ModeratorInvite.revoked_at.is_(None))
    )


_PARTICIPANTS_PRESENT = (
    select(func.count())
    .select_from(Presence)
    .join(Participant, Participant.id == Presence.participant_id)
    .where(
        Presence.room_id == bindparam("room_id"),
        Participant.organiser_id.is_(None),
        Participant.id.not_in(moderator_ids(bindparam("room_id"))),
    )
)


def moderated_rooms(session: Session, conference_id: int) -> dict[int, int]:
    """participant id -> the room they moderate (valid invites; the first room in the
    conference's order if they moderate several). Where breakouts send them."""
    rows = session.exec(
        select(ModeratorGrant.participant_id, Room.id)
        .join(ModeratorInvite, ModeratorInvite.id == ModeratorGrant.invite_id)
        .join(Room, Room.id == ModeratorGrant.room_id)
        .where(
            Room.conference_id == conference_id,
            ~Room.archived,
            ModeratorInvite.revoked_at.is_(None),
        )
        .order_by(Room.position.desc())
    )
    return dict(rows.all())  # later rows win: the first room in order is kept


def moderation_of(session: Session, room_id: int) -> Moderation:
    """Who moderated the room, for the report-back and every export alike."""
    accepted = session.exec(
        select(Participant.id)
        .where(Participant.id.in_(moderator_ids(room_id)))
        .order_by(Participant.id)
    ).all()
    if accepted:
        return Moderation(list(accepted), [])
    planned = session.exec(
        select(RoomModerator.name)
        .where(RoomModerator.room_id == room_id)
        .order_by(RoomModerator.id)
    ).all()
    return Moderation([], list(planned))


def moderator_present(session: Session, room_id: int) -> bool:
    """Whether one of the room's invited moderators is in it now."""
    row = session.exec(
        select(Presence.participant_id)
        .where(Presence.room_id == room_id, Presence.participant_id.in_(moderator_ids(room_id)))
        .limit(1)
    ).first()
    return row is not None


def _members_query(room_id: int):
    # In order of arrival, so a member appended live lands where a snapshot puts them.
    moderates = moderator_ids(room_id)
    return (
        select(
            Participant.id,
            Participant.display_name,
            Participant.organisation,
            # Organisers moderate every room.
            or_(Participant.id.in_(moderates), Participant.organiser_id.is_not(None)),
        )
        .join(Presence, Presence.participant_id == Participant.id)
        .where(Presence.room_id == room_id)
        .order_by(Presence.since, Participant.id)
    )


def members_of(session: Session, room_id: int) -> list[MemberRecord]:
    return [MemberRecord(*row) for row in session.exec(_members_query(room_id))]


def presence_of(session: Session, room_id: int) -> PresenceRecord:
    """How many are present, with their names while there are few enough to show."""
    count = count_present(session, room_id)
    if not rooms.names_shown(count):
        return PresenceRecord(count, None)
    members = members_of(session, room_id)
    return PresenceRecord(len(members), members)


def _now() -> datetime:
    return datetime.now(UTC)


def forget_all(session: Session) -> None:
    """Drop presence left over from a previous run: its connections are gone."""
    session.execute(delete(Presence))
