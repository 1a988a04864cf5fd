"""Changing cards and their comments. Nothing here decides; the domain has ruled first."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, select

from ..domain.board import CardFacts, CardStatus
from .tables import Card, Comment

_FACTS = select(
    Card.id, Card.column_id, Card.author_id, Card.status, Card.highlighted, Card.cluster_id
).where(Card.room_id == bindparam("room"), Card.id.in_(bindparam("ids", expanding=True)))


def facts(session: Session, room_id: int, card_ids: Iterable[int]) -> dict[int, CardFacts]:
    """The rules' view of cards of this room only: an id from another room is unknown."""
    ids = list(card_ids)
    if not ids:
        return {}
    rows = session.connection().execute(_FACTS, {"room": room_id, "ids": ids})
    return {
        row.id: CardFacts(
            id=row.id,
            column_id=row.column_id,
            author_id=row.author_id,
            status=CardStatus(row.status),
            highlighted=row.highlighted,
            cluster_id=row.cluster_id,
        )
        for row in rows
    }


def one(session: Session, room_id: int, card_id: int) -> CardFacts | None:
    return facts(session, room_id, [card_id]).get(card_id)


def text_of(session: Session, card_id: int) -> str:
    return session.exec(select(Card.text).where(Card.id == card_id)).one()


def snapshot_of(session: Session, card_id: int, *fields: str) -> dict:
    """The fields a moderator's change alters, as they are now, to put back on undo.

    Only those fields: undoing a highlight must not bring back a card deleted since.
    """
    columns = [getattr(Card, name) for name in fields]
    row = session.connection().execute(select(*columns).where(Card.id == card_id)).one()
    values = dict(zip(fields, row, strict=True))
    if isinstance(values.get("edited_at"), datetime):
        values["edited_at"] = values["edited_at"].isoformat()
    return values


def restore(session: Session, card_id: int, saved: dict) -> bool:
    """Put saved fields back, unless the author deleted the card in the meantime."""
    status = session.connection().execute(select(Card.status).where(Card.id == card_id)).scalar()
    if status is None or status == CardStatus.DELETED.value:
        return False
    values = dict(saved)
    if values.get("edited_at"):
        values["edited_at"] = datetime.fromisoformat(values["edited_at"])
    session.execute(update(Card).where(Card.id == card_id).values(**values))
    return True


def ids_in_cluster(session: Session, cluster_id: int) -> list[int]:
    return list(session.exec(select(Card.id).where(Card.cluster_id == cluster_id)))


def change(session: Session, card_ids: Iterable[int], **values) -> None:
    session.execute(update(Card).where(Card.id.in_(list(card_ids))).values(**values))


def edit_text(session: Session, card_id: int, text: str, by_moderator: bool) -> None:
    change(
        session,
        [card_id],
        text=text,
        edited_at=datetime.now(UTC),
        edited_by_moderator=by_moderator,
    )


_INSERT_COMMENT = insert(Comment).returning(Comment.id)


def add_comment(session: Session, room_id: int, card_id: int, author_id: int, text: str) -> int:
    values = {
        "room_id": room_id,
        "card_id": card_id,
        "author_id": author_id,
        "text": text,
        "created_at": datetime.now(UTC),
    }
    return session.connection().execute(_INSERT_COMMENT, values).scalar_one()


def comment_ids_of(session: Session, card_id: int) -> list[int]:
    return list(session.exec(select(Comment.id).where(Comment.card_id == card_id)))


def move_comments(session: Session, comment_ids: list[int], card_id: int) -> None:
    if comment_ids:
        session.execute(update(Comment).where(Comment.id.in_(comment_ids)).values(card_id=card_id))
