"""The breakout phase: opening it by an assignment mode, its time, who may enter which
room while it runs, and closing it.

A phase has two kinds of clock, and neither changes the other: the breakout's end is the
organiser's, kept per room so one room can get more time, and only it (or the organiser
closing the phase) ends a room's breakout; a room's own timer (`timer.py`) is its
moderator's facilitation countdown.

The assignment rules themselves are in `assignment.py` and `assignment_plan.py`; this
module decides which one a phase uses and what entering a room means meanwhile.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .assignment import BreakoutRoom, ByPreference, Method, RandomBalanced, choose_room
from .assignment_plan import FromPlan, parse_plan
from .errors import DomainError
from .networking import AtTables
from .permissions import Action, Role, is_allowed, require
from .timer import minutes_of

# The phases the organiser sets in every open room at once; a room closes only when its
# breakout ends.
CONDUCTED_PHASES = ("collect", "cluster", "vote", "discuss")


class Mode(StrEnum):
    SELF = "self"  # everyone picks a room; capacity is enforced
    RANDOM = "random"  # random and balanced
    MANUAL = "manual"  # the organiser moves people
    PLAN = "plan"  # pre-assigned from a CSV plan; the rest balanced
    PREFERENCE = "preference"  # by the topics people ranked
    TABLES = "tables"  # networking: tables of four drawn afresh, one per room (networking.py)


@dataclass(frozen=True)
class Opening:
    mode: Mode
    minutes: int
    plan: str | None


def open_phase(
    role: Role,
    item_kind: str | None,
    already_open: bool,
    mode: str,
    minutes: object,
    plan: str | None,
    rooms: Sequence[BreakoutRoom],
) -> Opening:
    """Open breakouts from an agenda item of kind breakout, for 1 to MAX_MINUTES minutes;
    a networking round (tables) from a break too, the coffee break it is made for."""
    require(role, Action.RUN_BREAKOUT)
    if already_open:
        raise DomainError("breakout_already_open")
    try:
        chosen = Mode(mode)
    except ValueError:
        raise DomainError("breakout_mode") from None
    if item_kind != "breakout" and not (chosen is Mode.TABLES and item_kind == "break"):
        raise DomainError("breakout_not_now")
    count = minutes_of(minutes)
    if chosen is Mode.PLAN:
        if not (plan or "").strip():
            raise DomainError("plan_empty")
        parse_plan(plan, rooms)  # refuse a broken plan before anything changes
    return Opening(chosen, count, plan if chosen is Mode.PLAN else None)


def extend_end(role: Role, end: datetime, minutes: object, now: datetime) -> datetime:
    """More time for a room's breakout: counted from its end, or from now if that passed."""
    require(role, Action.RUN_BREAKOUT)
    return max(end, now) + timedelta(minutes=minutes_of(minutes))


def method(
    mode: Mode,
    seed: str,
    plan: str | None,
    rankings: Mapping[int, Sequence[str]],
    rooms,
    tables: AtTables | None = None,
) -> Method | None:
    """The group method of a mode (None: nobody is placed automatically); `tables` is the
    networking round's, with who met whom in the rounds before."""
    if mode is Mode.TABLES:
        return tables
    rng = random.Random(seed)
    if mode is Mode.RANDOM:
        return RandomBalanced(rng)
    if mode is Mode.PREFERENCE:
        known = {room.slug for room in rooms}
        usable = {pid: [s for s in ranking if s in known] for pid, ranking in rankings.items()}
        return ByPreference(usable, rng)
    if mode is Mode.PLAN:
        return FromPlan(parse_plan(plan or "", rooms), rng)
    return None


def require_open(role: Role, is_open: bool) -> None:
    require(role, Action.RUN_BREAKOUT)
    if not is_open:
        raise DomainError("breakout_not_open")


@dataclass(frozen=True)
class Entry:
    """May this person go in, and does going in choose the room (self-selection)?"""

    chooses: bool = False


def enter(
    role: Role,
    mode: Mode | None,
    assigned_to: str | None,
    room: BreakoutRoom,
    rooms: Sequence[BreakoutRoom],
    assignment: Mapping[int, str],
    person_id: int,
) -> Entry:
    """While breakouts run, participants go to their own room. In self-selection, going
    into a room with space is the choice; moderators and organisers go anywhere."""
    if mode is None or is_allowed(role, Action.MODERATE_ROOM):
        return Entry()
    if assigned_to is not None:
        if assigned_to != room.slug:
            raise DomainError("assigned_elsewhere")
        return Entry()
    if mode is Mode.SELF:
        choose_room(role, rooms, assignment, person_id, room.slug)
        return Entry(chooses=True)
    raise DomainError("not_assigned_yet")


def rank(role: Role, ranking: Sequence[str], rooms: Sequence[BreakoutRoom]) -> list[str]:
    """A participant's topics, best first: known rooms, each once."""
    require(role, Action.RANK_TOPICS)
    known = {room.slug for room in rooms}
    chosen = [slug for slug in ranking if slug]
    if any(slug not in known for slug in chosen):
        raise DomainError("ranking_unknown")
    if len(set(chosen)) != len(chosen):
        raise DomainError("ranking_twice")
    return chosen
