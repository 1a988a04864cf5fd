"""One participant piles up sockets: past the limit they are refused (4429, final), the
count holds across server processes and frees up as sockets close, a socket that stops
reading on a big board is let go rather than held, and everyone else still gets in."""

import asyncio
import socket
import time
from dataclasses import replace

import pytest
import websockets
from sqlmodel import select

from server import socket_protocol
from server.domain.errors import DomainError
from server.realtime.connection import GRACE_SECONDS
from server.store.boards import insert_card
from server.store.database import Database
from server.store.tables import Participant
from server.web import members

from ..bot import Member
from ..helpers import MYK, conference_id
from ..servers import ServerThread

ROOM = "narrative-der-smart-city"
LIMIT = 3
# A board of a few long cards is bigger than this; so are the count updates that others'
# cards (hidden while ideas are collected) send in a few dozen posts.
BACKLOG = 4 * 1024


def seed_board(database_url: str, room_id: int, column_id: int, cards: int) -> None:
    """A flood's cards, put in through the store (posting them would take long)."""
    database = Database(database_url)

    def insert(session) -> None:
        # Posted by someone before everyone else: the newcomers' own caps stay unused.
        author = session.exec(select(Participant.id).order_by(Participant.id)).first()
        for n in range(cards):
            insert_card(session, room_id, column_id, author, f"Flut {n} " + "x" * 480)

    database.run_write(insert)
    database.close()


@pytest.fixture
def settings(settings):
    # One person posts the cards that fill a stalled socket: faster than the posting limit
    # allows, which has tests of its own (test_card_flood.py).
    rules = {**settings.rate_limits, "post": "1000 per minute"}
    return replace(
        settings, sockets_per_room=LIMIT, socket_backlog_bytes=BACKLOG, rate_limits=rules
    )


async def same_person(member: Member, count: int) -> list[Member]:
    """`count` more tabs of one person (the same cookie)."""
    return [Member(member.base, member.cookie, f"{member.name} {n}") for n in range(count)]


