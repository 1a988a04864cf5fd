"""The breakout phase, run by the organiser: open it by a mode (people are placed in one
transaction, every room gets the phase's end and everyone is sent to their room), extend
it for one room or all, conduct every room's phase, move people, and close it (rooms
read-only, everyone back).

The breakout's end is the organiser's clock, kept per room; each room's own timer is its
moderator's and is left alone here (only a closing room stops it). Room changes use the
same store calls and room events as a moderator's commands, so each room's members see
them live through the room's own stream.
"""

import asyncio
import contextlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from ..domain import assignment, breakouts, phases, sockets, timer
from ..domain.assignment import BreakoutRoom, Method, Person
from ..domain.breakouts import CONDUCTED_PHASES, Mode
from ..domain.errors import DomainError
from ..domain.networking import AtTables
from ..domain.permissions import Role
from ..store import breakouts as store
from ..store import networking, rankings
from ..store import plenary_presence as here
from ..store import rooms as room_store
from ..store.breakouts import BreakoutPhase, NewPhase, Placement
from ..store.conferences import live_rooms, load_lobby
from ..store.plenary_events import PlenaryEventType, touched
from ..store.plenary_view import people_of
from ..store.records import ConferenceRecord, ParticipantRecord, RoomRecord
from ..store.room_events import RoomEventType, effects
from .backends import Backends
from .change import Applied, Change, Context, apply, log_plenary_event

log = logging.getLogger(__name__)


def breakout_rooms(session: Session, conference_id: int) -> list[BreakoutRoom]:
    return [BreakoutRoom(r.slug, r.capacity) for r in live_rooms(session, conference_id)]


def _people(session: Session, conference_id: int) -> list[Person]:
    return [Person(pid, name) for pid, name, _ in here.people_here(session, conference_id)]


def _method(session: Session, phase: BreakoutPhase, rooms: list[BreakoutRoom]) -> Method | None:
    wishes = rankings.rankings(session, phase.conference_id)
    tables = None
    if phase.mode == Mode.TABLES:
        people = here.people_here(session, phase.conference_id)
        wanting = networking.opted_in_ids(session, phase.conference_id)
        municipalities = {pid: org for pid, _, org in people if pid in wanting}
        met = store.tables_met(session, phase.conference_id, before=phase.id)
        tables = AtTables(municipalities, met, phase.seed)
    return breakouts.method(Mode(phase.mode), phase.seed, phase.plan, wishes, rooms, tables)


def _set_room_phase(c: Context, room_id: int, phase: str) -> bool:
    state = room_store.room_state(c.session, room_id)
    try:
        changed = phases.change_phase(c.role, state, phase)
    except DomainError as refused:
        if refused.code == "phase_unchanged":
            return False
        raise
    room_store.set_phase(c.session, room_id, changed.phase)
    c.tell_room(
        room_id, RoomEventType.PHASE_CHANGED, effects(state=True, phase=changed.phase.value)
    )
    return True


async def open_breakout(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    mode: str,
    minutes: str,
    plan: str | None,
    cid: str | None,
) -> Applied:
    """`minutes` and `plan` as the organiser typed them."""

    def decide(c: Context) -> Change:
        items = {i.id: i for i in load_lobby(c.session, conference).agenda}
        item = items.get(c.state.current_item_id)
        running = store.running(c.session, conference.id)
        placement = store.placement(c.session, conference.id, running)
        rooms = placement.breakout_rooms()
        opening = breakouts.open_phase(
            c.role, item.kind if item else None, running is not None, mode, minutes, plan, rooms
        )
        new = NewPhase(
            conference_id=conference.id,
            agenda_item_id=item.id,
            mode=opening.mode.value,
            seed=secrets.token_hex(8),
            plan=opening.plan,
            opened_at=c.now,
            deadline=c.now + timedelta(minutes=opening.minutes),
        )
        phase = store.open_phase(c.session, new, [room.id for room in placement.rooms])
        method = _method(c.session, phase, rooms)
        if method is not None:
            people = _people(c.session, conference.id)
            placed = assignment.assign(c.role, rooms, people, method, placement.moderating())
            store.assign(c.session, phase.id, placement.by_id(placed))
        for room in placement.rooms:
            _set_room_phase(c, room.id, phases.Phase.COLLECT.value)
            c.tell_room(room.id, RoomEventType.BREAKOUT_END_SET, effects(breakout=phase.id))
        people = [pid for pid, _, _ in here.people_here(c.session, conference.id)]
        sections = ["breakout", "people", "agenda"]
        return Change(
            PlenaryEventType.BREAKOUT_OPENED, touched(sections, people, mode=opening.mode.value)
        )

    return await apply(backends, actor, conference.id, cid, decide)


