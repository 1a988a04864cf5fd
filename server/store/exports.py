"""Reads for exports: a conference's structure and people at once, then room by room.

Everything is returned as stored, every card status included; `exports/policy.py` is the
one place that decides what of it may leave the system.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from ..domain.board import CardStatus
from . import takeaways
from .conferences import _conference_record, load_lobby, room_record
from .presence import moderation_of
from .records import (
    AgendaRecord,
    ColumnRecord,
    ConferenceRecord,
    Moderation,
    RoomRecord,
    TakeawayRecord,
)
from .tables import (
    BoardColumn,
    Card,
    CardCluster,
    Comment,
    Conference,
    Event,
    Participant,
    Room,
    RoomVisit,
    Vote,
)

EVENT_BATCH = 1000


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A participant as exports need them: `number` is their place in the order of
    joining this conference, from which their stable pseudonym is made."""

    id: int
    number: int
    display_name: str
    organisation: str | None
    name_consent: bool
    purged: bool = False


@dataclass(frozen=True, slots=True)
class StoredComment:
    id: int
    card_id: int
    author_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A card in any status (deleted ones too), with its dots and comments."""

    id: int
    column_id: int
    cluster_id: int | None
    author_id: int
    text: str
    status: CardStatus
    highlighted: bool
    merged_into: int | None
    created_at: datetime
    edited_at: datetime | None
    edited_by_moderator: bool
    votes: list[datetime] = field(default_factory=list)  # when each dot was cast
    comments: list[StoredComment] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoredCluster:
    id: int
    column_id: int
    name: str
    removed: bool


@dataclass(frozen=True, slots=True)
class RoomDump:
    """One room's board and results, read in one go so that exports can stream room
    by room instead of holding a whole conference."""

    room: RoomRecord
    phase: str
    moderation: Moderation
    columns: list[ColumnRecord]  # without cards; in board order
    clusters: list[StoredCluster]
    cards: list[StoredCard]
    takeaways: list[TakeawayRecord]
    visitors: list[int]  # participants who entered the room, in order of first arrival


@dataclass(frozen=True, slots=True)
class StoredEvent:
    room_id: int
    seq: int
    type: str
    payload: dict
    actor_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ConferenceDump:
    """A conference's structure and people; the rooms come one at a time."""

    conference: ConferenceRecord
    timezone: str
    organiser: str | None
    retention_days: int
    purged_at: datetime | None
    agenda: list[AgendaRecord]
    rooms: list[RoomRecord]
    people: dict[int, PersonRecord]


def people_of(session: Session, conference_id: int) -> dict[int, PersonRecord]:
    """Everyone who joined, numbered 1, 2, ... in the order of joining: the number never
    changes, since participants are never deleted, so pseudonyms made from it are stable."""
    rows = session.execute(
        select(
            Participant.id,
            Participant.display_name,
            Participant.organisation,
            Participant.name_consent,
            Participant.purged_at,
        )
        .where(Participant.conference_id == conference_id)
        .order_by(Participant.id)
    )
    return {
        row.id: PersonRecord(
            row.id,
            number,
            row.display_name,
            row.organisation,
            row.name_consent,
            row.purged_at is not None,
        )
        for number, row in enumerate(rows, start=1)
    }


def load_conference(session: Session, conference: ConferenceRecord) -> ConferenceDump:
    row = session.get(Conference, conference.id)
    lobby = load_lobby(session, conference)
    return ConferenceDump(
        conference=_conference_record(row),
        timezone=row.timezone,
        organiser=row.organiser,
        retention_days=row.retention_days,
        purged_at=row.purged_at,
        agenda=lobby.agenda,
        rooms=[room_record(session.get(Room, room.id)) for room in lobby.rooms],
        people=people_of(session, conference.id),
    )


def load_room(session: Session, room: RoomRecord) -> RoomDump:
    return RoomDump(
        room=room,
        phase=session.get(Room, room.id).phase,
        moderation=moderation_of(session, room.id),
        columns=_columns(session, room.id),
        clusters=_clusters(session, room.id),
        cards=_cards(session, room.id),
        takeaways=takeaways.takeaways_of(session, room.id),
        visitors=visitors_of(session, room.id),
    )


def _columns(session: Session, room_id: int) -> list[ColumnRecord]:
    rows = session.scalars(
        select(BoardColumn)
        .where(BoardColumn.room_id == room_id, ~BoardColumn.archived)
        .order_by(BoardColumn.position)
    )
    return [ColumnRecord(c.id, c.key, c.title, c.description) for c in rows]


def _clusters(session: Session, room_id: int) -> list[StoredCluster]:
    rows = session.scalars(
        select(CardCluster).where(CardCluster.room_id == room_id).order_by(CardCluster.id)
    )
    return [StoredCluster(c.id, c.column_id, c.name, c.removed) for c in rows]


def _cards(session: Session, room_id: int) -> list[StoredCard]:
    """Cards with their dots and comments: three reads per room, whatever its size."""
    votes = defaultdict(list)
    for card_id, at in session.execute(
        select(Vote.card_id, Vote.created_at).where(Vote.room_id == room_id).order_by(Vote.id)
    ):
        votes[card_id].append(at)
    comments = defaultdict(list)
    for c in session.scalars(
        select(Comment).where(Comment.room_id == room_id).order_by(Comment.id)
    ):
        comments[c.card_id].append(
            StoredComment(c.id, c.card_id, c.author_id, c.text, c.created_at)
        )
    rows = session.scalars(select(Card).where(Card.room_id == room_id).order_by(Card.id))
    return [
        StoredCard(
            id=c.id,
            column_id=c.column_id,
            cluster_id=c.cluster_id,
            author_id=c.author_id,
            text=c.text,
            status=CardStatus(c.status),
            highlighted=c.highlighted,
            merged_into=c.merged_into,
            created_at=c.created_at,
            edited_at=c.edited_at,
            edited_by_moderator=c.edited_by_moderator,
            votes=votes.get(c.id, []),
            comments=comments.get(c.id, []),
        )
        for c in rows
    ]


def visitors_of(session: Session, room_id: int) -> list[int]:
    """Who ever entered the room, in order of first arrival."""
    rows = session.execute(
        select(RoomVisit.participant_id)
        .where(RoomVisit.room_id == room_id)
        .order_by(RoomVisit.first_at, RoomVisit.participant_id)
    )
    return [participant for (participant,) in rows]


def events_of(session: Session, room_id: int) -> Iterator[StoredEvent]:
    """The room's whole log in seq order, fetched in batches."""
    query = (
        select(Event.seq, Event.type, Event.payload, Event.actor_id, Event.at)
        .where(Event.room_id == room_id)
        .order_by(Event.seq)
        .execution_options(yield_per=EVENT_BATCH)
    )
    for row in session.execute(query):
        yield StoredEvent(room_id, row.seq, row.type, json.loads(row.payload), row.actor_id, row.at)
