"""Report-back: the plenary shows one room's results at a time, in the organiser's order."""

from collections.abc import Sequence

from .errors import DomainError
from .permissions import Action, Role, require


def arrange(role: Role, known: Sequence[int], order: Sequence[object]) -> list[int]:
    """The organiser's order of rooms; rooms left out are not shown."""
    require(role, Action.RUN_REPORT_BACK)
    try:
        chosen = [int(room) for room in order if str(room).strip()]
    except (TypeError, ValueError):
        raise DomainError("report_unknown_room") from None
    if any(room not in known for room in chosen):
        raise DomainError("report_unknown_room")
    if len(set(chosen)) != len(chosen):
        raise DomainError("report_room_twice")
    if not chosen:
        raise DomainError("report_no_rooms")
    return chosen


def show(role: Role, order: Sequence[int], current: int | None, target: str) -> int | None:
    """`next`, `previous`, a room's id, or `end` (None: report-back is over)."""
    require(role, Action.RUN_REPORT_BACK)
    if not order:
        raise DomainError("report_no_rooms")
    if target == "end":
        if current is None:
            raise DomainError("report_not_running")
        return None
    position = order.index(current) if current in order else -1
    if target == "next":
        if position + 1 >= len(order):
            raise DomainError("report_at_end")
        return order[position + 1]
    if target == "previous":
        if position <= 0:
            raise DomainError("report_at_start")
        return order[position - 1]
    try:
        room = int(target)
    except (TypeError, ValueError):
        raise DomainError("report_unknown_room") from None
    if room not in order:
        raise DomainError("report_unknown_room")
    return room
