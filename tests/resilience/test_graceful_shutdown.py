"""SIGTERM: sockets are closed with "server restarting", and clients come back."""

import signal

from .helpers import board_of, converge, room_and_column

MEMBERS = 5


async def test_sigterm_says_server_restarting_and_members_reconnect_by_themselves(
    tmp_path, start_servers, participants
):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'plenum.db'}"}
    (server,) = start_servers(env)
    room, column = room_and_column(env["DATABASE_URL"])
    crowd = await participants([server.base], MEMBERS, room)

    # uvicorn shuts down cleanly, then re-raises the signal so the exit status tells why.
    assert server.terminate(timeout=15) in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in server.log()
    for participant in crowd:
        await participant.wait_for(lambda p: p.close_codes, timeout=5)
    server.start()  # same port, as a process manager restarts it
    for participant in crowd:
        await participant.wait_for(lambda p: p.seq is not None, timeout=30)
    await crowd[0].post(column, "Nach dem Neustart")
    columns, texts = await converge(crowd, env["DATABASE_URL"], room)

    assert all(p.close_codes[0] == (1012, "server restarting") for p in crowd)
    assert texts == ["Nach dem Neustart"]
    assert all(board_of(p) == columns for p in crowd)
