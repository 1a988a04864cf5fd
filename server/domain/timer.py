"""The room's countdown, kept as a server deadline so every client shows the same time."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import DomainError
from .permissions import Action, Role, require

MAX_MINUTES = 180


@dataclass(frozen=True)
class Timer:
    """Running: `deadline` is set. Paused: `remaining` seconds are kept. Neither: no timer."""

    deadline: datetime | None = None
    remaining: int | None = None

    @property
    def running(self) -> bool:
        return self.deadline is not None

    @property
    def paused(self) -> bool:
        return self.remaining is not None

    def seconds_left(self, now: datetime) -> int | None:
        if self.deadline is not None:
            return max(0, math.ceil((self.deadline - now).total_seconds()))
        return self.remaining

    def is_up(self, now: datetime) -> bool:
        return self.seconds_left(now) == 0


def minutes_of(value: object) -> int:
    """A duration in whole minutes as a person typed it: 1 to MAX_MINUTES."""
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= MAX_MINUTES:
        raise DomainError("timer_minutes", max=MAX_MINUTES)
    return minutes


def start(role: Role, minutes: object, now: datetime) -> Timer:
    require(role, Action.MODERATE_ROOM)
    return Timer(deadline=now + timedelta(minutes=minutes_of(minutes)))


def pause(role: Role, timer: Timer, now: datetime) -> Timer:
    require(role, Action.MODERATE_ROOM)
    if not timer.running:
        raise DomainError("timer_not_running")
    return Timer(remaining=timer.seconds_left(now))


def resume(role: Role, timer: Timer, now: datetime) -> Timer:
    require(role, Action.MODERATE_ROOM)
    if not timer.paused:
        raise DomainError("timer_not_paused")
    return Timer(deadline=now + timedelta(seconds=timer.remaining))


def extend(role: Role, timer: Timer, minutes: object, now: datetime) -> Timer:
    """Add minutes; a timer already at zero counts on from now."""
    require(role, Action.MODERATE_ROOM)
    extra = timedelta(minutes=minutes_of(minutes))
    if timer.running:
        return Timer(deadline=max(timer.deadline, now) + extra)
    if timer.paused:
        return Timer(remaining=timer.remaining + int(extra.total_seconds()))
    raise DomainError("timer_not_set")


def stop(role: Role, timer: Timer) -> Timer:
    require(role, Action.MODERATE_ROOM)
    if not (timer.running or timer.paused):
        raise DomainError("timer_not_set")
    return Timer()
