"""A room's board as read models: cards with their dots, comments and merged duplicates."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, select

from ..domain.board import LIVE, BoardState, CardStatus, Stored
from . import clusters, takeaways
from .conferences import room_record
from .presence import presence_of
from .records import BoardRecord, CardRecord, ColumnRecord, CommentRecord, MergedRecord
from .rooms import room_state
from .tables import BoardColumn, Card, Comment, Participant, Room, Vote

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


def insert_card(
    session: Session,
    room_id: int,
    column_id: int,
    author_id: int,
    text: str,
    status: CardStatus = CardStatus.VISIBLE,
) -> int:
    values = {
        "room_id": room_id,
        "column_id": column_id,
        "author_id": author_id,
        "text": text,
        "created_at": datetime.now(UTC),
        "status": status.value,
    }
    return session.connection().execute(_INSERT_CARD, values).scalar_one()


_AUTHOR = bindparam("author")
_CARD_COUNTS = select(func.count(), func.count().filter(Card.author_id == _AUTHOR)).where(
    Card.room_id == bindparam("room")
)
# Through the card: its room_id is indexed, the comment's is not.
_COMMENT_COUNTS = (
    select(
        func.count(),
        func.count().filter(Comment.author_id == _AUTHOR),
        func.count().filter(Comment.card_id == bindparam("card")),
    )
    .select_from(Comment)
    .join(Card, Card.id == Comment.card_id)
    .where(Card.room_id == bindparam("room"))
)


def stored_cards(session: Session, room_id: int, author_id: int) -> Stored:
    """The room's cards, and the author's, in every status (all are kept)."""
    values = {"room": room_id, "author": author_id}
    cards, mine = session.connection().execute(_CARD_COUNTS, values).one()
    return Stored(cards=cards, my_cards=mine)


def stored_comments(session: Session, room_id: int, author_id: int, card_id: int) -> Stored:
    """The room's comments, the author's, and those on the card."""
    values = {"room": room_id, "author": author_id, "card": card_id}
    comments, mine, on_card = session.connection().execute(_COMMENT_COUNTS, values).one()
    return Stored(comments=comments, my_comments=mine, on_card=on_card)


_LIVE_STATUSES = [status.value for status in LIVE]
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
        Card.status,
        Card.highlighted,
        Card.cluster_id,
        Card.edited_at,
        Card.edited_by_moderator,
    )
    .join(Participant, Participant.id == Card.author_id)
    .join(BoardColumn, BoardColumn.id == Card.column_id)
    .order_by(Card.id)
)
_CARDS_BY_ID = _CARDS.where(Card.id.in_(bindparam("ids", expanding=True)))
_CARDS_OF_ROOM = _CARDS.where(Card.room_id == bindparam("room"), Card.status.in_(_LIVE_STATUSES))
_VOTES = (
    select(Vote.card_id, func.count())
    .where(Vote.card_id.in_(bindparam("ids", expanding=True)))
    .group_by(Vote.card_id)
)
_COMMENTS = (
    select(
        Comment.id,
        Comment.card_id,
        Participant.display_name.label("author_name"),
        Comment.text,
        Comment.created_at,
    )
    .join(Participant, Participant.id == Comment.author_id)
    .where(Comment.card_id.in_(bindparam("ids", expanding=True)))
    .order_by(Comment.id)
)
_MERGED = (
    select(
        Card.id.label("card_id"),
        Card.merged_into.label("into"),
        Participant.display_name.label("author_name"),
        Card.text,
    )
    .join(Participant, Participant.id == Card.author_id)
    .where(
        Card.merged_into.in_(bindparam("ids", expanding=True)),
        Card.status == CardStatus.MERGED.value,
    )
    .order_by(Card.id)
)


def _records(session: Session, rows) -> list[CardRecord]:
    """Card rows with their dots, comments and merged duplicates: three reads in all."""
    rows = list(rows)
    if not rows:
        return []
    connection = session.connection()
    ids = [row.id for row in rows]
    totals = dict(connection.execute(_VOTES, {"ids": ids}).all())
    comments: dict[int, list[CommentRecord]] = defaultdict(list)
    for row in connection.execute(_COMMENTS, {"ids": ids}):
        comments[row.card_id].append(CommentRecord(**row._mapping))
    merged: dict[int, list[MergedRecord]] = defaultdict(list)
    for row in connection.execute(_MERGED, {"ids": ids}):
        merged[row.into].append(MergedRecord(**row._mapping))
    records = []
    for row in rows:
        values = row._mapping
        records.append(
            CardRecord(
                id=row.id,
                room_id=row.room_id,
                column_id=row.column_id,
                column_title=row.column_title,
                author_id=row.author_id,
                author_name=row.author_name,
                author_organisation=row.author_organisation,
                text=row.text,
                created_at=row.created_at,
                status=CardStatus(row.status),
                highlighted=row.highlighted,
                cluster_id=row.cluster_id,
                edited=values["edited_at"] is not None,
                edited_by_moderator=row.edited_by_moderator,
                votes=totals.get(row.id, 0),
                comments=comments.get(row.id, []),
                merged=merged.get(row.id, []),
            )
        )
    return records


def cards_by_id(session: Session, card_ids: Iterable[int]) -> list[CardRecord]:
    rows = session.connection().execute(_CARDS_BY_ID, {"ids": list(card_ids)})
    return _records(session, rows)


def load_board(session: Session, room_id: int, seq: int) -> BoardRecord:
    """The whole board in display order: columns by position, clusters and cards oldest
    first (the browser re-sorts on request)."""
    columns = session.exec(
        select(BoardColumn)
        .where(BoardColumn.room_id == room_id, ~BoardColumn.archived)
        .order_by(BoardColumn.position)
    ).all()
    records = {
        c.id: ColumnRecord(id=c.id, key=c.key, title=c.title, description=c.description)
        for c in columns
    }
    groups = {}
    for cluster in clusters.clusters_of(session, room_id):
        if cluster.column_id in records:
            records[cluster.column_id].clusters.append(cluster)
            groups[cluster.id] = cluster
    queue = []
    cards = session.connection().execute(_CARDS_OF_ROOM, {"room": room_id})
    for card in _records(session, cards):
        if card.status == CardStatus.PENDING:
            queue.append(card)
        elif card.cluster_id in groups:
            groups[card.cluster_id].cards.append(card)
        elif card.column_id in records:
            records[card.column_id].cards.append(card)
    return BoardRecord(
        room_id=room_id,
        seq=seq,
        state=room_state(session, room_id),
        room=room_record(session.get(Room, room_id)),
        columns=list(records.values()),
        queue=queue,
        takeaways=takeaways.takeaways_of(session, room_id),
        presence=presence_of(session, room_id),
    )
