"""What the console's room editor reads beside the conference file: a room's row by its
short name (an archived room keeps its name, and its cards), and how many ideas it holds."""

from sqlalchemy import func
from sqlmodel import Session, select

from ..domain.board import LIVE
from .tables import Card, Room


def room_row(session: Session, conference_id: int, slug: str) -> Room | None:
    """The room named `slug`, archived or not."""
    return session.exec(
        select(Room).where(Room.conference_id == conference_id, Room.slug == slug)
    ).first()


def ideas_in(session: Session, room_id: int) -> int:
    """The cards still on the room's board or in its queue (not deleted, not merged)."""
    statuses = sorted(status.value for status in LIVE)
    count = select(func.count()).where(Card.room_id == room_id, Card.status.in_(statuses))
    return session.exec(count).one()
