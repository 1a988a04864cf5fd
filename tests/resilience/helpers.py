"""Shared by the resilience tests: the room they crowd, the database's board as the truth
to compare with, and waiting until every participant has caught up with it."""

from collections import defaultdict

from sqlalchemy import text

from server.settings import Settings
from server.store.database import Database

from ..helpers import column_ids, room_ids
from .client import Participant

ROOM = "narrative-der-smart-city"


def room_and_column(database_url: str) -> tuple[int, int]:
    settings = Settings(database_url=database_url)
    room = room_ids(settings)[ROOM]
    return room, column_ids(settings, room)[0]


def database_board(database_url: str, room_id: int) -> tuple[int, dict[int, list[int]], list[str]]:
    """The room's last seq, its cards by column (oldest first) and every card text."""
    database = Database(database_url)
    try:
        seq, rows = database.run_read(
            lambda s: (
                s.execute(text(f"SELECT last_seq FROM room WHERE id = {room_id}")).scalar_one(),
                s.execute(
                    text(
                        "SELECT column_id, id, text FROM card "
                        f"WHERE room_id = {room_id} ORDER BY id"
                    )
                ).all(),
            )
        )
    finally:
        database.close()
    columns: dict[int, list[int]] = defaultdict(list)
    for column, card, _ in rows:
        columns[column].append(card)
    return seq, dict(columns), [row[2] for row in rows]


async def converge(crowd: list[Participant], database_url: str, room_id: int, timeout=30):
    """Wait until every command is answered and every participant is at the database's
    last seq; returns the database's board."""
    for participant in crowd:
        await participant.wait_for(lambda p: not p.pending, timeout)
    seq, columns, texts = database_board(database_url, room_id)
    for participant in crowd:
        # At least there: members still coming back after a drop add presence events.
        await participant.wait_for(lambda p, seq=seq: (p.seq or 0) >= seq, timeout)
    return columns, texts


def board_of(participant: Participant) -> dict[int, list[int]]:
    return {c: [card for card, _ in cards] for c, cards in participant.columns.items() if cards}
