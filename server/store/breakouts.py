"""Breakout phases: their rooms and ends, and who is placed where."""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import combinations

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, select

from ..domain.assignment import BreakoutRoom, room_of
from . import presence
from .conferences import live_rooms
from .moments import aware
from .records import RoomRecord
from .tables import (
    Breakout,
    BreakoutRoomState,
    RoomAssignment,
)


@dataclass(frozen=True, slots=True)
class BreakoutPhase:
    """One breakout phase: how people are placed and until when it runs."""

    id: int
    conference_id: int
    mode: str  # domain.breakouts.Mode
    seed: str
    plan: str | None
    opened_at: datetime
    deadline: datetime | None
    closed_at: datetime | None
    agenda_item_id: int | None = None  # the item it was opened on (None once that went)

    @property
    def open(self) -> bool:
        return self.closed_at is None


def _phase(row: Breakout) -> BreakoutPhase:
    return BreakoutPhase(
        id=row.id,
        conference_id=row.conference_id,
        mode=row.mode,
        seed=row.seed,
        plan=row.plan,
        opened_at=aware(row.opened_at),
        deadline=aware(row.deadline),
        closed_at=aware(row.closed_at),
        agenda_item_id=row.agenda_item_id,
    )


def newest(session: Session, conference_id: int) -> BreakoutPhase | None:
    row = session.connection().execute(_NEWEST, {"conference_id": conference_id}).first()
    return _phase(row) if row is not None else None


# Asked on every entry into a room: built once, executed as Core (store/presence.py).
_NEWEST = (
    select(*Breakout.__table__.columns)
    .where(Breakout.conference_id == bindparam("conference_id"))
    .order_by(Breakout.id.desc())
    .limit(1)
)


def running(session: Session, conference_id: int) -> BreakoutPhase | None:
    found = newest(session, conference_id)
    return found if found is not None and found.open else None


@dataclass(frozen=True, slots=True)
class NewPhase:
    conference_id: int
    agenda_item_id: int
    mode: str
    seed: str
    plan: str | None
    opened_at: datetime
    deadline: datetime


def open_phase(session: Session, new: NewPhase, room_ids: Iterable[int]) -> BreakoutPhase:
    """Every room of the phase ends with the phase until the organiser extends it."""
    row = Breakout(**asdict(new))
    session.add(row)
    session.flush()
    for room_id in room_ids:
        session.add(BreakoutRoomState(breakout_id=row.id, room_id=room_id, deadline=row.deadline))
    return _phase(row)


def close_phase(session: Session, breakout_id: int, at: datetime) -> None:
    session.execute(update(Breakout).where(Breakout.id == breakout_id).values(closed_at=at))


def move_phase_end(session: Session, breakout_id: int, deadline: datetime) -> None:
    """The phase ends when its last room does (the plenary shows that end)."""
    session.execute(update(Breakout).where(Breakout.id == breakout_id).values(deadline=deadline))


@dataclass(frozen=True)
class Placement:
    """Where people go, read once for one decision: the conference's live rooms, the
    running phase (None: none runs), who is placed where in it, and who moderates which
    room. Rooms are ids here; `by_slug` and `by_id` translate to and from the assignment
    rules, which name rooms by slug."""

    rooms: tuple[RoomRecord, ...]
    phase: BreakoutPhase | None
    placed: Mapping[int, int]  # participant id -> room id
    moderated: Mapping[int, int]  # participant id -> the room id they moderate

    def room(self, room_id: int | None) -> RoomRecord | None:
        return next((room for room in self.rooms if room.id == room_id), None)

    def room_of(self, participant_id: int) -> RoomRecord | None:
        """The live room someone goes to: where they were placed, else the one they
        moderate."""
        return self.room(room_of(participant_id, self.placed, self.moderated))

    def breakout_rooms(self) -> list[BreakoutRoom]:
        return [BreakoutRoom(room.slug, room.capacity) for room in self.rooms]

    def by_slug(self, rooms: Mapping[int, int]) -> dict[int, str]:
        """participant id -> room id, turned into participant id -> room slug as the rules
        take it (rooms no longer live are left out)."""
        slugs = {room.id: room.slug for room in self.rooms}
        return {pid: slugs[room_id] for pid, room_id in rooms.items() if room_id in slugs}

    def by_id(self, slugs: Mapping[int, str]) -> dict[int, int]:
        """What the rules decided, back to participant id -> room id."""
        ids = {room.slug: room.id for room in self.rooms}
        return {pid: ids[slug] for pid, slug in slugs.items()}

    def current(self) -> dict[int, str]:
        return self.by_slug(self.placed)

    def moderating(self) -> dict[int, str]:
        return self.by_slug(self.moderated)


