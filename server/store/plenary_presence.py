"""Who is at the conference now: open plenary sockets, and the participants in the
plenary or in one of its rooms."""

from collections.abc import Iterable

from sqlalchemy import delete
from sqlmodel import Session, select

from . import presence
from .tables import Participant, PlenaryPresence, Presence, Room


def add_connection(session: Session, conference_id: int, participant_id: int) -> int:
    key = {"conference_id": conference_id, "participant_id": participant_id}
    return presence.connected(session, PlenaryPresence, **key)


def connections(session: Session, conference_id: int, participant_id: int) -> int:
    key = {"conference_id": conference_id, "participant_id": participant_id}
    return presence.open_connections(session, PlenaryPresence, **key)


def remove_connection(session: Session, conference_id: int, participant_id: int) -> int:
    key = {"conference_id": conference_id, "participant_id": participant_id}
    return presence.disconnected(session, PlenaryPresence, **key)


def forget_all(session: Session) -> None:
    session.execute(delete(PlenaryPresence))


def people_here(session: Session, conference_id: int) -> list[tuple[int, str, str | None]]:
    """Participants (not organisers) in the plenary or in a room now, in order of joining."""
    in_rooms = select(Presence.participant_id).join(Room, Room.id == Presence.room_id)
    in_rooms = in_rooms.where(Room.conference_id == conference_id)
    in_plenary = select(PlenaryPresence.participant_id).where(
        PlenaryPresence.conference_id == conference_id
    )
    rows = session.exec(
        select(Participant.id, Participant.display_name, Participant.organisation)
        .where(
            Participant.conference_id == conference_id,
            Participant.organiser_id.is_(None),
            Participant.id.in_(in_rooms) | Participant.id.in_(in_plenary),
        )
        .order_by(Participant.id)
    )
    return list(rows.all())


def names(session: Session, participant_ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
    ids = list(participant_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(Participant.id, Participant.display_name, Participant.organisation).where(
            Participant.id.in_(ids)
        )
    )
    return {pid: (name, org) for pid, name, org in rows}