def _close_rooms(c: Context, breakout_id: int, room_ids: list[int]) -> None:
    """Rooms whose breakout ended: read-only, their own timer stopped, everyone back."""
    for room_id in room_ids:
        if not store.close_room(c.session, breakout_id, room_id):
            continue
        _set_room_phase(c, room_id, phases.Phase.CLOSED.value)
        current = room_store.room_state(c.session, room_id).timer
        if current.running or current.paused:
            room_store.set_timer(c.session, room_id, timer.Timer())
            c.tell_room(room_id, RoomEventType.TIMER_CHANGED, effects(state=True, action="stop"))
        c.tell_room(room_id, RoomEventType.BREAKOUT_ENDED, effects(breakout=breakout_id))


def _finish(c: Context, phase: BreakoutPhase) -> Change:
    store.close_phase(c.session, phase.id, c.now)
    people = set(store.assignment(c.session, phase.id))
    people |= {pid for pid, _, _ in here.people_here(c.session, c.conference_id)}
    return Change(
        PlenaryEventType.BREAKOUT_CLOSED, touched(["breakout", "people", "agenda"], people)
    )


async def close_breakout(
    backends: Backends, actor: ParticipantRecord | None, conference_id: int, cid: str | None
) -> Applied:
    """Every room closes (read-only) and everyone is sent back to the plenary."""

    def decide(c: Context) -> Change:
        phase = store.running(c.session, conference_id)
        breakouts.require_open(c.role, phase is not None)
        _close_rooms(c, phase.id, store.open_room_ids(c.session, phase.id))
        return _finish(c, phase)

    return await apply(backends, actor, conference_id, cid, decide)


async def close_due_rooms(backends: Backends, now: datetime) -> int:
    """Rooms whose time is up close; a phase whose last room closed ends. Returns how many
    rooms closed."""
    due = await backends.database.read(lambda s: store.due_rooms(s, now))
    by_phase: dict[tuple[int, int], list[int]] = {}
    for conference_id, breakout_id, room_id in due:
        by_phase.setdefault((conference_id, breakout_id), []).append(room_id)
    for (conference_id, breakout_id), room_ids in by_phase.items():

        def decide(c: Context, breakout_id=breakout_id, room_ids=room_ids) -> Change:
            row = store.running(c.session, c.conference_id)
            if row is None or row.id != breakout_id:
                raise DomainError("breakout_not_open")
            _close_rooms(c, breakout_id, room_ids)
            if not store.open_room_ids(c.session, breakout_id):
                return _finish(c, row)
            return Change(
                PlenaryEventType.BREAKOUT_CHANGED, touched(["breakout"], rooms_closed=room_ids)
            )

        with contextlib.suppress(DomainError):  # another process closed it first
            await apply(backends, None, conference_id, None, decide)
    return len(due)


async def extend(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    room: str,
    minutes: str,
    cid: str | None,
) -> Applied:
    """More time for one room (its id, as sent) or for every open room (room "" or "all").
    The phase's end, which the plenary shows, is when its last room ends."""

    def decide(c: Context) -> Change:
        phase = store.running(c.session, conference.id)
        breakouts.require_open(c.role, phase is not None)
        ends = store.room_ends(c.session, phase.id)
        targets = list(ends) if room in ("", "all") else [_open_room_id(room, list(ends))]
        for room_id in targets:
            ends[room_id] = breakouts.extend_end(c.role, ends[room_id], minutes, c.now)
            store.move_room_end(c.session, phase.id, room_id, ends[room_id])
            c.tell_room(room_id, RoomEventType.BREAKOUT_END_SET, effects(breakout=phase.id))
        store.move_phase_end(c.session, phase.id, max(ends.values()))
        return Change(PlenaryEventType.BREAKOUT_CHANGED, touched(["breakout"], extended=targets))

    return await apply(backends, actor, conference.id, cid, decide)


