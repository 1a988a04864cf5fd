"""Cards and columns of a room's board."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlmodel import Session, select

from ..domain.board import BoardState
from .presence import members_of
from .records import BoardRecord, CardRecord, ColumnRecord
from .tables import BoardColumn, Card, Participant


def board_state(session: Session, room_id: int) -> BoardState:
    column_ids = session.exec(
        select(BoardColumn.id).where(BoardColumn.room_id == room_id, ~BoardColumn.archived)
    ).all()
    return BoardState(room_id=room_id, column_ids=frozenset(column_ids))


def insert_card(session: Session, room_id: int, column_id: int, author_id: int, text: str) -> int:
    card = Card(
        room_id=room_id,
        column_id=column_id,
        author_id=author_id,
        text=text,
        created_at=datetime.now(UTC),
    )
    session.add(card)
    session.flush()
    return card.id


def _card_query():
    return (
        select(Card, BoardColumn.title, Participant.display_name, Participant.organisation)
        .join(Participant, Participant.id == Card.author_id)
        .join(BoardColumn, BoardColumn.id == Card.column_id)
    )


def _card_record(row) -> CardRecord:
    card, column_title, name, organisation = row
    return CardRecord(
        id=card.id,
        room_id=card.room_id,
        column_id=card.column_id,
        column_title=column_title,
        author_id=card.author_id,
        author_name=name,
        author_organisation=organisation,
        text=card.text,
        created_at=card.created_at,
    )


def cards_by_id(session: Session, card_ids: Iterable[int]) -> list[CardRecord]:
    rows = session.exec(_card_query().where(Card.id.in_(list(card_ids))).order_by(Card.id))
    return [_card_record(row) for row in rows]


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
    for row in session.exec(_card_query().where(Card.room_id == room_id).order_by(Card.id)):
        card = _card_record(row)
        if card.column_id in records:
            records[card.column_id].cards.append(card)
    return BoardRecord(
        room_id=room_id,
        seq=seq,
        columns=list(records.values()),
        members=members_of(session, room_id),
    )
