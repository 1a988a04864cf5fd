"""One member stops reading: the others are served as before, its server-side memory
stays bounded, and it is disconnected and resynced, never fed a partial board."""

import asyncio
import math
import socket
import time

import psutil
import pytest
import websockets

from ..bot import Member
from ..helpers import MYK
from .helpers import board_of, database_board, room_and_column

OTHERS, BACKLOG = 20, 64 * 1024
MAX_EDITS = 12000  # bound on the stalled phase; the drop comes far earlier
BATCH, ROUNDS_BEFORE = 50, 20


def percentile_ms(seconds: list[float], p: float) -> float:
    ordered = sorted(seconds)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000, 1)


async def stalled_member(base: str, port: int, room: int) -> Member:
    """A member whose socket is connected with a tiny receive buffer and read by nobody
    once we stop: the kernel's buffers fill and the server's sends would block."""
    member = await Member.join(base, MYK, "Langsam")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    member.socket = await websockets.connect(
        f"ws://{base}/ws/rooms/{room}",
        sock=sock,
        additional_headers={"Cookie": member.cookie},
        compression=None,
        max_queue=1,
    )
    await member.until(lambda m: m.seq is not None)
    return member


async def test_a_member_who_stops_reading_is_dropped_and_resynced_alone(
    scaleout_env, start_servers, participants, report
):
    (server,) = start_servers({**scaleout_env, "SOCKET_BACKLOG_BYTES": str(BACKLOG)})
    url = scaleout_env["DATABASE_URL"]
    room, column = room_and_column(url)
    others = await participants([server.base], OTHERS, room)
    slow = await stalled_member(server.base, server.port, room)
    poster = others[0]

    def present(member) -> bool:
        return any("Langsam" in name for name in member.members.values())

    await poster.wait_for(present, 10)

    def has(text: str):
        return lambda o: o.newest_text(column) == text

    async def deliver(n: int) -> float:
        """Post one card; seconds until every other member has it."""
        text = f"Karte {n} " + "x" * 480
        started = time.perf_counter()
        await poster.post(column, text)
        await asyncio.gather(*(o.wait_for(has(text), 10) for o in others))
        return time.perf_counter() - started

    # The traffic that fills the stalled member's buffers edits the same cards over and
    # over: the board (and with it what every member's client does per frame) stays the
    # same size in every phase, so the phases can be compared.
    for n in range(BATCH):
        await poster.post(column, f"Füllkarte {n}")
    await asyncio.gather(*(o.wait_for(has(f"Füllkarte {BATCH - 1}"), 10) for o in others))
    fillers = [card for card, _ in poster.columns[column]]
    edits = 0

    async def fill() -> None:
        """Edit every filler card once, at once; wait until every other member has it."""
        nonlocal edits
        edits += 1
        texts = [f"Füllkarte {n} Runde {edits} " + "x" * 470 for n in range(BATCH)]
        for card, text in zip(fillers, texts, strict=True):
            await poster.command("edit_card", card=str(card), text=text)
        last = fillers[-1]
        await asyncio.gather(
            *(o.wait_for(lambda o: o.card_text(last) == texts[-1], 30) for o in others)
        )

    async def keep_reading() -> None:
        while True:
            await slow.receive(timeout=30)

    # The same load before and during the stall: a batch of cards, then one timed card.
    reading = asyncio.create_task(keep_reading())
    before, posted = [], 0
    for _ in range(ROUNDS_BEFORE):
        await fill()
        before.append(await deliver(posted))
        posted += 1
    reading.cancel()
    await asyncio.gather(reading, return_exceptions=True)

    # Its socket buffers (the kernel's on both sides, then uvicorn's) absorb a few MB
    # before the server's backlog for it starts to grow; then it is dropped.
    server_process = psutil.Process(server.process.pid)
    rss_before = server_process.memory_info().rss
    during, stalled_from = [], edits
    while present(poster) and (edits - stalled_from) * BATCH < MAX_EDITS:
        await fill()
        during.append(await deliver(posted))
        posted += 1
    rss_growth = server_process.memory_info().rss - rss_before
    dropped, edits_until_dropped = not present(poster), (edits - stalled_from) * BATCH

    # The same load once it is gone.
    after = []
    for _ in range(ROUNDS_BEFORE):
        await fill()
        after.append(await deliver(posted))
        posted += 1

    # It reads again: what was on its way is a clean run of deltas, then the close.
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with asyncio.timeout(30):
            while True:
                await slow.receive(timeout=30)
    partial = [card for cards in slow.columns.values() for card, _ in cards]
    await slow.enter(room, max_size=None)  # the snapshot of thousands of cards is big
    seq, columns, texts = database_board(url, room)
    await slow.until(lambda m: m.seq == seq)
    everyone_equal = all(board_of(o) == columns for o in others)

    report(
        {
            "test": "slow-client",
            "others": OTHERS,
            "backlog_limit_bytes": BACKLOG,
            "cards_posted": len(texts),
            "edits_sent": edits * BATCH,
            "edits_until_dropped": edits_until_dropped,
            "p50_ms_before": percentile_ms(before, 50),
            "p50_ms_while_stalled": percentile_ms(during, 50),
            "p99_ms_before": percentile_ms(before, 99),
            "p99_ms_while_stalled": percentile_ms(during, 99),
            "p50_ms_after_drop": percentile_ms(after, 50),
            "p99_ms_after_drop": percentile_ms(after, 99),
            "server_rss_growth_kib": rss_growth // 1024,
            "close_code": closed.value.rcvd.code if closed.value.rcvd else None,
        }
    )
    assert dropped, f"not dropped after {MAX_EDITS} edits"
    # 1013 when the close frame still fits into its buffers; else the socket is cut.
    assert closed.value.rcvd is None or closed.value.rcvd.code == 1013
    assert slow.resyncs == 0  # every delta it did get continued the one before
    all_cards = [card for cards in columns.values() for card in cards]
    assert partial == all_cards[: len(partial)]  # a prefix of the board, in order
    assert board_of(slow) == columns  # after reconnecting: the whole board
    assert sorted(text for cards in slow.columns.values() for _, text in cards) == sorted(texts)
    assert everyone_equal
    assert rss_growth < 32 * 1024 * 1024  # bounded by the backlog, not by the cards sent
    await slow.leave()
