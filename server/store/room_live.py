"""A room's live update plus what the plenary puts into rooms: banners, the breakout's
end (its countdown, and the end itself that sends everyone back), the programme and the
other rooms. Reads the
same events as `room_updates.load_room_update`, so the board's own path stays as it is."""

from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlmodel import Session

from ..domain.announcements import Target
from . import announcements, breakouts
from .conferences import conference_by_id
from .plenary_records import AgendaNow, AnnouncementRecord
from .plenary_view import programme
from .presence import presence_of
from .records import PresenceRecord, RoomRecord, RoomUpdate
from .room_events import PLENARY_TYPES
from .room_updates import room_events_after, update_of
from .tables import Room


@dataclass(frozen=True, slots=True)
class RoomExtras:
    announcements: list[AnnouncementRecord]
    ended_breakout: int | None  # the phase whose end closed this room (None: not ended)
    conference_slug: str  # its members go back to this conference's plenary
    room_id: int
    agenda: AgendaNow  # the plenary's programme, where it stands now
    rooms: list[RoomRecord]  # the conference's rooms, this one among them
    today: date  # in the conference's time zone
    breakout_end: datetime | None = None  # while the room is open in a running phase


@dataclass(frozen=True, slots=True)
class RoomLiveUpdate(RoomUpdate):
    """A room's update as its sockets get it: the board's changes, plus the plenary's
    extras with every snapshot and whenever they changed (None: unchanged), plus who is
    present when that changed (outside the seq; None: unchanged)."""

    extras: RoomExtras | None = None
    side_presence: PresenceRecord | None = None


_BOARD_FIELDS = tuple(f.name for f in fields(RoomUpdate))


def extras_of(session: Session, room_id: int) -> RoomExtras:
    conference = conference_by_id(session, session.get(Room, room_id).conference_id)
    conference_id = conference.id
    ended = breakouts.ended_in(session, room_id)
    shown = announcements.active(session, conference_id, where=room_id)
    if ended is not None:  # the room's breakout is over: what was said to rooms is not for it
        shown = [a for a in shown if a.target == Target.EVERYONE]
    agenda, rooms = programme(session, conference_id)
    end = breakouts.room_end(session, room_id)
    return RoomExtras(shown, ended, conference.slug, room_id, agenda, rooms, conference.today, end)


def load_room_live(
    session: Session,
    room_id: int,
    after_seq: int | None,
    with_snapshot: bool,
    personal_for: frozenset[int] = frozenset(),
    presence_changed: bool = False,
) -> RoomLiveUpdate:
    events = room_events_after(session, room_id, after_seq) if after_seq is not None else []
    update = update_of(session, room_id, events, with_snapshot, personal_for)
    changed = any(event.type in PLENARY_TYPES for event in events)
    extras = extras_of(session, room_id) if update.snapshot is not None or changed else None
    board = {name: getattr(update, name) for name in _BOARD_FIELDS}
    side = presence_of(session, room_id) if presence_changed else None
    return RoomLiveUpdate(**board, extras=extras, side_presence=side)
