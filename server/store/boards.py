"""Cards and columns of a room's board."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert
from sqlmodel import Session, select

from ..domain.board import BoardState
from .presence import members_of
from .records import BoardRecord, CardRecord, ColumnRecord
from .rooms import room_state
from .tables import BoardColumn, Card, Participant

# Built once: these run for every card (see store/events.py for why).
_COLUMN_IDS = select(BoardColumn.id).where(
    BoardColumn.room_id == bindparam("room"), ~BoardColumn.archived
)
_INSERT_CARD = insert(Card).returning(Card.id)


def board_state(session: Session, room_id: int) -> BoardState:
    column_ids = session.connection().execute(_COLUMN_IDS, {"room": room_id}).scalars()
    return BoardState(
        room_id=room_id, column_ids=frozenset(column_ids), room=room_state(session, room_id)
    )


def insert_card(session: Session, room_id: int, column_id: int, author_id: int, text: str) -> int:
    values = {
        "room_id": room_id,
        "column_id": column_id,
        "author_id": author_id,
        "text": text,
        "created_at": datetime.now(UTC),
    }
    return session.connection().execute(_INSERT_CARD, values).scalar_one()


_CARDS = (
    select(
        Card.id,
        Card.room_id,
        Card.column_id,
        BoardColumn.title.label("column_title"),
        Card.author_id,
        Participant.display_name.label("author_name"),
        Participant.organisation.label("author_organisation"),
        Card.text,
        Card.created_at,
    )
    .join(Participant, Participant.id == Card.author_id)
    .join(BoardColumn, BoardColumn.id == Card.column_id)
    .order_by(Card.id)
)
_CARDS_BY_ID = _CARDS.where(Card.id.in_(bindparam("ids", expanding=True)))
_CARDS_OF_ROOM = _CARDS.where(Card.room_id == bindparam("room"))


def cards_by_id(session: Session, card_ids: Iterable[int]) -> list[CardRecord]:
    rows = session.connection().execute(_CARDS_BY_ID, {"ids": list(card_ids)})
    return [CardRecord(**row._mapping) for row in rows]


def load_board(session: Session, room_id: int, seq: int) -> BoardRecord:
    """The whole board in display order: columns by position, cards oldest first."""
    columns = session.exec(
        select(BoardColumn)
        .where(BoardColumn.room_id == room_id, ~BoardColumn.archived)
        .order_by(BoardColumn.position)
    ).all()
    records = {
        c.id: ColumnRecord(id=c.id, key=c.key, title=c.title, description=c.description)
        for c in columns
    }
    for row in session.connection().execute(_CARDS_OF_ROOM, {"room": room_id}):
        card = CardRecord(**row._mapping)
        if card.column_id in records:
            records[card.column_id].cards.append(card)
    return BoardRecord(
        room_id=room_id,
        seq=seq,
        state=room_state(session, room_id),
        columns=list(records.values()),
        members=members_of(session, room_id),
    )
