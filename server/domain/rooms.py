"""Rules for entering and leaving breakout rooms."""

from .errors import DomainError
from .permissions import Action, Role, is_allowed, require

# Up to this many present, a room lists them by name for everyone; above it, the room shows
# how many are present and the names on request: a list of thousands helps nobody, and
# sending it to everyone at each change costs O(N) per change.
NAMES_SHOWN_UP_TO = 50


def names_shown(present: int) -> bool:
    return present <= NAMES_SHOWN_UP_TO


def enter_room(
    role: Role, capacity: int, present: int, already_present: bool, removed: bool = False
) -> None:
    """Let a person into a room unless it is full or a moderator removed them.

    `present` counts participants only: a room's capacity is for participants, and its
    moderators and the organisers always get in, however full it is. Someone already
    present (a second tab, a reconnect) never counts twice, so a dropped connection can
    always come back.
    """
    require(role, Action.ENTER_ROOM)
    if removed:
        raise DomainError("removed_from_room")
    if is_allowed(role, Action.MODERATE_ROOM):
        return
    if not already_present and present >= capacity:
        raise DomainError("room_full", capacity=capacity)


def watch_room(role: Role, removed: bool) -> None:
    """See a room's board without being counted in it (its page, before its socket
    enters): capacity and breakout rooms do not apply; whom a moderator removed stays out."""
    require(role, Action.ENTER_ROOM)
    if removed:
        raise DomainError("removed_from_room")


def remove_participant(role: Role, actor_id: int, target_id: int, target_role: Role) -> None:
    """Moderators remove disruptive participants, never themselves or each other."""
    require(role, Action.REMOVE_PARTICIPANT)
    if target_id == actor_id or is_allowed(target_role, Action.MODERATE_ROOM):
        raise DomainError("cannot_remove")
    if target_role is Role.STRANGER:
        raise DomainError("unknown_member")
