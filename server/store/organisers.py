"""Organiser accounts, their sign-ins, and the participant each organiser is in a conference."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete as delete_rows
from sqlalchemy import or_, update
from sqlmodel import Session, select

from ..domain.organisers import NewOrganiser
from .conferences import participant_record
from .records import OrganiserRecord, ParticipantRecord
from .tables import Organiser, OrganiserSignIn, Participant


def _record(row: Organiser) -> OrganiserRecord:
    return OrganiserRecord(row.id, row.username, row.display_name, row.created_at)


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


def set_password_hash(session: Session, organiser_id: int, password_hash: str) -> None:
    session.execute(
        update(Organiser).where(Organiser.id == organiser_id).values(password_hash=password_hash)
    )


def delete(session: Session, username: str) -> bool:
    """Delete the account; its participants stay (their cards do) as plain participants."""
    row = _row(session, username)
    if row is None:
        return False
    session.execute(
        update(Participant).where(Participant.organiser_id == row.id).values(organiser_id=None)
    )
    session.execute(delete_rows(OrganiserSignIn).where(OrganiserSignIn.organiser_id == row.id))
    session.delete(row)
    return True


# --- Sign-ins ---


@dataclass(frozen=True, slots=True)
class SignIn:
    organiser: OrganiserRecord
    started_at: datetime
    ended_at: datetime | None


def add_sign_in(
    session: Session, sign_in_id: str, organiser_id: int, now: datetime, forget_before: datetime
) -> None:
    """Record a sign-in; the organiser's sign-ins that ended, or began before
    `forget_before` (so expired), are forgotten on the way, which keeps the table small."""
    session.execute(
        delete_rows(OrganiserSignIn).where(
            OrganiserSignIn.organiser_id == organiser_id,
            or_(
                OrganiserSignIn.ended_at.is_not(None),
                OrganiserSignIn.started_at < forget_before,
            ),
        )
    )
    session.add(OrganiserSignIn(id=sign_in_id, organiser_id=organiser_id, started_at=now))


def sign_in(session: Session, sign_in_id: str) -> SignIn | None:
    found = session.exec(
        select(OrganiserSignIn, Organiser)
        .join(Organiser, Organiser.id == OrganiserSignIn.organiser_id)
        .where(OrganiserSignIn.id == sign_in_id)
    ).first()
    if found is None:
        return None
    row, organiser = found
    return SignIn(_record(organiser), row.started_at, row.ended_at)


def end_sign_in(session: Session, sign_in_id: str, now: datetime) -> None:
    session.execute(
        update(OrganiserSignIn)
        .where(OrganiserSignIn.id == sign_in_id, OrganiserSignIn.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_sign_ins(session: Session, organiser_id: int, now: datetime) -> None:
    session.execute(
        update(OrganiserSignIn)
        .where(OrganiserSignIn.organiser_id == organiser_id, OrganiserSignIn.ended_at.is_(None))
        .values(ended_at=now)
    )


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
