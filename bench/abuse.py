"""Abuse benchmark: one participant floods a room with cards and piles up sockets while
the room's other members go on posting; how much do they notice, and how much memory
does the server take and give back?

Starts the real server (`python -m server serve`, default limits) on a free port of
127.0.0.1 with a generated conference, puts a busy board into the database through the
store, then measures the other members' card latency (post to its own delta) quietly,
and again while the attacker, with one cookie, posts cards as fast as its socket is
answered and opens room sockets as fast as it can that never read past their first
bytes. The others post in turn, 10 cards a second together: each as often as a lively
person may, since the posting limit holds for them as for the attacker. Prints one JSON
object on stdout and a PASS/FAIL line per goal on stderr; progress goes to stderr.
bench/README.md, "abuse.py", shows a run.

    .venv/bin/python bench/abuse.py
    .venv/bin/python bench/abuse.py --seed-cards 1000 --sockets 2000
"""

import argparse
import asyncio
import base64
import contextlib
import json
import os
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import websockets
from fanout import (  # its conference, and how to join it and find its room
    free_port,
    join,
    percentile,
    room_ids,
    rounded,
    running,
    wait_for_http,
    write_conference,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from server.domain.board import CardStatus  # noqa: E402
from server.store.boards import insert_card  # noqa: E402
from server.store.database import Database  # noqa: E402

GOALS = {"p99_ratio_max": 1.2, "rss_growth_mb_max": 100, "rss_return_max": 0.10}
OVERALL_TIMEOUT_S = 300
RSS_SETTLE_S = 10  # after the attacker left, how long RSS may take to come back
MiB = 1 << 20
SOCKET_STATES = ("open", "refused", "closed", "failed")  # what became of a piled-up socket


def log(message: str) -> None:
    print(f"[abuse] {message}", file=sys.stderr, flush=True)


def seed_board(database_url: str, room_id: int, column_id: int, cards: int, size: int) -> None:
    """A busy board, put in directly: the snapshot every socket gets. The others wrote it
    (the room's caps allow no more than 200 cards per person); the attacker starts with
    none, so its flood meets the posting limit first."""
    database = Database(database_url)
    try:

        def insert(session) -> None:
            ids = session.connection().exec_driver_sql("SELECT id FROM participant ORDER BY id")
            authors = [row[0] for row in ids][1:]  # the first to join is the attacker
            for n in range(cards):
                text = f"Idee {n} " + "x" * (size - 12)
                author = authors[n % len(authors)]
                insert_card(session, room_id, column_id, author, text, CardStatus.VISIBLE)

        database.run_write(insert)
    finally:
        database.close()


class Member:
    """One of the others in the room: reads every frame; a card it posts is timed until
    its own delta arrives."""

    def __init__(self, url: str, cookie: str, column_id: int) -> None:
        self.url, self.cookie, self.column_id = url, cookie, column_id
        self.waiting: dict[str, asyncio.Future] = {}

    async def __aenter__(self) -> "Member":
        headers = {"Cookie": self.cookie}
        self.socket = await websockets.connect(
            self.url, additional_headers=headers, compression=None, max_size=None
        )
        await self.socket.recv()  # the snapshot
        self.reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_exc) -> None:
        self.reader.cancel()
        await self.socket.close()

    async def _read(self) -> None:
        async for frame in self.socket:
            if self.waiting and frame.startswith("<!--plenum delta"):
                for marker in [m for m in self.waiting if m in frame]:
                    self.waiting.pop(marker).set_result(time.perf_counter())

    async def post(self) -> float:
        """Seconds from sending a card to its delta arriving here."""
        marker = f"opfer-{uuid.uuid4().hex[:12]}"
        arrived = asyncio.get_running_loop().create_future()
        self.waiting[marker] = arrived
        command = {"command": "post_card", "cid": uuid.uuid4().hex}
        command |= {"column": str(self.column_id), "text": f"Idee {marker}"}
        started = time.perf_counter()
        await self.socket.send(json.dumps(command))
        return await asyncio.wait_for(arrived, 30) - started


