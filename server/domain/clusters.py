"""Clustering: grouping a column's cards under a name, as moderators do after collecting."""

from dataclasses import dataclass

from .board import LIVE, CardFacts, CardStatus
from .errors import DomainError
from .permissions import Action, Role, require
from .text import clean_text

MAX_CLUSTER_NAME_LENGTH = 80


@dataclass(frozen=True)
class ClusterFacts:
    id: int
    column_id: int
    name: str


def cluster_name(name: str) -> str:
    cleaned = clean_text(name, multiline=False)
    if not cleaned:
        raise DomainError("cluster_name_missing")
    if len(cleaned) > MAX_CLUSTER_NAME_LENGTH:
        raise DomainError("cluster_name_too_long", max=MAX_CLUSTER_NAME_LENGTH)
    return cleaned


def _groupable(cards: list[CardFacts | None]) -> list[CardFacts]:
    """Cards to put into a cluster: at least one, all on the board and in one column.

    A cluster belongs to one column (one prompt), as in a retrospective's groups.
    """
    if not cards:
        raise DomainError("cluster_no_cards")
    if any(card is None or card.status not in LIVE for card in cards):
        raise DomainError("unknown_card")
    if any(card.status == CardStatus.PENDING for card in cards):
        raise DomainError("cluster_pending")
    if len({card.column_id for card in cards}) > 1:
        raise DomainError("cluster_columns")
    return cards


def group(role: Role, cards: list[CardFacts | None], name: str) -> str:
    """Put cards into a new cluster; returns its cleaned name."""
    require(role, Action.CLUSTER_CARDS)
    _groupable(cards)
    return cluster_name(name)


def add_to(role: Role, cards: list[CardFacts | None], cluster: ClusterFacts | None) -> None:
    require(role, Action.CLUSTER_CARDS)
    if cluster is None:
        raise DomainError("unknown_cluster")
    live = _groupable(cards)
    if live[0].column_id != cluster.column_id:
        raise DomainError("cluster_columns")
    if all(card.cluster_id == cluster.id for card in live):
        raise DomainError("card_unchanged")


def take_out(role: Role, cards: list[CardFacts | None]) -> None:
    require(role, Action.CLUSTER_CARDS)
    if not cards or any(card is None or card.status not in LIVE for card in cards):
        raise DomainError("unknown_card")
    if all(card.cluster_id is None for card in cards):
        raise DomainError("card_not_clustered")


def rename(role: Role, cluster: ClusterFacts | None, name: str) -> str:
    require(role, Action.CLUSTER_CARDS)
    if cluster is None:
        raise DomainError("unknown_cluster")
    cleaned = cluster_name(name)
    if cleaned == cluster.name:
        raise DomainError("cluster_unchanged")
    return cleaned


def ungroup(role: Role, cluster: ClusterFacts | None) -> None:
    require(role, Action.CLUSTER_CARDS)
    if cluster is None:
        raise DomainError("unknown_cluster")
