"""The server process is killed mid-session (SIGKILL) and started again."""

import asyncio

import pytest

from .helpers import board_of, converge, room_and_column

MEMBERS, CARDS_EACH = 10, 10


@pytest.fixture(params=["sqlite", "postgres"])
def restart_env(request, tmp_path):
    if request.param == "sqlite":
        # The embedded default: SQLite in WAL mode (synchronous=NORMAL), one process.
        return {"DATABASE_URL": f"sqlite:///{tmp_path / 'plenum.db'}", "BROADCAST_URL": "memory://"}
    return request.getfixturevalue("scaleout_env")  # PostgreSQL, normal durability


async def test_every_acknowledged_card_survives_a_killed_server_and_clients_converge(
    restart_env, start_servers, participants, report, request
):
    (server,) = start_servers(restart_env)
    url = restart_env["DATABASE_URL"]
    room, column = room_and_column(url)
    crowd = await participants([server.base], MEMBERS, room)
    halfway = asyncio.Event()

    async def post_cards(participant) -> None:
        for k in range(CARDS_EACH):
            await participant.post(column, f"{participant.name}: Idee {k}")
            if k == CARDS_EACH // 2:
                halfway.set()
            await asyncio.sleep(0.05)

    posting = asyncio.gather(*(post_cards(p) for p in crowd))
    await asyncio.wait_for(halfway.wait(), 30)
    server.kill()  # SIGKILL: no clean-up, as in a crash
    acknowledged = {text for p in crowd for text in p.acknowledged.values()}
    server.start()  # same port; the members reconnect by themselves
    await asyncio.wait_for(posting, 60)
    columns, texts = await converge(crowd, url, room)

    posted = sorted(f"{p.name}: Idee {k}" for p in crowd for k in range(CARDS_EACH))
    report(
        {
            "test": f"restart-{request.node.callspec.params['restart_env']}",
            "cards_posted": len(posted),
            "acknowledged_before_kill": len(acknowledged),
            "cards_in_database": len(texts),
            "acknowledged_lost": len(acknowledged - set(texts)),
            "losses": len(set(posted) - set(texts)),
            "duplicates": len(texts) - len(set(texts)),
            "reconnects": sum(p.reconnects for p in crowd),
        }
    )
    assert acknowledged and acknowledged <= set(texts)
    assert sorted(texts) == posted  # re-sent commands applied once: nothing lost, nothing twice
    assert all(p.reconnects >= 1 for p in crowd)
    assert all(board_of(p) == columns for p in crowd)