def _open_room_id(sent: str, open_rooms: list[int]) -> int:
    try:
        room_id = int(sent)
    except ValueError:
        raise DomainError("breakout_room_closed") from None
    if room_id not in open_rooms:
        raise DomainError("breakout_room_closed")
    return room_id


async def conduct(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    phase: str,
    cid: str | None,
) -> Applied:
    """The global phase conductor: every open room of the phase to `phase` at once."""

    def decide(c: Context) -> Change:
        running = store.running(c.session, conference.id)
        breakouts.require_open(c.role, running is not None)
        if phase not in CONDUCTED_PHASES:
            raise DomainError("unknown_phase")
        changed = [
            room_id
            for room_id in store.open_room_ids(c.session, running.id)
            if _set_room_phase(c, room_id, phase)
        ]
        if not changed:
            raise DomainError("phase_unchanged")
        return Change(
            PlenaryEventType.BREAKOUT_CHANGED, touched(["breakout"], phase=phase, rooms=changed)
        )

    return await apply(backends, actor, conference.id, cid, decide)


async def move_person(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    person: int,
    room: str,
    cid: str | None,
) -> Applied:
    """Manual placement: the organiser puts someone (placed or not) into a room (its id,
    as sent)."""

    def decide(c: Context) -> Change:
        running = store.running(c.session, conference.id)
        breakouts.require_open(c.role, running is not None)
        placement = store.placement(c.session, conference.id, running)
        target = placement.room(int(room)) if room.isdecimal() else None
        known = {p.participant_id for p in people_of(c.session, conference.id)}
        if target is None:
            raise DomainError("unknown_room", room=room)
        if person not in known:
            raise DomainError("unknown_person")
        moved = assignment.move(
            c.role,
            placement.breakout_rooms(),
            placement.current(),
            person,
            target.slug,
            placement.moderating(),
        )
        if person in moved:
            store.assign(c.session, running.id, {person: target.id})
        else:  # a moderator back in their own room, outside its places
            store.unassign(c.session, running.id, person)
        return Change(
            PlenaryEventType.PERSON_PLACED,
            touched(["breakout", "people"], [person], room=target.id),
        )

    return await apply(backends, actor, conference.id, cid, decide)


def _place_late(c: Context, placement: Placement, participant_id: int, name: str) -> int | None:
    """Place one newcomer by the phase's own method; nobody else moves."""
    rooms = placement.breakout_rooms()
    method = _method(c.session, placement.phase, rooms)
    if method is None:
        return None
    names = here.names(c.session, placement.placed)
    people = [Person(pid, names[pid][0]) for pid in placement.placed]
    newcomer = Person(participant_id, name)
    placed = assignment.place_late_joiner(
        rooms, placement.current(), people, newcomer, method, placement.moderating()
    )
    if participant_id not in placed:
        return None  # a moderator: they go to the room they moderate
    room_id = placement.by_id(placed)[participant_id]
    store.assign(c.session, placement.phase.id, {participant_id: room_id})
    return room_id


