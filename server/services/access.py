"""Who someone is relative to a room, for the permission table."""

from sqlmodel import Session

from ..domain.permissions import Role
from ..store import rooms
from ..store.records import ParticipantRecord, RoomRecord


def role_in_room(session: Session, participant: ParticipantRecord | None, room: RoomRecord) -> Role:
    """Decided inside the caller's transaction, so a revoked invite counts at once."""
    if participant is None or participant.conference_id != room.conference_id:
        return Role.STRANGER
    if rooms.moderates(session, room.id, participant.id):
        return Role.MODERATOR
    return Role.PARTICIPANT
