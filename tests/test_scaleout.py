"""Two real server processes on PostgreSQL and Redis, as behind a load balancer.

Both start at once (so they also race to migrate and load sessions_config); members
connect to either, with no stickiness, and must see one board.
"""

import asyncio

import pytest
from sqlalchemy import text

from server.settings import Settings
from server.store.database import Database

from .bot import Member
from .helpers import MYK, column_ids, room_ids
from .servers import ServerProcess


@pytest.fixture
def servers(scaleout_env, tmp_path):
    # Scripts post faster than people: the limits have tests of their own (tests/abuse).
    env = {**scaleout_env, "LIMIT_POST": "1000 per minute"}
    started = [ServerProcess(env, tmp_path) for _ in range(2)]
    try:
        for server in started:
            server.launch()
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.terminate()


def database_of(servers) -> Database:
    return Database(servers[0].env["DATABASE_URL"])


def room_and_column(servers, slug: str = "narrative-der-smart-city") -> tuple[int, int]:
    settings = Settings(database_url=servers[0].env["DATABASE_URL"])
    room = room_ids(settings)[slug]
    return room, column_ids(settings, room)[0]


async def test_members_on_two_processes_see_each_others_cards_live(servers, crowd):
    room, column = room_and_column(servers)
    anna = crowd(await Member.join(servers[0].base, MYK, "Anna"))
    ben = crowd(await Member.join(servers[1].base, MYK, "Ben"))
    await anna.enter(room)
    await ben.enter(room)

    await anna.post(column, "Von Prozess eins")
    await ben.until(lambda m: m.texts(column) == ["Von Prozess eins"])
    await ben.post(column, "Von Prozess zwei")
    await anna.until(lambda m: m.texts(column) == ["Von Prozess eins", "Von Prozess zwei"])

    await ben.until(lambda m: len(m.texts(column)) == 2)
    await anna.until(lambda m: len(m.members) == 2)
    assert ben.card_ids() == anna.card_ids()


async def test_concurrent_posts_from_two_processes_are_numbered_without_gaps_in_one_order(
    servers, crowd
):
    room, column = room_and_column(servers)
    members = [
        crowd(await Member.join(servers[n % 2].base, MYK, f"Person {n}", "Mayen")) for n in range(6)
    ]
    for member in members:
        await member.enter(room)
    await asyncio.gather(
        *(m.post(column, f"{m.name}: Idee {k}") for k in range(10) for m in members)
    )
    for member in members:
        await member.until(lambda m: len(m.texts(column)) == 60, timeout=20)

    database = database_of(servers)
    seqs, card_order = database.run_read(
        lambda s: (
            s.execute(text(f"SELECT seq FROM event WHERE room_id = {room} ORDER BY seq"))
            .scalars()
            .all(),
            s.execute(
                text(
                    "SELECT (payload::json->'cards'->>0)::int FROM event "
                    f"WHERE room_id = {room} AND type = 'card_posted' ORDER BY seq"
                )
            )
            .scalars()
            .all(),
        )
    )
    database.close()
    assert seqs == list(range(1, len(seqs) + 1))
    assert card_order == sorted(card_order)  # the order of the log is the order of the board
    for member in members:
        assert [card for card, _ in member.columns[column]] == card_order


async def test_one_command_sent_to_both_processes_at_once_applies_once(servers, crowd):
    room, column = room_and_column(servers)
    anna = crowd(await Member.join(servers[0].base, MYK, "Anna"))
    anna_elsewhere = crowd(Member(servers[1].base, anna.cookie, "Anna"))
    await anna.enter(room)
    await anna_elsewhere.enter(room)

    for n in range(10):
        cid = f"twice-{n}"
        await asyncio.gather(
            anna.post(column, f"Einmal {n}", cid), anna_elsewhere.post(column, f"Einmal {n}", cid)
        )
        await anna.until(lambda m, cid=cid: cid in m.replies, timeout=10)
        await anna_elsewhere.until(lambda m, cid=cid: cid in m.replies, timeout=10)
        assert anna.replies[cid] is None and anna_elsewhere.replies[cid] is None

    await anna.until(lambda m: len(m.texts(column)) == 10)
    assert anna.texts(column) == [f"Einmal {n}" for n in range(10)]