async def arrive(
    backends: Backends, participant: ParticipantRecord, conference_id: int, *, socket_limit: int
) -> None:
    """Someone opened the plenary: count them present (refused past `socket_limit` open
    plenary sockets of theirs); while breakouts run, a late joiner is placed by the
    phase's mode (a returning one keeps their room)."""

    def decide(c: Context) -> Change:
        sockets.open_another(
            here.connections(c.session, conference_id, participant.id), socket_limit
        )
        here.add_connection(c.session, conference_id, participant.id)
        running = store.running(c.session, conference_id)
        late = running is not None and c.role is Role.PARTICIPANT
        placed = None
        if late and store.assigned_room(c.session, running.id, participant.id) is None:
            placement = store.placement(c.session, conference_id, running)
            try:
                placed = _place_late(c, placement, participant.id, participant.display_name)
            except DomainError as refused:  # no place left: they wait in the plenary
                log.info("late joiner %s not placed: %s", participant.id, refused.code)
        # A newcomer takes a place; a moderator (perhaps just invited) shows in their room.
        shown = placed is not None or (running is not None and c.role is Role.MODERATOR)
        sections = ["people", "breakout"] if shown else ["people"]
        return Change(PlenaryEventType.PEOPLE_CHANGED, touched(sections, [participant.id]))

    await apply(backends, participant, conference_id, None, decide)


async def depart(backends: Backends, participant: ParticipantRecord, conference_id: int) -> None:
    def decide(c: Context) -> Change:
        here.remove_connection(c.session, conference_id, participant.id)
        return Change(PlenaryEventType.PEOPLE_CHANGED, touched(["people"]))

    await apply(backends, participant, conference_id, None, decide)


def people_moved(session: Session, participant: ParticipantRecord, room: RoomRecord) -> int | None:
    """Someone appeared in or left a room: the lobby's rooms count them, the organiser's
    people table says who is where (organisers are not in the table). Called in the
    transaction of entering or leaving; returns a plenary seq to announce."""
    sections = ["rooms"] if participant.organiser_id is not None else ["people", "rooms"]
    return log_plenary_event(
        session,
        room.conference_id,
        PlenaryEventType.PEOPLE_CHANGED,
        touched(sections),
        participant.id,
    )


def check_entry(
    session: Session, participant: ParticipantRecord, room: RoomRecord, role: Role
) -> int | None:
    """Called in the transaction of entering a room: while breakouts run, participants go
    to their own room; in self-selection, entering a room with space chooses it. Returns
    a plenary seq to announce when the choice changed the plenary."""
    running = store.running(session, room.conference_id)
    if running is None or room.id in store.closed_rooms(session, running.id):
        return None
    placement = store.placement(session, room.conference_id, running)
    mine = placement.room_of(participant.id)
    entry = breakouts.enter(
        role,
        Mode(running.mode),
        mine.slug if mine is not None else None,
        BreakoutRoom(room.slug, room.capacity),
        placement.breakout_rooms(),
        placement.current(),
        participant.id,
    )
    if not entry.chooses:
        return None
    store.assign(session, running.id, {participant.id: room.id})
    return log_plenary_event(
        session,
        room.conference_id,
        PlenaryEventType.PERSON_PLACED,
        touched(["breakout", "people"], [participant.id], room=room.id),
        participant.id,
    )


async def assigned_room_of(
    backends: Backends, participant: ParticipantRecord, conference_id: int
) -> RoomRecord | None:
    placed = await placement_of(backends, participant, conference_id)
    return placed[0] if placed is not None else None


async def placement_of(
    backends: Backends, participant: ParticipantRecord, conference_id: int
) -> tuple[RoomRecord, int | None] | None:
    """The room the participant is placed in while breakouts run, and the agenda item
    the breakout was opened on."""

    def read(session: Session) -> tuple[RoomRecord, int | None] | None:
        running = store.running(session, conference_id)
        if running is None:
            return None
        room = store.placement(session, conference_id, running).room_of(participant.id)
        return (room, running.agenda_item_id) if room is not None else None

    return await backends.database.read(read)


class BreakoutClock:
    """Closes rooms whose breakout time is up: a small task per process that looks every
    `tick` seconds (closing is idempotent, so several processes may run one)."""

    def __init__(self, backends: Backends, tick: float) -> None:
        self.backends = backends
        self.tick = tick
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                await close_due_rooms(self.backends, datetime.now(UTC))
            except Exception:
                log.exception("breakout clock: closing due rooms failed")
            await asyncio.sleep(self.tick)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
