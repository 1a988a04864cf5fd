"""A room's phases and lock: what the moderator decides, and what it allows."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .errors import DomainError
from .permissions import Action, Role, is_allowed, require
from .room_settings import RoomSettings
from .timer import Timer


class Phase(StrEnum):
    COLLECT = "collect"
    CLUSTER = "cluster"
    VOTE = "vote"
    DISCUSS = "discuss"
    CLOSED = "closed"


# New ideas are welcome while collecting, clustering and discussing; voting needs a
# board that holds still, and a closed room is read-only.
POSTING_PHASES = frozenset({Phase.COLLECT, Phase.CLUSTER, Phase.DISCUSS})


@dataclass(frozen=True)
class RoomState:
    phase: Phase
    locked: bool
    timer: Timer = field(default_factory=Timer)
    settings: RoomSettings = field(default_factory=RoomSettings)

    @property
    def takes_cards(self) -> bool:
        """Whether the phase takes new cards (the lock is a separate question)."""
        return self.phase in POSTING_PHASES

    def votes_visible_to_participants(self) -> bool:
        return self.phase != Phase.VOTE or self.settings.votes_visible_while_voting


@dataclass(frozen=True)
class PhaseChanged:
    """The moderator moved the room to another phase (any phase, also back)."""

    phase: Phase


@dataclass(frozen=True)
class BoardLocked:
    """The moderator locked or unlocked the board for participants."""

    locked: bool


def change_phase(role: Role, state: RoomState, target: str) -> PhaseChanged:
    require(role, Action.MODERATE_ROOM)
    try:
        phase = Phase(target)
    except ValueError:
        raise DomainError("unknown_phase") from None
    if phase == state.phase:
        raise DomainError("phase_unchanged")
    return PhaseChanged(phase)


def lock_board(role: Role, state: RoomState, locked: bool) -> BoardLocked:
    require(role, Action.MODERATE_ROOM)
    if locked == state.locked:
        raise DomainError("lock_unchanged")
    return BoardLocked(locked)


def require_board_open(role: Role, state: RoomState, now: datetime) -> None:
    """A closed room stops everyone; the lock and a finished timer stop participants."""
    if state.phase == Phase.CLOSED:
        raise DomainError("room_closed")
    if is_allowed(role, Action.MODERATE_ROOM):
        return
    if state.locked:
        raise DomainError("board_locked")
    if state.settings.read_only_when_time_is_up and state.timer.is_up(now):
        raise DomainError("time_up")


def require_posting_allowed(role: Role, state: RoomState, now: datetime) -> None:
    """The phase decides for everyone; a locked board still takes a moderator's card."""
    require_board_open(role, state, now)
    if not state.takes_cards:
        raise DomainError("posting_closed")


def require_voting_open(role: Role, state: RoomState, now: datetime) -> None:
    require_board_open(role, state, now)
    if state.phase != Phase.VOTE:
        raise DomainError("voting_closed")
