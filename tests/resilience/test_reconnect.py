"""Fifty members post while random members lose their connection and come back."""

import asyncio
import random

from websockets.protocol import State

from .helpers import board_of, converge, room_and_column

MEMBERS, CARDS_EACH = 50, 4


async def test_members_that_drop_and_reconnect_all_end_with_the_database_board(
    scaleout_env, start_servers, participants, report
):
    servers = start_servers(scaleout_env, count=2)
    url = scaleout_env["DATABASE_URL"]
    room, column = room_and_column(url)
    crowd = await participants([s.base for s in servers], MEMBERS, room)
    rng = random.Random(6)
    stop = asyncio.Event()

    async def drop_at_random() -> int:
        drops = 0
        # Until the posting is over, and at least half the members were dropped once.
        while not stop.is_set() or drops < MEMBERS // 2:
            victim = rng.choice(crowd)
            if victim.socket is not None and victim.socket.state is State.OPEN:
                victim.drop()  # it reconnects by itself, to either server
                drops += 1
            await asyncio.sleep(0.03)  # pace of the faults, not a wait for state
        return drops

    async def post_cards(participant) -> None:
        for k in range(CARDS_EACH):
            await participant.post(column, f"{participant.name}: Idee {k}")
            await asyncio.sleep(rng.uniform(0, 0.4))

    dropping = asyncio.create_task(drop_at_random())
    await asyncio.wait_for(asyncio.gather(*(post_cards(p) for p in crowd)), 60)
    stop.set()
    drops = await asyncio.wait_for(dropping, 30)
    columns, texts = await converge(crowd, url, room)

    posted = sorted(f"{p.name}: Idee {k}" for p in crowd for k in range(CARDS_EACH))
    missing = set(posted) - set(texts)
    duplicates = len(texts) - len(set(texts))
    boards_equal = sum(board_of(p) == columns for p in crowd)
    report(
        {
            "test": "reconnect",
            "members": MEMBERS,
            "servers": 2,
            "cards_posted": len(posted),
            "cards_in_database": len(texts),
            "cards_on_every_client": sorted({sum(map(len, board_of(p).values())) for p in crowd}),
            "drops": drops,
            "reconnects": sum(p.reconnects for p in crowd),
            "losses": len(missing),
            "duplicates": duplicates,
            "clients_equal_to_database": boards_equal,
        }
    )
    assert drops >= MEMBERS // 2
    assert missing == set() and duplicates == 0
    assert sorted(texts) == posted
    assert boards_equal == MEMBERS  # same cards, same order, on every client