def placement(session: Session, conference_id: int, phase: BreakoutPhase | None) -> Placement:
    """`phase`: the running one, if any (nobody is placed outside a phase)."""
    return Placement(
        rooms=tuple(live_rooms(session, conference_id)),
        phase=phase,
        placed=assignment(session, phase.id) if phase is not None else {},
        moderated=presence.moderated_rooms(session, conference_id),
    )


def assignment(session: Session, breakout_id: int) -> dict[int, int]:
    """participant id -> room id."""
    rows = session.exec(
        select(RoomAssignment.participant_id, RoomAssignment.room_id).where(
            RoomAssignment.breakout_id == breakout_id
        )
    )
    return dict(rows.all())


def assigned_room(session: Session, breakout_id: int, participant_id: int) -> int | None:
    row = session.get(RoomAssignment, (breakout_id, participant_id))
    return row.room_id if row is not None else None


def assign(session: Session, breakout_id: int, placed: dict[int, int]) -> None:
    """Put people into rooms (a new place replaces an older one)."""
    now = datetime.now(UTC)
    for participant_id, room_id in placed.items():
        row = session.get(RoomAssignment, (breakout_id, participant_id))
        if row is None:
            row = RoomAssignment(breakout_id=breakout_id, participant_id=participant_id, at=now)
        row.room_id, row.at = room_id, now
        session.add(row)
    session.flush()


def unassign(session: Session, breakout_id: int, participant_id: int) -> None:
    """Forget a placement (a moderator moved back into their own room)."""
    row = session.get(RoomAssignment, (breakout_id, participant_id))
    if row is not None:
        session.delete(row)
        session.flush()


def destinations(session: Session, conference_id: int, breakout_id: int) -> dict[int, int]:
    """participant id -> the room they go to in the phase: placed people, and moderators
    (to the room they moderate unless the organiser placed them elsewhere)."""
    placed = assignment(session, breakout_id)
    moderated = presence.moderated_rooms(session, conference_id)
    return {pid: room_of(pid, placed, moderated) for pid in placed.keys() | moderated.keys()}


def assigned_counts(session: Session, breakout_id: int) -> dict[int, int]:
    rows = session.exec(
        select(RoomAssignment.room_id, func.count())
        .where(RoomAssignment.breakout_id == breakout_id)
        .group_by(RoomAssignment.room_id)
    )
    return dict(rows.all())


def closed_rooms(session: Session, breakout_id: int) -> frozenset[int]:
    rows = session.exec(
        select(BreakoutRoomState.room_id).where(
            BreakoutRoomState.breakout_id == breakout_id, BreakoutRoomState.closed_at.is_not(None)
        )
    )
    return frozenset(rows.all())


def close_room(session: Session, breakout_id: int, room_id: int) -> bool:
    """Mark a room of the phase closed; False if it was already."""
    result = session.execute(
        update(BreakoutRoomState)
        .where(
            BreakoutRoomState.breakout_id == breakout_id,
            BreakoutRoomState.room_id == room_id,
            BreakoutRoomState.closed_at.is_(None),
        )
        .values(closed_at=datetime.now(UTC))
    )
    return result.rowcount == 1


def open_room_ids(session: Session, breakout_id: int) -> list[int]:
    rows = session.exec(
        select(BreakoutRoomState.room_id).where(
            BreakoutRoomState.breakout_id == breakout_id, BreakoutRoomState.closed_at.is_(None)
        )
    )
    return list(rows.all())


