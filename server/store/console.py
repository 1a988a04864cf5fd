"""What the organiser's console shows: every conference, and one conference at a glance."""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from .conferences import _conference_record, load_lobby
from .presence import members_of
from .records import AgendaRecord, ConferenceRecord, MemberRecord, RoomRecord
from .rooms import InviteRecord
from .tables import (
    Conference,
    ModeratorGrant,
    ModeratorInvite,
    Participant,
    Room,
    RoomModerator,
)


@dataclass(frozen=True, slots=True)
class ConsoleRoomRecord:
    """A room as the organiser sees it: who is in it, who should moderate, which links."""

    room: RoomRecord
    members: list[MemberRecord]
    named_moderators: list[str]
    invites: list[InviteRecord]


@dataclass(frozen=True, slots=True)
class ConsoleRecord:
    conference: ConferenceRecord
    agenda: list[AgendaRecord]
    rooms: list[ConsoleRoomRecord]


def all_conferences(session: Session) -> list[ConferenceRecord]:
    rows = session.exec(select(Conference).order_by(Conference.date, Conference.title))
    return [_conference_record(row) for row in rows]


def load_console(session: Session, conference: ConferenceRecord) -> ConsoleRecord:
    lobby = load_lobby(session, conference)
    room_ids = [room.id for room in lobby.rooms]
    named: dict[int, list[str]] = defaultdict(list)
    for moderator in session.exec(
        select(RoomModerator).where(RoomModerator.room_id.in_(room_ids)).order_by(RoomModerator.id)
    ):
        named[moderator.room_id].append(moderator.name)
    accepted: dict[int, list[str]] = defaultdict(list)
    for invite_id, name in session.exec(
        select(ModeratorGrant.invite_id, Participant.display_name)
        .join(Participant, Participant.id == ModeratorGrant.participant_id)
        .where(ModeratorGrant.room_id.in_(room_ids))
        .order_by(Participant.display_name)
    ):
        accepted[invite_id].append(name)
    invites: dict[int, list[InviteRecord]] = defaultdict(list)
    for invite in session.exec(
        select(ModeratorInvite)
        .where(ModeratorInvite.room_id.in_(room_ids))
        .order_by(ModeratorInvite.id)
    ):
        invites[invite.room_id].append(
            InviteRecord(
                invite.id,
                invite.room_id,
                invite.name,
                invite.created_at,
                invite.revoked_at,
                tuple(accepted[invite.id]),
            )
        )
    rooms = [
        ConsoleRoomRecord(room, members_of(session, room.id), named[room.id], invites[room.id])
        for room in lobby.rooms
    ]
    return ConsoleRecord(conference, lobby.agenda, rooms)


def invite_conference_id(session: Session, invite_id: int) -> int | None:
    """The conference an invite belongs to (None: no such invite)."""
    row = session.exec(
        select(Room.conference_id)
        .join(ModeratorInvite, ModeratorInvite.room_id == Room.id)
        .where(ModeratorInvite.id == invite_id)
    ).first()
    return row
