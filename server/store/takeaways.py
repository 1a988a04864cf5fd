"""The room's key takeaways, in order."""

from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlmodel import Session, select

from .records import TakeawayRecord
from .tables import Takeaway


def takeaways_of(session: Session, room_id: int) -> list[TakeawayRecord]:
    rows = session.exec(
        select(Takeaway).where(Takeaway.room_id == room_id).order_by(Takeaway.position)
    )
    return [
        TakeawayRecord(
            id=t.id, position=t.position, text=t.text, card_id=t.card_id, cluster_id=t.cluster_id
        )
        for t in rows
    ]


def order_of(session: Session, room_id: int) -> list[int]:
    return [t.id for t in takeaways_of(session, room_id)]


def add(
    session: Session,
    room_id: int,
    text: str,
    card_id: int | None = None,
    cluster_id: int | None = None,
) -> int:
    order = order_of(session, room_id)
    row = Takeaway(
        room_id=room_id,
        position=len(order),
        text=text,
        card_id=card_id,
        cluster_id=cluster_id,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row.id


def edit(session: Session, takeaway_id: int, text: str) -> None:
    session.execute(update(Takeaway).where(Takeaway.id == takeaway_id).values(text=text))


def reorder(session: Session, order: list[int]) -> None:
    for position, takeaway_id in enumerate(order):
        session.execute(
            update(Takeaway).where(Takeaway.id == takeaway_id).values(position=position)
        )


def remove(session: Session, room_id: int, takeaway_id: int) -> None:
    session.execute(delete(Takeaway).where(Takeaway.id == takeaway_id))
    reorder(session, order_of(session, room_id))
