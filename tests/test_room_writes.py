"""On PostgreSQL, writes to one room wait for each other and not for other rooms.

Two `Database`s on one schema stand for two worker processes. A write confined to a room
(a room's command: `run_write(..., room_only=True)`, which locks its room first, as
services/change.py does) is held open in one; the other's writes then show what waits.
Within one process, rooms on different writer threads go on side by side as well.
"""

import asyncio
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StillWaiting

import pytest
from sqlmodel import select

from server.services.config_files import load_into
from server.settings import PROJECT_ROOT
from server.store import rooms
from server.store.database import POSTGRES_WRITE_THREADS, Database
from server.store.events import room_log
from server.store.tables import Room

from .helpers import backends_of
from .services import fill_with_newest_schema, postgres_schema

SHIPPED = PROJECT_ROOT / "sessions_config" / "regionalkonferenz-mayen-koblenz-2022.yaml"
WAITS = 0.5  # long enough to tell a write that waits from one that does not
ANSWERS = 10  # at most, for a write that must not wait (or no longer)


@pytest.fixture
def two_workers():
    with postgres_schema() as url:
        fill_with_newest_schema(url)
        first, second = Database(url), Database(url)
        try:
            first.migrate()
            load_into(backends_of(first), [SHIPPED])
            yield first, second
        finally:
            first.close()
            second.close()


@pytest.fixture
def room_of(two_workers):
    with two_workers[0].session() as session:
        ids = {room.slug: room.id for room in session.exec(select(Room))}
    return ids.__getitem__


def held_open(room_id: int):
    """A room's write that has locked its room and waits to be let go: (held, let go)."""
    held, let_go = threading.Event(), threading.Event()

    def work(session) -> None:
        rooms.lock_room(session, room_id)
        room_log.append(session, room_id, "test_held", {})
        held.set()
        assert let_go.wait(ANSWERS * 2)

    return held, let_go, work


def event_in(room_id: int):
    def work(session) -> int:
        rooms.lock_room(session, room_id)
        return room_log.append(session, room_id, "test_event", {})

    return work


@contextlib.contextmanager
def held(pool: ThreadPoolExecutor, database: Database, room_id: int, room_only: bool = True):
    """A write to the room that has locked it, held open in `database` for the block."""
    is_held, let_go, work = held_open(room_id)
    holding = pool.submit(database.run_write, work, room_only)
    assert is_held.wait(ANSWERS)
    try:
        yield
    finally:
        let_go.set()
        holding.result(timeout=ANSWERS)


def waits(future) -> bool:
    try:
        future.result(timeout=WAITS)
    except StillWaiting:
        return True
    return False


def test_a_write_held_open_in_one_room_does_not_hold_up_another_room(two_workers, room_of):
    first, second = two_workers
    a, b = room_of("narrative-der-smart-city"), room_of("strategieentwicklung")
    with ThreadPoolExecutor(max_workers=3) as pool:
        with held(pool, first, a):
            other_room = pool.submit(second.run_write, event_in(b), True)
            assert other_room.result(timeout=ANSWERS) == 1  # while room A's write is open
            same_room = pool.submit(second.run_write, event_in(a), True)
            assert waits(same_room)
        assert same_room.result(timeout=ANSWERS) == 2  # after the held one, in the room's order


def test_a_write_beyond_one_room_waits_for_the_rooms_and_they_for_it(two_workers, room_of):
    first, second = two_workers
    a, b = room_of("narrative-der-smart-city"), room_of("strategieentwicklung")
    with ThreadPoolExecutor(max_workers=3) as pool:
        # Entering a room, the plenary, breakouts: they hold the write lock alone.
        with held(pool, first, a):
            beyond = pool.submit(second.run_write, event_in(b))
            assert waits(beyond)
        assert beyond.result(timeout=ANSWERS) == 1
        with held(pool, first, b, room_only=False):
            room_write = pool.submit(second.run_write, event_in(a), True)
            assert waits(room_write)
        assert room_write.result(timeout=ANSWERS) == 2


async def test_one_process_writes_to_rooms_on_other_threads_while_one_is_held(two_workers, room_of):
    database = two_workers[0]
    a = room_of("narrative-der-smart-city")
    b = next(
        room_of(slug)
        for slug in ("strategieentwicklung", "erfolgreiche-akteursnetzwerke")
        if room_of(slug) % POSTGRES_WRITE_THREADS != a % POSTGRES_WRITE_THREADS
    )
    held, let_go, hold = held_open(a)
    holding = asyncio.create_task(database.write(hold, room_id=a))
    assert await asyncio.to_thread(held.wait, ANSWERS)
    try:
        async with asyncio.timeout(ANSWERS):
            assert await database.write(event_in(b), room_id=b) == 1
        same_room = asyncio.create_task(database.write(event_in(a), room_id=a))
        await asyncio.sleep(WAITS)
        assert not same_room.done()  # behind the held one, on the room's thread
    finally:
        let_go.set()
    await holding
    assert await same_room == 2
