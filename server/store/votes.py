"""Dots on cards. Built once: a voting frenzy runs these hundreds of times a second."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, func, insert, select, update

from ..domain.votes import MyVotes
from .tables import Room, Vote

_MINE = (
    select(Vote.card_id, func.count())
    .where(Vote.room_id == bindparam("room"), Vote.participant_id == bindparam("voter"))
    .group_by(Vote.card_id)
)
_OF_VOTERS = (
    select(Vote.participant_id, Vote.card_id, func.count())
    .where(
        Vote.room_id == bindparam("room"), Vote.participant_id.in_(bindparam("ids", expanding=True))
    )
    .group_by(Vote.participant_id, Vote.card_id)
)
_BUDGET = select(Room.vote_budget).where(Room.id == bindparam("room"))
_INSERT = insert(Vote)
_LATEST = (
    select(Vote.id)
    .where(Vote.card_id == bindparam("card"), Vote.participant_id == bindparam("voter"))
    .order_by(Vote.id.desc())
    .limit(1)
)
_DELETE = delete(Vote).where(Vote.id == bindparam("vote"))
_TOTALS = (
    select(Vote.card_id, func.count())
    .where(Vote.card_id.in_(bindparam("ids", expanding=True)))
    .group_by(Vote.card_id)
)


def my_votes(session, room_id: int, voter_id: int) -> MyVotes:
    connection = session.connection()
    budget = connection.execute(_BUDGET, {"room": room_id}).scalar_one()
    rows = connection.execute(_MINE, {"room": room_id, "voter": voter_id})
    return MyVotes(budget=budget, per_card=dict(rows.all()))


def my_votes_of(session, room_id: int, voter_ids: Iterable[int]) -> dict[int, MyVotes]:
    connection = session.connection()
    ids = list(voter_ids)
    budget = connection.execute(_BUDGET, {"room": room_id}).scalar_one()
    per_voter: dict[int, dict[int, int]] = defaultdict(dict)
    for voter, card, count in connection.execute(_OF_VOTERS, {"room": room_id, "ids": ids}):
        per_voter[voter][card] = count
    return {voter: MyVotes(budget=budget, per_card=per_voter.get(voter, {})) for voter in ids}


def add(session, room_id: int, card_id: int, voter_id: int) -> None:
    values = {
        "room_id": room_id,
        "card_id": card_id,
        "participant_id": voter_id,
        "created_at": datetime.now(UTC),
    }
    session.connection().execute(_INSERT, values)


def remove_latest(session, card_id: int, voter_id: int) -> None:
    connection = session.connection()
    vote = connection.execute(_LATEST, {"card": card_id, "voter": voter_id}).scalar_one()
    connection.execute(_DELETE, {"vote": vote})


def totals(session, card_ids: Iterable[int]) -> dict[int, int]:
    ids = list(card_ids)
    counted = dict(session.connection().execute(_TOTALS, {"ids": ids}).all())
    return {card: counted.get(card, 0) for card in ids}


def on_cards(session, card_ids: list[int]) -> list[tuple[int, int, int]]:
    """(vote id, card id, voter id) for the dots on these cards."""
    rows = session.connection().execute(
        select(Vote.id, Vote.card_id, Vote.participant_id).where(Vote.card_id.in_(card_ids))
    )
    return [tuple(row) for row in rows]


def move(session, vote_ids: list[int], card_id: int) -> None:
    if vote_ids:
        session.execute(update(Vote).where(Vote.id.in_(vote_ids)).values(card_id=card_id))


def delete_on_card(session, card_id: int) -> list[int]:
    """Give the dots on a deleted card back to their voters; returns who they were."""
    voters = [voter for _, _, voter in on_cards(session, [card_id])]
    session.execute(delete(Vote).where(Vote.card_id == card_id))
    return voters
