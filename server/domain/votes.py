"""Dot voting: a budget of dots per participant and room, several per card if allowed."""

from dataclasses import dataclass
from datetime import datetime

from .board import CardFacts, CardStatus
from .errors import DomainError
from .permissions import Action, Role, require
from .phases import RoomState, require_voting_open


@dataclass(frozen=True)
class MyVotes:
    """One participant's dots in one room: what they see as "dots left"."""

    budget: int
    per_card: dict[int, int]

    @property
    def used(self) -> int:
        return sum(self.per_card.values())

    @property
    def left(self) -> int:
        return max(0, self.budget - self.used)


def cast(
    role: Role,
    state: RoomState,
    voter_id: int,
    card: CardFacts | None,
    mine: MyVotes,
    now: datetime,
) -> None:
    """Allow one more dot on `card`, or say why not.

    `mine` must be read after the room's write lock is taken (see services/votes.py):
    two sockets of one person voting at once then see each other's dots.
    """
    require(role, Action.VOTE)
    require_voting_open(role, state, now)
    if card is None or card.status != CardStatus.VISIBLE:
        raise DomainError("unknown_card")
    settings = state.settings
    if card.author_id == voter_id and not settings.vote_on_own_cards:
        raise DomainError("vote_own_card")
    if mine.used >= mine.budget:
        raise DomainError("vote_budget_spent", budget=mine.budget)
    if mine.per_card.get(card.id, 0) >= settings.max_votes_per_card:
        raise DomainError("vote_card_full", max=settings.max_votes_per_card)


def withdraw(
    role: Role, state: RoomState, card: CardFacts | None, mine: MyVotes, now: datetime
) -> None:
    require(role, Action.VOTE)
    require_voting_open(role, state, now)
    if card is None or mine.per_card.get(card.id, 0) == 0:
        raise DomainError("vote_none_to_withdraw")
