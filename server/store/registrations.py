"""Registrations before the event and their places in workshops (domain/registration.py)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, delete, select

from ..conference_files import RegistrationConfig
from ..domain.agenda import slots
from ..domain.registration import Place, Registering, Standing, Workshop
from .conferences import agenda_of
from .plenary_view import agenda_facts
from .records import AgendaRecord
from .tables import Conference, Registration, RegistrationPlace, Room


@dataclass(frozen=True)
class RegistrationRecord:
    id: int
    conference_id: int
    name: str
    organisation: str | None
    municipality: str | None
    role: str | None
    accessibility: str | None
    registered_at: datetime
    cancelled_at: datetime | None
    participant_id: int | None


@dataclass(frozen=True)
class Desk:
    """The conference's registration: its settings, the organiser's word on whether it is
    open (None: by its dates), and whether seats were allocated by preference yet."""

    settings: RegistrationConfig
    opened: bool | None
    allocated_at: datetime | None


@dataclass(frozen=True)
class WorkshopSlot:
    """Workshops that run at the same time, with their places."""

    items: list[AgendaRecord]
    workshops: list[Workshop]

    @property
    def item_ids(self) -> list[int]:
        return [item.id for item in self.items]


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def desk(session: Session, conference_id: int) -> Desk | None:
    """None: the conference takes no registrations."""
    conference = session.get(Conference, conference_id)
    if conference is None or conference.registration is None:
        return None
    settings = RegistrationConfig.model_validate(json.loads(conference.registration))
    return Desk(settings, conference.registration_open, conference.seats_allocated_at)


def set_open(session: Session, conference_id: int, opened: bool) -> None:
    conference = session.get(Conference, conference_id)
    conference.registration_open = opened
    session.add(conference)


def mark_allocated(session: Session, conference_id: int) -> None:
    conference = session.get(Conference, conference_id)
    conference.seats_allocated_at = datetime.now(UTC)
    session.add(conference)


def workshop_slots(session: Session, conference_id: int) -> list[WorkshopSlot]:
    """The programme's workshops, grouped by what runs at the same time, in order. A
    workshop has as many places as its room (a room archived since: no limit)."""
    agenda = agenda_of(session, conference_id)
    by_id = {item.id: item for item in agenda}
    capacities = dict(
        session.exec(
            select(Room.slug, Room.capacity).where(
                Room.conference_id == conference_id, Room.archived.is_(False)
            )
        ).all()
    )
    result = []
    for slot in slots(agenda_facts(agenda)):
        items = [by_id[fact.id] for fact in slot if fact.kind == "workshop"]
        if items:
            workshops = [Workshop(item.id, capacities.get(item.room or "")) for item in items]
            result.append(WorkshopSlot(items, workshops))
    return result


def add(
    session: Session, conference_id: int, person: Registering, secret: str
) -> RegistrationRecord:
    row = Registration(
        conference_id=conference_id,
        secret_hash=secret_hash(secret),
        name=person.name,
        organisation=person.organisation,
        municipality=person.municipality,
        role=person.role,
        accessibility=person.accessibility,
        registered_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return _record(row)


def by_id(session: Session, registration_id: int) -> tuple[RegistrationRecord, str] | None:
    """The registration and its secret's hash."""
    row = session.get(Registration, registration_id)
    return (_record(row), row.secret_hash) if row is not None else None


def of_conference(session: Session, conference_id: int) -> list[RegistrationRecord]:
    rows = session.exec(
        select(Registration)
        .where(Registration.conference_id == conference_id)
        .order_by(Registration.id)
    )
    return [_record(row) for row in rows]


def cancel(session: Session, registration_id: int) -> None:
    row = session.get(Registration, registration_id)
    row.cancelled_at = datetime.now(UTC)
    session.add(row)


def set_participant(session: Session, registration_id: int, participant_id: int) -> None:
    row = session.get(Registration, registration_id)
    row.participant_id = participant_id
    session.add(row)


def places(session: Session, item_ids: list[int]) -> list[Place]:
    """Every place in these workshops; who registered earlier waits longer (`since`)."""
    rows = session.exec(
        select(RegistrationPlace).where(col(RegistrationPlace.agenda_item_id).in_(item_ids))
    )
    return [_place(row) for row in rows]


def places_of(session: Session, registration_ids: list[int]) -> list[Place]:
    rows = session.exec(
        select(RegistrationPlace).where(
            col(RegistrationPlace.registration_id).in_(registration_ids)
        )
    )
    return [_place(row) for row in rows]


def replace_places(session: Session, item_ids: list[int], new: list[Place]) -> None:
    """The places in these workshops (one slot's) become `new`."""
    session.exec(
        delete(RegistrationPlace).where(col(RegistrationPlace.agenda_item_id).in_(item_ids))
    )
    session.flush()
    for place in new:
        session.add(
            RegistrationPlace(
                registration_id=place.registration_id,
                agenda_item_id=place.item_id,
                rank=place.rank,
                standing=place.standing.value,
            )
        )
    session.flush()


def _place(row: RegistrationPlace) -> Place:
    return Place(
        row.registration_id,
        row.agenda_item_id,
        row.rank,
        Standing(row.standing),
        row.registration_id,
    )


def _record(row: Registration) -> RegistrationRecord:
    return RegistrationRecord(
        id=row.id,
        conference_id=row.conference_id,
        name=row.name,
        organisation=row.organisation,
        municipality=row.municipality,
        role=row.role,
        accessibility=row.accessibility,
        registered_at=row.registered_at,
        cancelled_at=row.cancelled_at,
        participant_id=row.participant_id,
    )