class Others:
    """The room's other members, posting in turn on a fixed schedule: each of them as
    often as a lively person may (the posting limit holds for them as for the attacker),
    together often enough for a p99."""

    def __init__(self, members: list[Member]) -> None:
        self.members = members

    async def __aenter__(self) -> "Others":
        for member in self.members:
            await member.__aenter__()
        return self

    async def __aexit__(self, *exc) -> None:
        for member in self.members:
            await member.__aexit__(*exc)

    async def run(self, cards: int, rate: float) -> list[float]:
        """Post `cards` on a fixed schedule, in turn; the latencies in milliseconds."""
        start, tasks = time.perf_counter(), []
        for n in range(cards):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            member = self.members[n % len(self.members)]
            tasks.append(asyncio.create_task(member.post()))
        return [seconds * 1000 for seconds in await asyncio.gather(*tasks)]


async def flood(url: str, cookie: str, column_id: int, stop: asyncio.Event, tally: dict) -> None:
    """Post cards as fast as the socket answers, `in_flight` at a time."""
    async with websockets.connect(
        url, additional_headers={"Cookie": cookie}, compression=None, max_size=None
    ) as ws:
        in_flight = asyncio.Semaphore(8)

        async def send() -> None:
            n = 0
            while not stop.is_set():
                await in_flight.acquire()
                command = {"command": "post_card", "cid": uuid.uuid4().hex}
                command |= {"column": str(column_id), "text": f"Flut live {n} " + "y" * 200}
                await ws.send(json.dumps(command))
                n += 1

        sender = asyncio.create_task(send())
        try:
            async for frame in ws:
                if frame.startswith("<!--plenum reply"):
                    in_flight.release()
                    outcome = frame.split("-->", 1)[0].split()
                    tally["cards_accepted" if outcome[3] == "ok" else "cards_refused"] += 1
                if stop.is_set():
                    break
        finally:
            sender.cancel()


async def open_raw(port: int, path: str, cookie: str) -> tuple[str, asyncio.StreamWriter]:
    """A room socket opened by hand with a 4 KiB receive buffer, read only as far as its
    first bytes: what the server sends after that stays with the server. Returns
    ("refused" | "open" | "closed", the connection)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Cookie: {cookie}\r\n\r\n".encode()
    )
    await reader.readuntil(b"\r\n\r\n")
    first = await reader.read(80)
    if b"too_many_sockets" in first or b"rate_limited" in first:
        return "refused", writer
    return ("open" if b"snapshot" in first else "closed"), writer


async def pile_up(
    port: int, path: str, cookie: str, attempts: int, batch: int, tally: dict, stop: asyncio.Event
):
    """Open `attempts` sockets, `batch` at a time, keeping every one that opened, until
    `stop` is set (the phase is over)."""
    kept: list[asyncio.StreamWriter] = []
    for start in range(0, attempts, batch):
        if stop.is_set():
            break
        opening = [open_raw(port, path, cookie) for _ in range(min(batch, attempts - start))]
        for outcome in await asyncio.gather(*opening, return_exceptions=True):
            if isinstance(outcome, BaseException):
                tally["sockets_failed"] += 1
                continue
            state, writer = outcome
            tally[f"sockets_{state}"] += 1
            if state == "open":
                kept.append(writer)
            else:
                writer.close()
    return kept


async def sample_rss(process: psutil.Process, stop: asyncio.Event, peak: list[int]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], process.memory_info().rss)
        await asyncio.sleep(0.05)


async def measure(args: argparse.Namespace, folder: Path) -> dict:
    port, conference = free_port(), write_conference(folder, capacity=args.others + 10)
    database_url = f"sqlite:///{folder / 'bench.db'}"
    env = {**os.environ, "DATABASE_URL": database_url, "SOCKETS_PER_ROOM": str(args.limit)}
    env.pop("SESSIONS_CONFIG", None)
    serve = ["-m", "server", "serve", "--host=127.0.0.1", f"--port={port}", str(conference)]
    with running([sys.executable, *serve], folder / "plenum.log", env) as process:
        await wait_for_http(port, process)
        server = psutil.Process(process.pid)
        attacker = await join(port, 0)
        others = [await join(port, 1 + n) for n in range(args.others)]
        room_id, column_id = await room_ids(port, others[0])
        seed_board(database_url, room_id, column_id, args.seed_cards, args.text_size)
        log(f"board seeded with {args.seed_cards} cards of {args.text_size} characters")
        path = f"/ws/rooms/{room_id}"
        url = f"ws://127.0.0.1:{port}{path}"
        async with Others([Member(url, cookie, column_id) for cookie in others]) as room:
            await room.run(5, args.rate)  # warm up
            quiet = await room.run(args.cards, args.rate)
            log(f"quiet: p99 {percentile(quiet, 99):.1f} ms")
            rss_start = server.memory_info().rss
            tally = dict.fromkeys(["cards_accepted", "cards_refused"], 0)
            tally |= {f"sockets_{state}": 0 for state in SOCKET_STATES}
            stop, peak = asyncio.Event(), [rss_start]
            sampler = asyncio.create_task(sample_rss(server, stop, peak))
            flooding = asyncio.create_task(
                flood(url, attacker, column_id, stop, tally)
                if args.attack != "sockets"
                else stop.wait()
            )
            attempts = args.sockets if args.attack != "flood" else 0
            piling = asyncio.create_task(
                pile_up(port, path, attacker, attempts, args.batch, tally, stop)
            )
            attacked = await room.run(args.cards, args.rate)
            stop.set()
            kept = await piling
            await asyncio.gather(flooding, sampler, return_exceptions=True)
            log(f"under attack: p99 {percentile(attacked, 99):.1f} ms; {tally}")
            for writer in kept:
                writer.transport.abort()
            rss_after = await settled_rss(server, rss_start)
    quiet_p99, attacked_p99 = percentile(quiet, 99), percentile(attacked, 99)
    return {
        "attack": args.attack,
        "seed_cards": args.seed_cards,
        "sockets_attempted": sum(tally[f"sockets_{state}"] for state in SOCKET_STATES),
        "sockets_per_room": args.limit,
        "quiet_p99_ms": rounded(quiet_p99, 1),
        "attack_p99_ms": rounded(attacked_p99, 1),
        "p99_ratio": rounded(attacked_p99 / quiet_p99),
        "rss_start_mb": rounded(rss_start / MiB, 1),
        "rss_peak_mb": rounded(peak[0] / MiB, 1),
        "rss_after_mb": rounded(rss_after / MiB, 1),
        **tally,
    }


async def settled_rss(server: psutil.Process, start: int) -> int:
    """RSS once the attacker's sockets are gone: back within the goal, or after RSS_SETTLE_S."""
    deadline = time.monotonic() + RSS_SETTLE_S
    while True:
        await asyncio.sleep(0.5)
        rss = server.memory_info().rss
        if rss <= start * (1 + GOALS["rss_return_max"]) or time.monotonic() > deadline:
            return rss


