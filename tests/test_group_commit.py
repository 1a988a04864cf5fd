"""Commands to one room that queue up while a transaction is in flight are committed
together in the next one (store/database.py, `Database.write`): each in the order it
came, with its own seq and outcome, and one that is refused takes nothing with it."""

import asyncio
import threading

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from server.domain.errors import DomainError
from server.store import rooms
from server.store.database import Database
from server.store.events import room_log
from server.store.tables import Room

from .helpers import shipped_conference_in


@pytest.fixture
def database(database_url):
    with shipped_conference_in(database_url) as database:
        yield database


@pytest.fixture
def room(database) -> int:
    with database.session() as session:
        return session.exec(select(Room.id).order_by(Room.id)).first()


def command(room_id: int, refused: bool = False):
    """What a room's command writes: its room locked first, then its event."""

    def work(session) -> int:
        rooms.lock_room(session, room_id)
        seq = room_log.append(session, room_id, "test_event", {})
        if refused:
            raise DomainError("board_locked")
        return seq

    return work


def commits_of(database: Database) -> list[int]:
    counted = [0]

    def count(_connection) -> None:
        counted[0] += 1

    event.listen(database.engine, "commit", count)
    return counted


async def test_commands_queued_behind_a_transaction_are_committed_together(database, room):
    lane = ("room", room)
    let_go = threading.Event()

    def held(session) -> int:
        seq = command(room)(session)
        assert let_go.wait(10)
        return seq

    holding = asyncio.create_task(database.write(held, lane))
    await asyncio.sleep(0.2)  # the writer thread is in the held transaction now
    commits = commits_of(database)
    queued = [
        asyncio.create_task(database.write(command(room, refused=n == 2), lane)) for n in range(5)
    ]
    await asyncio.sleep(0.1)
    let_go.set()
    assert await holding == 1
    outcomes = await asyncio.gather(*queued, return_exceptions=True)

    assert outcomes[:2] == [2, 3] and outcomes[3:] == [4, 5]  # in the order they came
    assert isinstance(outcomes[2], DomainError)  # refused, and what it wrote rolled back
    assert commits[0] == 2  # the held transaction, then one for the five
    with database.session() as session:
        seqs = session.exec(text(f"SELECT seq FROM event WHERE room_id = {room} ORDER BY seq"))
        assert [row[0] for row in seqs] == [1, 2, 3, 4, 5]


async def test_a_command_alone_is_its_own_transaction_and_its_refusal_its_own(database, room):
    lane = ("room", room)
    assert await database.write(command(room), lane) == 1
    with pytest.raises(DomainError):
        await database.write(command(room, refused=True), lane)
    assert await database.write(command(room), lane) == 2
