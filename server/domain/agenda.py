"""The live agenda: one "now" pointer the organiser moves, and how late things run.

A programme may hold items that run at the same time, each in a track of its own (three
workshops at 14:00). Those form one slot: the pointer moves from slot to slot, and "now"
is every item of the slot it points into.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from .errors import DomainError
from .permissions import Action, Role, require


@dataclass(frozen=True)
class Item:
    id: int
    start: time
    end: time
    kind: str
    day: date | None = None
    track: str | None = None


def slots(items: Sequence[Item]) -> list[list[Item]]:
    """The programme's items grouped into what runs together, in order: an item joins the
    slot before it when both are in tracks, on the same day, and it starts before the
    slot's items have all ended; any other item is a slot of its own."""
    grouped: list[list[Item]] = []
    for item in items:
        last = grouped[-1] if grouped else None
        if (
            last is not None
            and item.track is not None
            and all(other.track is not None for other in last)
            and item.day == last[0].day
            and item.start < max(other.end for other in last)
        ):
            last.append(item)
        else:
            grouped.append([item])
    return grouped


def slot_of(items: Sequence[Item], item_id: int | None) -> list[Item]:
    """The items that run together with `item_id` (none when it is not in the programme)."""
    return next((slot for slot in slots(items) if any(i.id == item_id for i in slot)), [])


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
    if not items:
        raise DomainError("agenda_empty")
    starts = [slot[0].id for slot in slots(items)]  # the pointer stands on a slot's first
    position = _slot_index(items, current)
    if target == "next":
        if position + 1 >= len(starts):
            raise DomainError("agenda_at_end")
        return AgendaMoved(starts[position + 1])
    if target == "previous":
        if position <= 0:
            raise DomainError("agenda_at_start")
        return AgendaMoved(starts[position - 1])
    try:
        chosen = int(target)
    except (TypeError, ValueError):
        raise DomainError("agenda_unknown_item") from None
    if chosen not in [item.id for item in items]:
        raise DomainError("agenda_unknown_item")
    chosen = slot_of(items, chosen)[0].id
    if chosen == current:
        raise DomainError("agenda_unchanged")
    return AgendaMoved(chosen)


def _slot_index(items: Sequence[Item], current: int | None) -> int:
    """Which slot the pointer is in (-1: before the programme starts)."""
    return next(
        (n for n, slot in enumerate(slots(items)) if any(i.id == current for i in slot)), -1
    )


def next_item(items: Sequence[Item], current: int | None) -> Item | None:
    """The first item of the slot after the current one (the programme's first before it
    starts)."""
    following = slots(items)[_slot_index(items, current) + 1 :]
    return following[0][0] if following else None


def minutes_late(planned: time, started: datetime | None) -> int:
    """How many whole minutes after its planned start an item began (0: on time or early).

    `started` is in the conference's time zone; agenda times are times of that day.
    """
    if started is None:
        return 0
    planned_at = started.replace(hour=planned.hour, minute=planned.minute, second=0, microsecond=0)
    late = int((started - planned_at).total_seconds() // 60)
    return max(0, late)