def verdicts(result: dict) -> dict[str, bool]:
    growth = result["rss_peak_mb"] - result["rss_start_mb"]
    returned = result["rss_after_mb"] / result["rss_start_mb"] - 1
    return {
        f"p99 under attack ≤ {GOALS['p99_ratio_max']}× quiet": result["p99_ratio"]
        <= GOALS["p99_ratio_max"],
        f"RSS grows < {GOALS['rss_growth_mb_max']} MB": growth < GOALS["rss_growth_mb_max"],
        f"RSS back within {GOALS['rss_return_max']:.0%} of its start": returned
        <= GOALS["rss_return_max"],
        f"sockets held ≤ {result['sockets_per_room']} at once": result["sockets_open"]
        <= result["sockets_per_room"]
        or result["sockets_refused"] > 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seed-cards", type=int, default=1700, help="cards on the board (a room holds 2,000)"
    )
    parser.add_argument("--text-size", type=int, default=300, help="characters per seeded card")
    parser.add_argument(
        "--sockets", type=int, default=1000, help="sockets the attacker opens at most in the phase"
    )
    parser.add_argument("--batch", type=int, default=50, help="sockets opened at a time")
    parser.add_argument("--cards", type=int, default=100, help="the others' cards per phase")
    parser.add_argument("--rate", type=float, default=10, help="the others' cards per second")
    parser.add_argument(
        "--others", type=int, default=30, help="members posting in turn (each within the limit)"
    )
    parser.add_argument(
        "--attack",
        choices=["both", "flood", "sockets"],
        default="both",
        help="what the attacker does: post cards, open sockets, or both at once",
    )
    parser.add_argument("--limit", type=int, default=8, help="SOCKETS_PER_ROOM of the server")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (plenum.log)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="plenum-abuse-"))
    try:
        result = asyncio.run(asyncio.wait_for(measure(args, folder), OVERALL_TIMEOUT_S))
    finally:
        if not args.keep:
            for child in folder.iterdir():
                child.unlink()
            folder.rmdir()
        else:
            log(f"kept {folder}")
    print(json.dumps(result, indent=2))
    passed = verdicts(result)
    for goal, ok in passed.items():
        log(f"{'PASS' if ok else 'FAIL'}  {goal}")
    return 0 if all(passed.values()) else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
