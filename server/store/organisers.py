"""Organiser accounts, and the participant each organiser is in a conference."""

from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from ..domain.organisers import NewOrganiser
from .conferences import participant_record
from .records import OrganiserRecord, ParticipantRecord
from .tables import Organiser, Participant


def _record(row: Organiser) -> OrganiserRecord:
    return OrganiserRecord(
        row.id, row.username, row.display_name, row.created_at, row.password_version
    )


def _row(session: Session, username: str) -> Organiser | None:
    return session.exec(select(Organiser).where(Organiser.username == username)).first()


def add(session: Session, new: NewOrganiser, password_hash: str) -> OrganiserRecord:
    row = Organiser(
        username=new.username,
        display_name=new.display_name,
        password_hash=password_hash,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return _record(row)


def by_username(session: Session, username: str) -> OrganiserRecord | None:
    row = _row(session, username)
    return _record(row) if row else None


def credentials(session: Session, username: str) -> tuple[OrganiserRecord, str] | None:
    """The account and its password hash, for checking a login."""
    row = _row(session, username)
    return (_record(row), row.password_hash) if row else None


def by_id(session: Session, organiser_id: int) -> OrganiserRecord | None:
    row = session.get(Organiser, organiser_id)
    return _record(row) if row else None


def exists(session: Session, organiser_id: int) -> bool:
    return session.get(Organiser, organiser_id) is not None


def all_organisers(session: Session) -> list[OrganiserRecord]:
    return [_record(row) for row in session.exec(select(Organiser).order_by(Organiser.username))]


def set_password_hash(
    session: Session, organiser_id: int, password_hash: str, *, new: bool
) -> None:
    """Store a hash. `new`: a new password, which ends every session signed in before.

    Re-hashing the same password with stronger parameters is not new: sessions stay.
    """
    values: dict = {"password_hash": password_hash}
    if new:
        values["password_version"] = Organiser.password_version + 1
    session.execute(update(Organiser).where(Organiser.id == organiser_id).values(**values))


def delete(session: Session, username: str) -> bool:
    """Delete the account; its participants stay (their cards do) as plain participants."""
    row = _row(session, username)
    if row is None:
        return False
    session.execute(
        update(Participant).where(Participant.organiser_id == row.id).values(organiser_id=None)
    )
    session.delete(row)
    return True


def participant_for(
    session: Session, conference_id: int, organiser: OrganiserRecord
) -> ParticipantRecord:
    """The organiser's participant in a conference, made on their first visit.

    One per account and conference, so two browsers of one organiser are one person.
    """
    row = session.exec(
        select(Participant).where(
            Participant.conference_id == conference_id,
            Participant.organiser_id == organiser.id,
        )
    ).first()
    if row is None:
        row = Participant(
            conference_id=conference_id,
            display_name=organiser.display_name,
            organiser_id=organiser.id,
            joined_at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
    return participant_record(row)
