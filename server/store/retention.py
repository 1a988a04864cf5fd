"""Retention: which conferences are past their period, and pseudonymising their people.

Cards, votes, comments, clusters, results and the plenary's questions and their votes
stay: they point at participants by id, so exports stay complete, only anonymous.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from .exports import people_of
from .tables import (
    Conference,
    DirectoryEntry,
    ModeratorGrant,
    ModeratorInvite,
    Participant,
    PlenaryPresence,
    Presence,
    Registration,
    RegistrationPlace,
    Room,
)


@dataclass(frozen=True)
class Expired:
    id: int
    slug: str
    language: str
    expired_on: date


@dataclass(frozen=True)
class PurgeCounts:
    people: int  # names, organisations, consent or an organiser's link still to remove
    invites: int  # moderator links (they carry the moderator's name)
    grants: int  # moderator roles given by those links
    presence: int  # people still counted in rooms and in the plenary
    registrations: int = 0  # registrations before the event (names, needs, workshops)
    directory: int = 0  # entries in the directory ("Wer ist da?")

    @property
    def anything(self) -> bool:
        counts = (self.people, self.invites, self.grants, self.presence, self.registrations)
        return any((*counts, self.directory))


def expired_conferences(session: Session, today: date) -> list[Expired]:
    rows = session.execute(select(Conference).order_by(Conference.date, Conference.slug))
    found = []
    for (conference,) in rows:
        ends = conference.date + timedelta(days=conference.retention_days)
        if ends < today:
            found.append(Expired(conference.id, conference.slug, conference.language, ends))
    return found


def _rooms(conference_id: int):
    return select(Room.id).where(Room.conference_id == conference_id)


def _invites(conference_id: int):
    return select(ModeratorInvite.id).where(ModeratorInvite.room_id.in_(_rooms(conference_id)))


def _count(session: Session, query) -> int:
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def _to_rename(session: Session, conference_id: int, pseudonym: Callable[[int], str]) -> list:
    people = people_of(session, conference_id)
    rows = session.scalars(select(Participant).where(Participant.conference_id == conference_id))
    return [
        (row, pseudonym(people[row.id].number))
        for row in rows
        if row.display_name != pseudonym(people[row.id].number)
        or row.organisation is not None
        or row.name_consent
        or row.organiser_id is not None
        or row.purged_at is None
    ]


def plan(session: Session, conference_id: int, pseudonym: Callable[[int], str]) -> PurgeCounts:
    rooms = _rooms(conference_id)
    return PurgeCounts(
        people=len(_to_rename(session, conference_id, pseudonym)),
        invites=_count(session, _invites(conference_id)),
        grants=_count(session, select(ModeratorGrant).where(ModeratorGrant.room_id.in_(rooms))),
        presence=_count(session, select(Presence).where(Presence.room_id.in_(rooms)))
        + _count(session, _plenary_presence(conference_id)),
        registrations=_count(session, _registrations(conference_id)),
        directory=_count(session, _directory(conference_id)),
    )


def _registrations(conference_id: int):
    return select(Registration.id).where(Registration.conference_id == conference_id)


def _directory(conference_id: int):
    return select(DirectoryEntry).where(DirectoryEntry.conference_id == conference_id)


def _plenary_presence(conference_id: int):
    return select(PlenaryPresence).where(PlenaryPresence.conference_id == conference_id)


def purge(
    session: Session, conference_id: int, pseudonym: Callable[[int], str], now: datetime
) -> PurgeCounts:
    counts = plan(session, conference_id, pseudonym)
    if not counts.anything:
        return counts
    for row, name in _to_rename(session, conference_id, pseudonym):
        row.display_name, row.organisation, row.name_consent = name, None, False
        row.organiser_id = None
        row.purged_at = row.purged_at or now
        session.add(row)
    rooms = _rooms(conference_id)
    # Grants point at invites, so they go first.
    session.execute(delete(ModeratorGrant).where(ModeratorGrant.room_id.in_(rooms)))
    session.execute(delete(ModeratorInvite).where(ModeratorInvite.room_id.in_(rooms)))
    session.execute(delete(Presence).where(Presence.room_id.in_(rooms)))
    session.execute(delete(PlenaryPresence).where(PlenaryPresence.conference_id == conference_id))
    # Registrations are not pseudonymised but deleted: what they hold (accessibility
    # needs, roles) served the event only, and the results never point at them.
    registrations = _registrations(conference_id)
    session.execute(
        delete(RegistrationPlace).where(RegistrationPlace.registration_id.in_(registrations))
    )
    session.execute(delete(Registration).where(Registration.conference_id == conference_id))
    # Directory entries go whole: each was the person's own choice to be found, for the event.
    session.execute(delete(DirectoryEntry).where(DirectoryEntry.conference_id == conference_id))
    session.execute(
        update(Conference)
        .where(Conference.id == conference_id, Conference.purged_at.is_(None))
        .values(purged_at=now)
    )
    return counts


@dataclass(frozen=True)
class RetentionRecord:
    keep_until: date  # the last day personal data is kept
    purged_at: datetime | None


def retention_of(session: Session, conference_id: int) -> RetentionRecord:
    conference = session.get(Conference, conference_id)
    keep_until = conference.date + timedelta(days=conference.retention_days)
    return RetentionRecord(keep_until, conference.purged_at)
