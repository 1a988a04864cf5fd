"""A room as exports show it: the stored board passed through the policy, cards nested
(merged under their target), clustered and sorted by votes. And the plenary's questions."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ..domain.board import CardStatus
from ..domain.questions import Status as QuestionStatus
from ..store.exports import RoomDump, StoredCard, StoredCluster
from ..store.plenary_records import QuestionRecord
from ..store.records import (
    ColumnRecord,
    Moderation,
    TakeawayRecord,
)
from .policy import Policy


@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    author_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class CardView:
    id: int
    column: ColumnRecord
    cluster: StoredCluster | None
    text: str
    author: str
    author_id: int
    organisation: str | None
    status: CardStatus
    highlighted: bool
    created_at: datetime
    edited_at: datetime | None
    edited_by_moderator: bool
    votes: list[datetime]
    comments: list[CommentView]
    merged_into: int | None = None
    merged: list["CardView"] = field(default_factory=list)


@dataclass(frozen=True)
class ClusterView:
    cluster: StoredCluster
    cards: list[CardView]

    @property
    def votes(self) -> int:
        return sum(len(card.votes) for card in self.cards)


@dataclass(frozen=True)
class ColumnView:
    column: ColumnRecord
    clusters: list[ClusterView]
    loose: list[CardView]  # not in a cluster

    def cards(self) -> list[CardView]:
        return [card for cluster in self.clusters for card in cluster.cards] + self.loose


@dataclass(frozen=True)
class RoomView:
    dump: RoomDump
    columns: list[ColumnView]
    takeaways: list[TakeawayRecord]
    moderators: list[str]  # who moderated, as the policy names people; else as planned

    @property
    def room(self):
        return self.dump.room

    def cards(self) -> list[CardView]:
        return [card for column in self.columns for card in column.cards()]

    def card_count(self) -> int:
        """Ideas, with the duplicates folded into them."""
        return sum(1 + len(card.merged) for card in self.cards())


def _by_votes(cards: list[CardView]) -> list[CardView]:
    return sorted(cards, key=lambda card: (-len(card.votes), card.id))


def room_view(dump: RoomDump, policy: Policy) -> RoomView:
    """Cards of archived columns stay out, as they are off the board."""
    columns = {column.id: column for column in dump.columns}
    clusters = {c.id: c for c in dump.clusters if policy.cluster_shown(c)}
    stored = {card.id: card for card in dump.cards}
    shown = {
        card.id: _card(card, columns, clusters, policy)
        for card in dump.cards
        if policy.card_shown(card) and card.column_id in columns
    }
    for card in dump.cards:
        root = _root(card, stored)
        if root is not card and policy.merged_shown(card, root.id in shown):
            shown[root.id].merged.append(_card(card, columns, clusters, policy))
    grouped: dict[int | None, list[CardView]] = defaultdict(list)
    for card in shown.values():
        grouped[card.cluster.id if card.cluster else None].append(card)
    views = []
    for column in dump.columns:
        in_column = [
            ClusterView(cluster, _by_votes(grouped[cluster.id]))
            for cluster in clusters.values()
            if cluster.column_id == column.id and grouped[cluster.id]
        ]
        loose = _by_votes([c for c in grouped[None] if c.column.id == column.id])
        views.append(ColumnView(column, in_column, loose))
    return RoomView(dump, views, dump.takeaways, moderators(dump.moderation, policy))


def moderators(moderation: Moderation, policy: Policy) -> list[str]:
    """Those who accepted an invite, named like everyone (name only with consent, else
    their pseudonym); the names the conference file plans only where nobody accepted."""
    return [policy.name(pid) for pid in moderation.participants] or moderation.planned


def _root(card: StoredCard, stored: dict[int, StoredCard]) -> StoredCard:
    """The card a merged card ended up in (merges can chain)."""
    seen = set()
    while card.merged_into is not None and card.merged_into in stored and card.id not in seen:
        seen.add(card.id)
        card = stored[card.merged_into]
    return card


def _card(
    card: StoredCard,
    columns: dict[int, ColumnRecord],
    clusters: dict[int, StoredCluster],
    policy: Policy,
) -> CardView:
    comments = [
        CommentView(c.id, policy.name(c.author_id), c.author_id, c.text, c.created_at)
        for c in card.comments
    ]
    return CardView(
        id=card.id,
        column=columns[card.column_id],
        cluster=clusters.get(card.cluster_id),
        text=card.text,
        author=policy.name(card.author_id),
        author_id=card.author_id,
        organisation=policy.organisation(card.author_id),
        status=card.status,
        highlighted=card.highlighted,
        created_at=card.created_at,
        edited_at=card.edited_at,
        edited_by_moderator=card.edited_by_moderator,
        votes=card.votes,
        comments=comments,
        merged_into=card.merged_into,
    )


@dataclass(frozen=True)
class QuestionView:
    id: int
    text: str
    author: str
    author_id: int
    organisation: str | None
    status: QuestionStatus
    answered: bool
    votes: int
    created_at: datetime | None


def question_views(questions: list[QuestionRecord], policy: Policy) -> list[QuestionView]:
    """In the plenary's order: open ones by votes, then answered ones."""
    return [
        QuestionView(
            id=q.id,
            text=q.text,
            author=policy.name(q.author_id),
            author_id=q.author_id,
            organisation=policy.organisation(q.author_id),
            status=QuestionStatus(q.status),
            answered=q.answered,
            votes=q.votes,
            created_at=q.created_at,
        )
        for q in questions
        if policy.question_shown(QuestionStatus(q.status))
    ]
