"""Who someone is relative to a room, for the permission table."""

from sqlmodel import Session

from ..domain.permissions import Role
from ..store import organisers, rooms
from ..store.records import OrganiserRecord, ParticipantRecord, RoomRecord


def role_in_room(session: Session, participant: ParticipantRecord | None, room: RoomRecord) -> Role:
    """Decided inside the caller's transaction, so a revoked invite counts at once."""
    if participant is None or participant.conference_id != room.conference_id:
        return Role.STRANGER
    # A deleted account leaves a plain participant behind.
    if participant.organiser_id is not None and organisers.exists(
        session, participant.organiser_id
    ):
        return Role.ORGANISER
    if rooms.moderates(session, room.id, participant.id):
        return Role.MODERATOR
    return Role.PARTICIPANT


def role_in_console(organiser: OrganiserRecord | None) -> Role:
    """The console belongs to no conference: without a signed-in account, everyone
    (participants and moderators too) is a stranger to it."""
    return Role.ORGANISER if organiser is not None else Role.STRANGER


# --- The plenary ---


def role_in_plenary(
    session: Session, participant: ParticipantRecord | None, conference_id: int
) -> Role:
    """Organisers run the plenary; moderators of any of its rooms moderate its Q&A."""
    if participant is None or participant.conference_id != conference_id:
        return Role.STRANGER
    if participant.organiser_id is not None and organisers.exists(
        session, participant.organiser_id
    ):
        return Role.ORGANISER
    if rooms.moderates_any(session, conference_id, participant.id):
        return Role.MODERATOR
    return Role.PARTICIPANT