def ended_in(session: Session, room_id: int) -> int | None:
    """The phase whose end closed this room most recently (None: open, or never in one)."""
    row = session.exec(
        select(BreakoutRoomState.breakout_id, BreakoutRoomState.closed_at)
        .where(BreakoutRoomState.room_id == room_id)
        .order_by(BreakoutRoomState.breakout_id.desc())
        .limit(1)
    ).first()
    return row[0] if row is not None and row[1] is not None else None


def room_ends(session: Session, breakout_id: int) -> dict[int, datetime]:
    """Open rooms of the phase -> when their breakout ends."""
    rows = session.exec(
        select(BreakoutRoomState.room_id, BreakoutRoomState.deadline).where(
            BreakoutRoomState.breakout_id == breakout_id,
            BreakoutRoomState.closed_at.is_(None),
            BreakoutRoomState.deadline.is_not(None),
        )
    )
    return {room_id: aware(deadline) for room_id, deadline in rows}


def room_end(session: Session, room_id: int) -> datetime | None:
    """When the breakout ends for this room (None: it is in no running phase, or closed)."""
    row = session.exec(
        select(BreakoutRoomState.deadline)
        .join(Breakout, Breakout.id == BreakoutRoomState.breakout_id)
        .where(
            BreakoutRoomState.room_id == room_id,
            BreakoutRoomState.closed_at.is_(None),
            Breakout.closed_at.is_(None),
        )
        .order_by(BreakoutRoomState.breakout_id.desc())
        .limit(1)
    ).first()
    return aware(row)


def move_room_end(session: Session, breakout_id: int, room_id: int, deadline: datetime) -> None:
    session.execute(
        update(BreakoutRoomState)
        .where(BreakoutRoomState.breakout_id == breakout_id, BreakoutRoomState.room_id == room_id)
        .values(deadline=deadline)
    )


def due_rooms(session: Session, now: datetime) -> list[tuple[int, int, int]]:
    """(conference, breakout, room) of open rooms of a running phase whose breakout end
    passed. A room's own timer (its moderator's) never ends the breakout."""
    rows = session.exec(
        select(
            Breakout.conference_id,
            Breakout.id,
            BreakoutRoomState.room_id,
            BreakoutRoomState.deadline,
        )
        .join(BreakoutRoomState, BreakoutRoomState.breakout_id == Breakout.id)
        .where(
            Breakout.closed_at.is_(None),
            BreakoutRoomState.closed_at.is_(None),
            BreakoutRoomState.deadline.is_not(None),
        )
    )
    return [
        (conference_id, breakout_id, room_id)
        for conference_id, breakout_id, room_id, deadline in rows
        if aware(deadline) <= now
    ]


def rooms_by_item(session: Session, conference_id: int) -> dict[int, list[int]]:
    """agenda item id -> the rooms the breakouts opened on it had, over every phase."""
    rows = session.exec(
        select(Breakout.agenda_item_id, BreakoutRoomState.room_id)
        .join(BreakoutRoomState, BreakoutRoomState.breakout_id == Breakout.id)
        .where(Breakout.conference_id == conference_id, Breakout.agenda_item_id.is_not(None))
        .order_by(Breakout.id, BreakoutRoomState.room_id)
    )
    found: dict[int, list[int]] = {}
    for item_id, room_id in rows:
        if room_id not in found.setdefault(item_id, []):
            found[item_id].append(room_id)
    return found


def tables_met(session: Session, conference_id: int, before: int) -> frozenset[frozenset[int]]:
    """Who sat at one table (one room) in the networking rounds (phases of mode "tables")
    before the phase `before`: the pairs the next round's drawing avoids."""
    rows = session.exec(
        select(RoomAssignment.breakout_id, RoomAssignment.room_id, RoomAssignment.participant_id)
        .join(Breakout, Breakout.id == RoomAssignment.breakout_id)
        .where(
            Breakout.conference_id == conference_id,
            Breakout.mode == "tables",
            Breakout.id < before,
        )
    )
    tables: dict[tuple[int, int], list[int]] = {}
    for phase_id, room_id, participant_id in rows:
        tables.setdefault((phase_id, room_id), []).append(participant_id)
    return frozenset(
        frozenset(pair) for people in tables.values() for pair in combinations(people, 2)
    )
