"""Rules for entering and leaving breakout rooms."""

from .errors import DomainError
from .permissions import Action, Role, require


def enter_room(role: Role, capacity: int, present: int, already_present: bool) -> None:
    """Let a person into a room unless it is full.

    Someone already present (a second tab, a reconnect) never counts twice, so a
    dropped connection can always come back.
    """
    require(role, Action.ENTER_ROOM)
    if not already_present and present >= capacity:
        raise DomainError("room_full", capacity=capacity)