async def refused(member: Member, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(websockets.ConnectionClosed):
        await member.open(path)
    # Not at once: a script opening sockets in batches is slowed and spread out.
    assert time.monotonic() - started >= members.REFUSE_SOCKETS_AFTER_SECONDS[0]
    assert member.closed_with == 4429
    assert member.codes == {"enter": "too_many_sockets"}


@pytest.mark.parametrize("path", ["room", "plenary"])
async def test_sockets_past_the_limit_are_refused_until_one_closes(live, path):
    path = (
        f"/ws/rooms/{live.rooms()[ROOM]}"
        if path == "room"
        else f"/ws/conferences/{conference_id(live)}"
    )
    anna = await Member.join(live.base, MYK, "Anna")
    tabs = await same_person(anna, LIMIT + 1)
    for tab in tabs[:LIMIT]:
        await tab.open(path)

    await refused(tabs[LIMIT], path)
    ben = await Member.join(live.base, MYK, "Ben")
    await ben.open(path)  # everyone else still gets in

    await tabs[0].leave()
    again = (await same_person(anna, 1))[0]
    await asyncio.wait_for(_open_when_let_go(again, path), 10)
    assert again.seq is not None


async def _open_when_let_go(member: Member, path: str) -> None:
    """The server counts a closed socket off once it has seen it close: retry until then."""
    while True:
        try:
            await member.open(path)
            return
        except websockets.ConnectionClosed:
            assert member.closed_with == 4429
            member.codes.clear()
            await asyncio.sleep(0.05)


async def test_the_limit_holds_across_server_processes(live):
    other = ServerThread(live.settings)  # a second worker on the same database
    await asyncio.to_thread(other.start)
    try:
        room = live.rooms()[ROOM]
        anna = await Member.join(live.base, MYK, "Anna")
        here, there, extra = await same_person(anna, LIMIT), [], None
        for tab in here[:2]:
            await tab.enter(room)
        there = Member(other.base, anna.cookie, "Anna elsewhere")
        await there.enter(room)
        extra = Member(other.base, anna.cookie, "Anna again")  # the second worker holds one
        await refused(extra, f"/ws/rooms/{room}")
    finally:
        await asyncio.to_thread(other.stop)


def never_reading_socket(live, room: int, cookie: str) -> socket.socket:
    """A room socket opened by hand, whose client reads the handshake and nothing more:
    the kernel's buffers on both sides fill, and the server's sends would wait forever."""
    # Small kernel buffers on both ends (the server's sockets take theirs from the
    # listening one), so what the client leaves unread stays with the server.
    live.server.servers[0].sockets[0].setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", live.port))
    sock.sendall(
        (
            f"GET /ws/rooms/{room} HTTP/1.1\r\nHost: {live.base}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            f"Cookie: {cookie}\r\n\r\n"
        ).encode()
    )
    assert sock.recv(12) == b"HTTP/1.1 101"
    return sock


async def test_a_socket_that_stops_reading_on_a_big_board_is_let_go(live, monkeypatch, request):
    monkeypatch.setattr(socket_protocol, "ABORT_AFTER_SECONDS", 0.2)
    room = live.rooms()[ROOM]
    column = live.columns(room)[0]
    await Member.join(live.base, MYK, "Flut")  # who posted the big board
    anna = await Member.join(live.base, MYK, "Anna")
    # Megabytes of board: more than the kernel's buffers on 127.0.0.1 take in, so most of
    # the snapshot stays with the server; far more than the backlog may hold.
    await asyncio.to_thread(seed_board, live.settings.database_url, room, column, 800)
    await anna.enter(room, max_size=None)

    slow = await Member.join(live.base, MYK, "Langsam")
    stalled = await asyncio.to_thread(never_reading_socket, live, room, slow.cookie)
    request.addfinalizer(stalled.close)
    stalled_port = stalled.getsockname()[1]

    def langsam_here(member: Member) -> bool:
        return any("Langsam" in name for name in member.members.values())

    await anna.until(langsam_here)
    posted = 0
    for n in range(40):  # news for the stalled socket, which its buffers cannot take
        await anna.act("post_card", column=column, text=f"Mehr {n} " + "y" * 480)
        posted += 1
        if not langsam_here(anna):
            break
    # Dropped once what waits passes the backlog, or after the grace (connection.py)
    # that a client gets to take a snapshot bigger than the backlog.
    await anna.until(lambda m: not langsam_here(m), timeout=GRACE_SECONDS + 5)

    cleo = await Member.join(live.base, MYK, "Cleo")
    await cleo.enter(room, max_size=None)  # a new member gets in, with the whole board

    def every_card(member: Member) -> bool:
        return len(member.card_ids()) == 800 + posted

    await anna.until(every_card)  # her last card may reach her after the reply to it
    await cleo.until(every_card)
    assert cleo.card_ids() == anna.card_ids()

    # The server cuts the connection itself, with whatever it still held for it, though
    # the client never reads nor closes.
    def still_held() -> bool:
        connections = list(live.server.server_state.connections)
        return any(c.client and c.client[1] == stalled_port for c in connections)

    async with asyncio.timeout(10):
        while still_held():
            await asyncio.sleep(0.05)
    again = Member(live.base, slow.cookie, "Langsam again")
    await again.enter(room, max_size=None)  # and the one let go may come back


async def test_sockets_opened_too_fast_are_refused_with_the_wait(settings, monkeypatch):
    rules = {**settings.rate_limits, "socket": "4 per minute"}
    # Refused for the rate limit, a socket waits until it could have been let in, up to
    # this (8 s by default): shortened here, the wait itself is checked below.
    monkeypatch.setattr(members, "REFUSAL_HOLD_MAX_SECONDS", 1.0)
    server = ServerThread(replace(settings, rate_limits=rules))
    await asyncio.to_thread(server.start)
    try:
        room = f"/ws/rooms/{server.rooms()[ROOM]}"
        anna = await Member.join(server.base, MYK, "Anna")
        for _ in range(2):  # open and close: each opening counts, however short it lasts
            tab = (await same_person(anna, 1))[0]
            await tab.open(room)
            await tab.leave()
        tabs = await same_person(anna, 3)
        for tab in tabs[:2]:
            await tab.open(room)
        started = time.monotonic()
        with pytest.raises(websockets.ConnectionClosed):
            await tabs[2].open(room)
        assert time.monotonic() - started >= 0.5  # half the wait at least, at random
        assert tabs[2].closed_with == 4429
        assert tabs[2].codes == {"enter": "rate_limited"}
        ben = await Member.join(server.base, MYK, "Ben")
        await ben.open(room)  # everyone else still gets in
        for member in (*tabs[:2], ben):
            await member.leave()
    finally:
        await asyncio.to_thread(server.stop)


@pytest.mark.parametrize(
    ("error", "shortest", "longest"),
    [
        (DomainError("too_many_sockets", limit=8), 0.5, 1.5),
        (DomainError("rate_limited", seconds=1), 0.5, 1.0),
        (DomainError("rate_limited", seconds=4), 2.0, 4.0),
        (DomainError("rate_limited", seconds=60), 4.0, 8.0),  # REFUSAL_HOLD_MAX_SECONDS
    ],
)
def test_a_refused_socket_waits_longer_the_longer_its_owner_must(error, shortest, longest):
    waits = [members.Refused(4429, "", error).hold_seconds() for _ in range(200)]
    assert all(shortest <= wait <= longest for wait in waits)
    assert max(waits) - min(waits) > (longest - shortest) / 2  # spread out, not in step


def test_other_refusals_come_at_once():
    assert members.Refused(4404).hold_seconds() == 0
    assert members.Refused(4409, "", DomainError("room_full", capacity=3)).hold_seconds() == 0


async def test_refused_sockets_wait_only_while_few_do(monkeypatch):
    """A script that does not wait for answers cannot make the server hold its sockets:
    past REFUSALS_HELD_MAX waiting at once, a refusal comes at once."""
    monkeypatch.setattr(members, "REFUSALS_HELD_MAX", 2)
    waiting = [asyncio.create_task(members.hold_refused(30)) for _ in range(2)]
    await asyncio.sleep(0)
    async with asyncio.timeout(1):
        await members.hold_refused(30)  # a third one is not held
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    async with asyncio.timeout(1):
        await members.hold_refused(0.01)  # and the places are free again
    assert members.refusals_waiting == 0
