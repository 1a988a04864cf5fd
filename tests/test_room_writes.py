"""On PostgreSQL, the commands to one room (or one plenary) wait for each other, not for
other rooms' and plenaries'.

Two `Database`s on one schema stand for two worker processes. A command's write (shared:
`run_write(..., shared=True)`, locking its room or plenary first, as services/change.py
does) is held open in one; the other's writes then show what waits. Within one process,
rooms on different writer threads go on side by side as well.
"""

import asyncio
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StillWaiting

import pytest
from sqlmodel import Session, select

from server.store import plenary, rooms
from server.store.database import POSTGRES_WRITE_THREADS, Database
from server.store.events import plenary_log, room_log
from server.store.tables import Room

from .helpers import shipped_conference_in
from .services import fill_with_newest_schema, postgres_schema

WAITS = 0.5  # long enough to tell a write that waits from one that does not
ANSWERS = 10  # at most, for a write that must not wait (or no longer)

Work = Callable[[Session], int]


@pytest.fixture
def two_workers():
    with postgres_schema() as url:
        fill_with_newest_schema(url)
        with shipped_conference_in(url) as first, shipped_conference_in(url) as second:
            yield first, second


@pytest.fixture
def room_of(two_workers):
    with two_workers[0].session() as session:
        ids = {room.slug: room.id for room in session.exec(select(Room))}
    return ids.__getitem__


@pytest.fixture
def conference(two_workers):
    with two_workers[0].session() as session:
        return session.exec(select(Room.conference_id)).first()


def room_command(room_id: int) -> Work:
    """What a room's command writes: its room locked first, then its event."""

    def work(session) -> int:
        rooms.lock_room(session, room_id)
        return room_log.append(session, room_id, "test_event", {})

    return work


def plenary_command(conference_id: int, told_room: int | None = None) -> Work:
    """What a plenary's command writes: its plenary locked first, then its event, and one
    for a room it tells (an announcement to that room)."""

    def work(session) -> int:
        plenary.lock(session, conference_id)
        if told_room is not None:
            room_log.append(session, told_room, "test_told", {})
        return plenary_log.append(session, conference_id, "test_event", {})

    return work


def held_open(command: Work):
    """`command` written, its transaction then waiting to be let go: (held, let go, work)."""
    held, let_go = threading.Event(), threading.Event()

    def work(session) -> None:
        command(session)
        held.set()
        assert let_go.wait(ANSWERS * 2)

    return held, let_go, work


@contextlib.contextmanager
def held(pool: ThreadPoolExecutor, database: Database, command: Work, shared: bool = True):
    """`command` held open in `database` for the block."""
    is_held, let_go, work = held_open(command)
    holding = pool.submit(database.run_write, work, shared)
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
        with held(pool, first, room_command(a)):
            other_room = pool.submit(second.run_write, room_command(b), True)
            assert other_room.result(timeout=ANSWERS) == 1  # while room A's write is open
            same_room = pool.submit(second.run_write, room_command(a), True)
            assert waits(same_room)
        assert same_room.result(timeout=ANSWERS) == 2  # after the held one, in the room's order


def test_a_plenary_command_goes_on_beside_rooms_and_waits_for_its_plenary(
    two_workers, room_of, conference
):
    first, second = two_workers
    a, b = room_of("narrative-der-smart-city"), room_of("strategieentwicklung")
    with ThreadPoolExecutor(max_workers=4) as pool:
        with held(pool, first, room_command(a)):
            question_vote = pool.submit(second.run_write, plenary_command(conference), True)
            assert question_vote.result(timeout=ANSWERS) == 1
        # Held open, telling room A: room B goes on, room A and the plenary wait.
        with held(pool, first, plenary_command(conference, told_room=a)):
            other_room = pool.submit(second.run_write, room_command(b), True)
            assert other_room.result(timeout=ANSWERS) == 1
            told_room = pool.submit(second.run_write, room_command(a), True)
            same_plenary = pool.submit(second.run_write, plenary_command(conference), True)
            assert waits(told_room) and waits(same_plenary)
        assert told_room.result(timeout=ANSWERS) == 3  # after the held one's told event
        assert same_plenary.result(timeout=ANSWERS) == 3


def test_a_write_beyond_one_command_waits_for_the_commands_and_they_for_it(two_workers, room_of):
    first, second = two_workers
    a, b = room_of("narrative-der-smart-city"), room_of("strategieentwicklung")
    with ThreadPoolExecutor(max_workers=3) as pool:
        # Entering a room, the console: they hold the write lock alone.
        with held(pool, first, room_command(a)):
            beyond = pool.submit(second.run_write, room_command(b))
            assert waits(beyond)
        assert beyond.result(timeout=ANSWERS) == 1
        with held(pool, first, room_command(b), shared=False):
            room_write = pool.submit(second.run_write, room_command(a), True)
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
    is_held, let_go, hold = held_open(room_command(a))
    holding = asyncio.create_task(database.write(hold, lane=("room", a)))
    assert await asyncio.to_thread(is_held.wait, ANSWERS)
    try:
        async with asyncio.timeout(ANSWERS):
            assert await database.write(room_command(b), lane=("room", b)) == 1
        same_room = asyncio.create_task(database.write(room_command(a), lane=("room", a)))
        await asyncio.sleep(WAITS)
        assert not same_room.done()  # behind the held one, on the room's thread
    finally:
        let_go.set()
    await holding
    assert await same_room == 2


def test_a_deployment_in_another_schema_of_the_database_does_not_wait_for_this_ones_writes(
    two_workers, room_of
):
    """Advisory locks belong to the whole database: two schemas of one database (two
    deployments, or two tests running side by side) must not queue behind each other."""
    first = two_workers[0]
    with postgres_schema() as url:
        fill_with_newest_schema(url)
        with shipped_conference_in(url) as elsewhere:
            elsewhere_room = _any_room(elsewhere)
            held_here = room_command(room_of("strategieentwicklung"))
            with (
                ThreadPoolExecutor(max_workers=2) as pool,
                held(pool, first, held_here, shared=False),
            ):
                alone = pool.submit(elsewhere.run_write, room_command(elsewhere_room))
                assert alone.result(timeout=ANSWERS) == 1


def _any_room(database: Database) -> int:
    with database.session() as session:
        return session.exec(select(Room.id)).first()
