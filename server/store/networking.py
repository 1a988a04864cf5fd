"""Who wants to be drawn to a table in the networking rounds (domain/networking.py)."""

from sqlmodel import Session, delete, select

from .tables import TableOptIn


def opted_in(session: Session, participant_id: int) -> bool:
    return session.get(TableOptIn, participant_id) is not None


def opted_in_ids(session: Session, conference_id: int) -> set[int]:
    rows = session.exec(
        select(TableOptIn.participant_id).where(TableOptIn.conference_id == conference_id)
    )
    return set(rows.all())


def set_opt_in(session: Session, conference_id: int, participant_id: int, wanted: bool) -> None:
    session.exec(delete(TableOptIn).where(TableOptIn.participant_id == participant_id))
    if wanted:
        session.add(TableOptIn(participant_id=participant_id, conference_id=conference_id))
