"""A room's live update plus what the plenary puts into rooms: banners, the breakout's
end (its countdown, and the end itself that sends everyone back). Wraps
`room_updates.load_room_update` so the board's own path stays as it is."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlmodel import Session

from ..domain.announcements import Target
from . import announcements, breakouts
from .plenary_records import AnnouncementRecord
from .records import BoardRecord, RoomUpdate
from .room_events import PLENARY_TYPES
from .room_updates import load_room_update
from .tables import Conference, Event, Room

_PLENARY_EVENT = (
    select(Event.seq)
    .where(
        Event.room_id == bindparam("room"),
        Event.seq > bindparam("seq"),
        Event.type.in_(sorted(PLENARY_TYPES)),
    )
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class RoomExtras:
    announcements: list[AnnouncementRecord]
    ended_breakout: int | None  # the phase whose end closed this room (None: not ended)
    plenary_path: str  # where its members go back to
    breakout_end: datetime | None = None  # while the room is open in a running phase


@dataclass(frozen=True, slots=True)
class RoomSnapshot:
    board: BoardRecord
    extras: RoomExtras


@dataclass(frozen=True, slots=True)
class RoomLiveUpdate:
    """A RoomUpdate in the hub's terms, with the plenary's extras when they changed."""

    update: RoomUpdate
    extras: RoomExtras | None

    @property
    def seq(self) -> int:
        return self.update.seq

    @property
    def first_seq(self) -> int:
        return self.update.first_seq

    @property
    def for_everyone(self) -> bool:
        return self.update.for_everyone

    @property
    def personal(self) -> dict:
        return self.update.personal

    @property
    def removed(self) -> list[int]:
        return self.update.removed

    @property
    def demoted(self) -> list[int]:
        return self.update.demoted

    @property
    def snapshot(self) -> RoomSnapshot | None:
        board = self.update.snapshot
        return RoomSnapshot(board, self.extras) if board is not None else None


def extras_of(session: Session, room_id: int) -> RoomExtras:
    conference_id = session.get(Room, room_id).conference_id
    slug = session.get(Conference, conference_id).slug
    ended = breakouts.ended_in(session, room_id)
    shown = announcements.active(session, conference_id, where=room_id)
    if ended is not None:  # the room's breakout is over: what was said to rooms is not for it
        shown = [a for a in shown if a.target == Target.EVERYONE]
    return RoomExtras(shown, ended, f"/c/{slug}", breakouts.room_end(session, room_id))


def load_room_live(
    session: Session,
    room_id: int,
    after_seq: int | None,
    with_snapshot: bool,
    personal_for: frozenset[int] = frozenset(),
) -> RoomLiveUpdate:
    update = load_room_update(session, room_id, after_seq, with_snapshot, personal_for)
    changed = after_seq is not None and (
        session.connection().execute(_PLENARY_EVENT, {"room": room_id, "seq": after_seq}).first()
    )
    wanted = update.snapshot is not None or changed
    return RoomLiveUpdate(update, extras_of(session, room_id) if wanted else None)
