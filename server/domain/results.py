"""The room's results: the moderator's key takeaways, an ordered list of short texts."""

from .board import card_text
from .errors import DomainError
from .permissions import Action, Role, require

MAX_TAKEAWAYS = 20
MAX_TAKEAWAY_LENGTH = 500  # a promoted card keeps its whole text


def add(role: Role, count: int, text: str) -> str:
    require(role, Action.WRITE_RESULTS)
    if count >= MAX_TAKEAWAYS:
        raise DomainError("takeaways_full", max=MAX_TAKEAWAYS)
    return card_text(text, MAX_TAKEAWAY_LENGTH)


def edit(role: Role, exists: bool, text: str) -> str:
    require(role, Action.WRITE_RESULTS)
    if not exists:
        raise DomainError("unknown_takeaway")
    return card_text(text, MAX_TAKEAWAY_LENGTH)


def move(role: Role, order: list[int], takeaway_id: int, step: int) -> list[int]:
    """The new order after moving one takeaway up (-1) or down (+1)."""
    require(role, Action.WRITE_RESULTS)
    if takeaway_id not in order:
        raise DomainError("unknown_takeaway")
    index = order.index(takeaway_id)
    target = index + (1 if step > 0 else -1)
    if not 0 <= target < len(order):
        raise DomainError("takeaway_at_end")
    moved = list(order)
    moved[index], moved[target] = moved[target], moved[index]
    return moved


def remove(role: Role, exists: bool) -> None:
    require(role, Action.WRITE_RESULTS)
    if not exists:
        raise DomainError("unknown_takeaway")
