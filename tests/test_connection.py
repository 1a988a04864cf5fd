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


async def test_a_big_frame_the_client_never_takes_counts_toward_the_limit():
    # The snapshot went straight into the transport; the client stopped reading, so the
    # next send waits. The snapshot still sits there: with it, the socket is past the
    # limit, and the grace (none here) runs out.
    socket = FakeSocket()
    connection = Connection(socket.send, 1, AUDIENCE, backlog_limit=100, grace=0)
    connection.deliver("s" * 90)
    socket.gate = asyncio.Event()

    connection.deliver("delta-1")
    connection.deliver("delta-2")
    await asyncio.sleep(0.001)  # the grace's timer fires

    assert connection.dropped
    assert socket.received == ["s" * 90]


async def test_a_client_that_takes_a_big_frame_within_the_grace_is_kept():
    socket = FakeSocket()
    connection = Connection(socket.send, 1, AUDIENCE, backlog_limit=100)
    connection.deliver("s" * 90)
    socket.gate = asyncio.Event()
    connection.deliver("delta-1")
    connection.deliver("delta-2")

    socket.gate.set()  # the client read the snapshot: the deltas follow
    await socket.until(lambda: len(socket.received) == 3)
    await asyncio.sleep(0)

    assert not connection.dropped
    connection.deliver("delta-3")
    assert socket.received[-1] == "delta-3"


async def test_frames_the_client_took_no_longer_count():
    socket = FakeSocket()
    connection = Connection(socket.send, 1, AUDIENCE, backlog_limit=100, grace=0)
    socket.gate = asyncio.Event()
    connection.deliver("s" * 60)  # waits, then goes into the transport
    socket.gate.set()
    await socket.until(lambda: len(socket.received) == 1)
    socket.gate.clear()

    for n in range(5):  # each waits; the one before it has left the transport
        connection.deliver(f"d{n}" + "x" * 30)
        socket.gate.set()
        await socket.until(lambda n=n: len(socket.received) == n + 2)
        socket.gate.clear()

    assert not connection.dropped


async def test_a_socket_that_takes_a_frame_at_once_is_written_without_its_send():
    socket = FakeSocket()
    written: list[str] = []
    takes = True

    def write(frame: str) -> bool:  # the server's write_text: False when it would wait
        if takes:
            written.append(frame)
        return takes

    connection = Connection(socket.send, 1, AUDIENCE, write=write)
    connection.deliver("a")
    assert written == ["a"] and socket.received == []

    takes = False  # paused: the frame goes the ordinary way, and so does the next one
    socket.gate = asyncio.Event()
    connection.deliver("b")
    takes = True
    connection.deliver("c")
    socket.gate.set()
    await socket.until(lambda: socket.received == ["b", "c"])
    assert written == ["a"]

    connection.deliver("d")  # caught up: at once again
    assert written == ["a", "d"]
