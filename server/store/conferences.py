"""Conferences, their agenda, rooms and participants as read models."""

from dataclasses import fields, replace
from datetime import UTC, datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..domain.participants import Joining
from .presence import counts_by_room
from .records import (
    AgendaRecord,
    ConferenceRecord,
    LobbyRecord,
    ParticipantRecord,
    RoomRecord,
)
from .tables import AgendaItem, Conference, Participant, Room


def _conference_record(c: Conference) -> ConferenceRecord:
    return ConferenceRecord(
        id=c.id,
        slug=c.slug,
        code=c.code,
        title=c.title,
        subtitle=c.subtitle,
        date=c.date,
        start=c.start,
        end=c.end,
        place=c.place,
        format=c.format,
        language=c.language,
        end_date=c.end_date,
        timezone=c.timezone,
    )


def room_record(r: Room, present: int = 0) -> RoomRecord:
    return RoomRecord(
        id=r.id,
        conference_id=r.conference_id,
        slug=r.slug,
        title=r.title,
        description=r.description,
        capacity=r.capacity,
        video_url=r.video_url,
        present=present,
    )


def conference_by_slug(session: Session, slug: str) -> ConferenceRecord | None:
    row = session.exec(select(Conference).where(Conference.slug == slug)).first()
    return _conference_record(row) if row else None


def conference_by_id(session: Session, conference_id: int) -> ConferenceRecord | None:
    row = session.get(Conference, conference_id)
    return _conference_record(row) if row else None


def conference_by_code(session: Session, code: str) -> ConferenceRecord | None:
    row = session.exec(select(Conference).where(Conference.code == code.strip().upper())).first()
    return _conference_record(row) if row else None


def load_lobby(session: Session, conference: ConferenceRecord) -> LobbyRecord:
    rooms = live_rooms(session, conference.id)
    counts = counts_by_room(session, [r.id for r in rooms])
    return LobbyRecord(
        conference=conference,
        agenda=agenda_of(session, conference.id),
        rooms=[replace(r, present=counts.get(r.id, 0)) for r in rooms],
    )


def agenda_of(session: Session, conference_id: int) -> list[AgendaRecord]:
    first_day = session.get(Conference, conference_id).date
    rows = session.exec(
        select(AgendaItem)
        .where(AgendaItem.conference_id == conference_id)
        .order_by(AgendaItem.position)
    )
    return [
        AgendaRecord(
            a.id,
            a.day or first_day,
            a.start,
            a.end,
            a.title,
            a.kind,
            a.speaker,
            a.description,
            a.track,
            a.room,
        )
        for a in rows
    ]


def live_rooms(session: Session, conference_id: int) -> list[RoomRecord]:
    """The conference's rooms in their order; a room dropped from its file is not live."""
    rows = session.exec(
        select(Room)
        .where(Room.conference_id == conference_id, ~Room.archived)
        .order_by(Room.position)
    )
    return [room_record(row) for row in rows]


def room_by_slug(session: Session, conference_id: int, slug: str) -> RoomRecord | None:
    row = session.exec(
        select(Room).where(Room.conference_id == conference_id, Room.slug == slug, ~Room.archived)
    ).first()
    return room_record(row) if row else None


def room_by_id(session: Session, room_id: int) -> RoomRecord | None:
    row = session.connection().execute(_ROOM_BY_ID, {"id": room_id}).first()
    return RoomRecord(*row) if row else None


def _record_columns(table: type, record: type) -> list:
    """The table's columns for the record's fields, in the record's order, so that a row
    makes the record as it comes (fields the table lacks, a room's `present`, keep their
    defaults)."""
    return [getattr(table, f.name) for f in fields(record) if hasattr(table, f.name)]


# Read on every entry into a room, thousands in a row when a room reconnects: built once,
# executed as Core (an ORM `get` and a statement built per call cost several times what
# the database takes to answer).
_ROOM_BY_ID = select(*_record_columns(Room, RoomRecord)).where(
    Room.id == bindparam("id"), ~Room.archived
)


def add_participant(session: Session, conference_id: int, joining: Joining) -> ParticipantRecord:
    row = Participant(
        conference_id=conference_id,
        display_name=joining.display_name,
        organisation=joining.organisation,
        name_consent=joining.name_consent,
        joined_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return participant_record(row)


def participant_by_id(session: Session, participant_id: int) -> ParticipantRecord | None:
    row = session.connection().execute(_PARTICIPANT_BY_ID, {"id": participant_id}).first()
    return ParticipantRecord(*row) if row else None


# As _ROOM_BY_ID. A purged participant's session has ended: their browser must join anew.
_PARTICIPANT_BY_ID = select(*_record_columns(Participant, ParticipantRecord)).where(
    Participant.id == bindparam("id"), Participant.purged_at.is_(None)
)


def participant_record(row: Participant) -> ParticipantRecord:
    return ParticipantRecord(
        row.id, row.conference_id, row.display_name, row.organisation, row.organiser_id
    )
