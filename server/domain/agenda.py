"""The live agenda: one "now" pointer the organiser moves, and how late things run."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from .errors import DomainError
from .permissions import Action, Role, require


@dataclass(frozen=True)
class Item:
    id: int
    start: time
    end: time
    kind: str


@dataclass(frozen=True)
class AgendaMoved:
    """The organiser moved the pointer: `item_id` is now running (None: before the start)."""

    item_id: int | None


def move_pointer(
    role: Role, items: Sequence[Item], current: int | None, target: str | int
) -> AgendaMoved:
    """Move to `next`, `previous`, or an item's id. Any item may be chosen, also backwards:
    programmes change on the day."""
    require(role, Action.MOVE_AGENDA)
    ids = [item.id for item in items]
    if not ids:
        raise DomainError("agenda_empty")
    position = ids.index(current) if current in ids else -1
    if target == "next":
        if position + 1 >= len(ids):
            raise DomainError("agenda_at_end")
        return AgendaMoved(ids[position + 1])
    if target == "previous":
        if position <= 0:
            raise DomainError("agenda_at_start")
        return AgendaMoved(ids[position - 1])
    try:
        chosen = int(target)
    except (TypeError, ValueError):
        raise DomainError("agenda_unknown_item") from None
    if chosen not in ids:
        raise DomainError("agenda_unknown_item")
    if chosen == current:
        raise DomainError("agenda_unchanged")
    return AgendaMoved(chosen)


def next_item(items: Sequence[Item], current: int | None) -> Item | None:
    """What comes after the current item (the first item before the day starts)."""
    ids = [item.id for item in items]
    position = ids.index(current) if current in ids else -1
    return items[position + 1] if position + 1 < len(items) else None


def minutes_late(planned: time, started: datetime | None) -> int:
    """How many whole minutes after its planned start an item began (0: on time or early).

    `started` is in the conference's time zone; agenda times are times of that day.
    """
    if started is None:
        return 0
    planned_at = started.replace(hour=planned.hour, minute=planned.minute, second=0, microsecond=0)
    late = int((started - planned_at).total_seconds() // 60)
    return max(0, late)
