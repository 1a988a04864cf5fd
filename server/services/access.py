"""Who someone is relative to a room or conference, for the permission table."""

from ..domain.permissions import Role
from ..store.records import ParticipantRecord, RoomRecord


def role_in_room(participant: ParticipantRecord | None, room: RoomRecord) -> Role:
    if participant is None or participant.conference_id != room.conference_id:
        return Role.STRANGER
    return Role.PARTICIPANT
