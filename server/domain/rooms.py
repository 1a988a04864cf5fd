"""Rules for entering and leaving breakout rooms."""

from .errors import DomainError
from .permissions import Action, Role, is_allowed, require


def enter_room(
    role: Role, capacity: int, present: int, already_present: bool, removed: bool = False
) -> None:
    """Let a person into a room unless it is full or a moderator removed them.

    Someone already present (a second tab, a reconnect) never counts twice, so a
    dropped connection can always come back.
    """
    require(role, Action.ENTER_ROOM)
    if removed:
        raise DomainError("removed_from_room")
    if not already_present and present >= capacity:
        raise DomainError("room_full", capacity=capacity)


def remove_participant(role: Role, actor_id: int, target_id: int, target_role: Role) -> None:
    """Moderators remove disruptive participants, never themselves or each other."""
    require(role, Action.REMOVE_PARTICIPANT)
    if target_id == actor_id or is_allowed(target_role, Action.MODERATE_ROOM):
        raise DomainError("cannot_remove")
    if target_role is Role.STRANGER:
        raise DomainError("unknown_member")
