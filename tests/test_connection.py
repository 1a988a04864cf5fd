"""A socket that keeps up is written to inline; one that stalls never holds up the rest."""

import asyncio

from server.domain.audience import Audience
from server.realtime.connection import Connection

from .helpers import FakeSocket

AUDIENCE = Audience("participant", "de")


async def test_a_socket_that_keeps_up_gets_frames_inline_without_a_task():
    socket = FakeSocket()
    connection = Connection(socket.send, 1, AUDIENCE)
    tasks_before = len(asyncio.all_tasks())

    connection.deliver("a")
    connection.deliver("b")

    assert socket.received == ["a", "b"]
    assert len(asyncio.all_tasks()) == tasks_before


async def test_a_stalled_socket_gets_its_backlog_in_order_once_it_drains():
    socket = FakeSocket()
    socket.gate = asyncio.Event()
    connection = Connection(socket.send, 1, AUDIENCE)

    for frame in ("a", "b", "c"):
        connection.deliver(frame)
    assert socket.received == []
    socket.gate.set()
    await socket.until(lambda: len(socket.received) == 3)

    assert socket.received == ["a", "b", "c"]
    connection.deliver("d")
    assert socket.received == ["a", "b", "c", "d"]


async def test_a_socket_stalled_for_a_while_is_kept_and_catches_up():
    # The socket drains only after the drainer has started waiting (a slow network, a
    # big snapshot); a socket that drains at once is the case above.
    socket = FakeSocket()
    socket.gate = asyncio.Event()
    connection = Connection(socket.send, 1, AUDIENCE)

    connection.deliver("snapshot")
    await asyncio.sleep(0)  # one turn of the loop: the drainer starts and waits
    connection.deliver("delta")
    await asyncio.sleep(0)
    assert socket.received == [] and not connection.dropped
    socket.gate.set()
    await socket.until(lambda: len(socket.received) == 2)

    assert socket.received == ["snapshot", "delta"]
    assert not connection.dropped


async def test_a_socket_too_far_behind_is_dropped_and_others_are_unaffected():
    slow, quick = FakeSocket(), FakeSocket()
    slow.gate = asyncio.Event()
    slow_connection = Connection(slow.send, 1, AUDIENCE, backlog_limit=10)
    quick_connection = Connection(quick.send, 2, AUDIENCE, backlog_limit=10)

    for n in range(5):
        for connection in (slow_connection, quick_connection):
            connection.deliver(f"frame{n}")

    assert slow_connection.dropped
    assert not quick_connection.dropped
    assert quick.received == [f"frame{n}" for n in range(5)]


async def test_a_socket_that_fails_is_dropped():
    async def broken(frame: str) -> None:
        raise ConnectionError("gone")

    connection = Connection(broken, 1, AUDIENCE)
    connection.deliver("a")
    assert connection.dropped
