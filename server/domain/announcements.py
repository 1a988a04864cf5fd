"""Announcements: the organiser's banners for everyone, for all rooms, or for one room."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import DomainError
from .permissions import Action, Role, require
from .text import clean_text

MAX_LENGTH = 280
MAX_MINUTES = 240


class Target(StrEnum):
    EVERYONE = "everyone"  # the plenary and every room
    ROOMS = "rooms"  # every breakout room
    ROOM = "room"  # one room


@dataclass(frozen=True)
class Announced:
    text: str
    target: Target
    room_id: int | None
    expires_at: datetime | None


def announce(
    role: Role,
    text: str,
    target: str,
    room_id: int | None,
    room_ids: frozenset[int],
    minutes: object,
    now: datetime,
) -> Announced:
    """`minutes` empty: the banner stays until the organiser ends it."""
    require(role, Action.ANNOUNCE)
    cleaned = clean_text(text, multiline=False)
    if not cleaned:
        raise DomainError("announcement_empty")
    if len(cleaned) > MAX_LENGTH:
        raise DomainError("announcement_too_long", max=MAX_LENGTH, length=len(cleaned))
    try:
        aimed = Target(target)
    except ValueError:
        raise DomainError("announcement_target") from None
    if aimed is Target.ROOM and room_id not in room_ids:
        raise DomainError("announcement_room")
    expires = None
    if minutes not in (None, ""):
        try:
            count = int(minutes)
        except (TypeError, ValueError):
            count = 0
        if not 1 <= count <= MAX_MINUTES:
            raise DomainError("announcement_minutes", max=MAX_MINUTES)
        expires = now + timedelta(minutes=count)
    return Announced(cleaned, aimed, room_id if aimed is Target.ROOM else None, expires)


def reaches(target: Target, room_id: int | None, where: int | None) -> bool:
    """Whether a banner is for `where` (a room's id, or None for the plenary)."""
    if target is Target.EVERYONE:
        return True
    if where is None:
        return False
    return target is Target.ROOMS or room_id == where


def end(role: Role, ended_at: datetime | None, expires_at: datetime | None, now: datetime) -> None:
    require(role, Action.ANNOUNCE)
    if ended_at is not None or (expires_at is not None and expires_at <= now):
        raise DomainError("announcement_over")
