"""Fan-out benchmark: one room, N live members, cards posted at a steady rate.

Starts the real server (`python -m server serve`) on a free port of 127.0.0.1 with a
generated conference, joins N participants over HTTP, opens N room sockets in this
process's one asyncio loop, posts cards through the real command path and measures when
the last member got each card. Then does the same against a raw `websockets.broadcast()`
server (bench/raw_broadcast_server.py) as the baseline, and prints one JSON object on
stdout; progress goes to stderr. How to read the figures: bench/README.md.

    .venv/bin/python bench/fanout.py --clients 1000
"""

import argparse
import asyncio
import functools
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_SERVER = Path(__file__).with_name("raw_broadcast_server.py")
SLUG, ROOM_SLUG = "bench-fanout", "hall"
MARKER_PREFIX = b"bench-card-"
MARKER = re.compile(rb"bench-card-(\d{6})")
TARGETS = {"p99_ms_max": 30, "ratio_max": 1.7, "rss_kib_max": 30}
OVERALL_TIMEOUT_S = 600
QUIET_S = 1.0  # the room counts as settled once no member got a frame for this long
CONCURRENCY = 50  # HTTP joins and socket handshakes in flight at once
DELIVERY_GRACE_S = 30  # after the last send, how long cards may take to reach everyone


def log(message: str) -> None:
    print(f"[fanout] {message}", file=sys.stderr, flush=True)


@dataclass
class Tally:
    """Per-card delivery counts and last arrival times for one run, over all members."""

    members: int
    cards: int
    ready: int = 0  # members that got their first frame (snapshot, or the raw hello)
    last_frame_at: float = 0.0
    counts: list[int] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)
    card_frame_bytes: list[int] = field(default_factory=list)  # the poster's one-card frames

    def __post_init__(self) -> None:
        self.counts = [0] * self.cards
        self.done_at = [0.0] * self.cards

    def record(self, member: "MemberConnection", frame: bytes, at: float) -> None:
        # Runs for every frame of every member: a substring test unless a card is in it.
        self.last_frame_at = at
        if not member.ready:
            member.ready = True
            self.ready += 1
        if MARKER_PREFIX not in frame:
            return
        found = {int(n) for n in MARKER.findall(frame)}
        if member.is_poster and len(found) == 1:
            self.card_frame_bytes.append(len(frame))
        for card in found - member.seen:
            member.seen.add(card)
            self.counts[card] += 1
            self.done_at[card] = max(self.done_at[card], at)

    def delivered_all(self) -> bool:
        return min(self.counts) == self.members


class MemberConnection(ClientConnection):
    """One member's socket; it tallies frames as they are parsed, with no reader task.

    All N members share one loop on a 2-core machine, so client cost per frame sets a
    floor under every latency measured. A reader task per member costs a task switch and
    a queue round trip per frame (about a third of the client's CPU at N=1000); counting
    in `process_event` (the hook websockets' own client uses for the handshake) avoids it.
    """

    def __init__(self, *args, tally: Tally, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tally = tally
        self.arrived_at = 0.0
        self.ready = False
        self.is_poster = False
        self.seen: set[int] = set()  # card numbers already counted for this member

    def data_received(self, data: bytes) -> None:
        # Stamped before parsing: "received" is when the bytes reached this member.
        self.arrived_at = time.perf_counter()
        super().data_received(data)

    def process_event(self, event) -> None:
        # Both servers send whole frames; a fragment would still be searched for markers.
        data = isinstance(event, Frame) and event.opcode in (Opcode.TEXT, Opcode.CONT)
        if data and self.response is not None:
            self.tally.record(self, event.data, self.arrived_at)
        else:
            super().process_event(event)  # handshake, close, ping, pong


async def http(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    """One request on its own connection; returns (status, header block, body text)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
        head += f"Cookie: {cookie}\r\n" if cookie else ""
        writer.write(f"{head}Content-Length: {len(body.encode())}\r\n\r\n{body}".encode())
        raw = await reader.read()  # the server closes after answering ("Connection: close")
    finally:
        writer.close()
    head, _, content = raw.decode("utf-8", "replace").partition("\r\n\r\n")
    return int(head.split(maxsplit=2)[1]), head, content


async def join(port: int, index: int) -> str:
    """Join the conference as a new participant; returns the Cookie header value."""
    form = f"display_name=Bench+{index}&organisation="
    status, head, content = await http(port, "POST", f"/c/{SLUG}/join", form)
    session = re.search(r"(?im)^set-cookie: *(plenum_session=[^;\r\n]*)", head)
    if status != 303 or not session:
        raise RuntimeError(f"join answered {status} without a session: {content[:200]}")
    return session[1]


async def bounded_gather(work, items) -> list:
    """`work(item)` for every item, at most CONCURRENCY at a time; results in item order."""
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(item):
        async with limit:
            return await work(item)

    return list(await asyncio.gather(*(one(item) for item in items)))


async def room_ids(port: int, cookie: str) -> tuple[int, int]:
    """Room id and the first column id, read from the room page as a browser would."""
    status, _, page = await http(port, "GET", f"/c/{SLUG}/rooms/{ROOM_SLUG}", cookie=cookie)
    room = re.search(r'ws-connect="/ws/rooms/(\d+)"', page)
    column = re.search(r'name="column" value="(\d+)"', page)
    if status != 200 or not room or not column:
        raise RuntimeError(f"room page answered {status} without room or column id")
    return int(room[1]), int(column[1])


async def wait_for_http(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}; see its log")
            try:
                await http(port, "GET", "/")
                return
            except (OSError, IndexError, ValueError):
                await asyncio.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_conference(folder: Path, capacity: int) -> Path:
    # The shipped rooms hold 60; this room must take every member plus some slack.
    path = folder / f"{SLUG}.yaml"
    path.write_text(
        f"""slug: {SLUG}
code: BENCHFAN
title: Fan-out benchmark
date: "2022-03-22"
start: "09:00"
end: "17:00"
place: 127.0.0.1
format: virtual
agenda:
  - {{start: "09:00", end: "17:00", title: Breakout, kind: breakout}}
rooms:
  - slug: {ROOM_SLUG}
    title: Benchmark hall
    capacity: {capacity}
    prompts:
      - {{key: ideas, title: Ideas}}
""",
        encoding="utf-8",
    )
    return path


@contextmanager
def running(command: list[str], log_path: Path, env: dict[str, str] | None = None):
    """Start a server subprocess; always stop it (SIGTERM, then SIGKILL) on the way out."""
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def connect_all(url: str, cookies: list[str], tally: Tally, into: list) -> None:
    """Open one socket per cookie, CONCURRENCY handshakes at a time; `into` keeps order."""
    factory = functools.partial(MemberConnection, tally=tally)

    async def one(cookie: str) -> MemberConnection:
        member = await websockets.connect(
            url,
            additional_headers={"Cookie": cookie} if cookie else None,
            compression=None,
            ping_interval=None,  # no client pings mid-measurement
            max_size=2**24,  # a snapshot lists every member present
            create_connection=factory,
        )
        into.append(member)  # so that the caller can close it even if others fail
        return member

    into[:] = await bounded_gather(one, cookies)


async def wait_until_settled(tally: Tally, timeout: float) -> None:
    """Every member has its first frame, and no frame arrived for QUIET_S seconds.

    Each arrival in Plenum sends a presence delta to everyone; measuring before those
    died down would charge join traffic to the cards.
    """
    async with asyncio.timeout(timeout):
        while tally.ready < tally.members or time.perf_counter() - tally.last_frame_at < QUIET_S:
            await asyncio.sleep(0.1)


class PostCards:
    """The "post" mix: each step posts one new card whose text carries its marker.

    A future "vote" mix would post its cards in `prepare` and vote in `command`, with a
    marker that identifies the vote (e.g. the count span) instead of the card text.
    """

    def __init__(self, poster: MemberConnection, column_id: int, text_size: int) -> None:
        self.poster = poster
        self.column_id = column_id
        self.text_size = text_size

    async def prepare(self) -> None:
        pass

    def command(self, card: int) -> str:
        marker = f"{MARKER_PREFIX.decode()}{card:06d} "
        filler = "ideas for a smart region " * (self.text_size // 25 + 1)
        text = (marker + filler)[: self.text_size].strip()
        command = {"command": "post_card", "cid": f"bench-{card}", "column": str(self.column_id)}
        return json.dumps({**command, "text": text})


MIXES = {"post": PostCards}


async def post_at_rate(mix: PostCards, cards: int, rate: float) -> list[float]:
    """Send one command every 1/rate s on a fixed schedule; returns each send time."""
    sent_at = [0.0] * cards
    start = time.perf_counter()
    for card in range(cards):
        delay = start + card / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        message = mix.command(card)
        sent_at[card] = time.perf_counter()
        await mix.poster.send(message)
    return sent_at


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None when there is nothing to rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


async def settle_members(url: str, cookies: list[str], tally: Tally, into: list) -> float:
    """Connect every member and wait until the room is quiet; returns seconds taken."""
    started, n = time.perf_counter(), len(cookies)
    await asyncio.wait_for(connect_all(url, cookies, tally, into), 60 + n * 0.1)
    log(f"{n} sockets open in {time.perf_counter() - started:.1f} s; waiting to settle")
    await wait_until_settled(tally, timeout=120 + n * 0.1)
    return time.perf_counter() - started


async def post_and_wait(
    server: psutil.Process, mix: PostCards, tally: Tally, args: argparse.Namespace
) -> tuple[list[float], dict]:
    """Post every card on schedule, wait for delivery; returns send times and CPU figures."""
    await mix.prepare()
    log(f"posting {args.cards} cards at {args.rate}/s")
    me = psutil.Process()
    server_cpu, client_cpu, t0 = cpu_seconds(server), cpu_seconds(me), time.perf_counter()
    sent_at = await post_at_rate(mix, args.cards, args.rate)
    try:
        async with asyncio.timeout(DELIVERY_GRACE_S):
            while not tally.delivered_all():
                await asyncio.sleep(0.05)  # arrival times are stamped as frames come in
    except TimeoutError:
        log(f"some cards did not reach every member within {DELIVERY_GRACE_S} s")
    server_cpu, client_cpu = cpu_seconds(server) - server_cpu, cpu_seconds(me) - client_cpu
    elapsed = time.perf_counter() - t0
    return sent_at, {
        "cpu_us_per_delivery": rounded(server_cpu / (args.cards * tally.members) * 1e6),
        "server_cpu_pct": rounded(server_cpu / elapsed * 100, 0),
        "client_cpu_pct": rounded(client_cpu / elapsed * 100, 0),
    }


def latency_figures(tally: Tally, sent_at: list[float]) -> dict:
    # Only cards that reached every member have a latency; the others count as missing.
    complete = [c for c in range(tally.cards) if tally.counts[c] == tally.members]
    latencies = [(tally.done_at[c] - sent_at[c]) * 1000 for c in complete]
    done = sorted(tally.done_at[c] for c in complete)
    # Completions per second between the first and the last card everyone had.
    achieved = (len(done) - 1) / (done[-1] - done[0]) if len(done) > 1 else None
    return {
        "p50_ms": rounded(percentile(latencies, 50)),
        "p95_ms": rounded(percentile(latencies, 95)),
        "p99_ms": rounded(percentile(latencies, 99)),
        "max_ms": rounded(max(latencies, default=None)),
        "cards_per_s": rounded(achieved),
        "missing": tally.cards * tally.members - sum(tally.counts),
    }


async def measure(
    server: psutil.Process, url: str, cookies: list[str], column_id: int, args: argparse.Namespace
) -> dict:
    n = len(cookies)
    tally = Tally(members=n, cards=args.cards)
    members: list[MemberConnection] = []
    rss_before = server.memory_info().rss
    try:
        settle_s = await settle_members(url, cookies, tally, members)
        rss_after = server.memory_info().rss
        members[0].is_poster = True
        mix = MIXES[args.mix](members[0], column_id, args.text_size)
        sent_at, cpu_figures = await post_and_wait(server, mix, tally, args)
        closed = sum(1 for m in members if m.state is not State.OPEN)
    finally:
        for member in members:
            member.transport.abort()
    return {
        **latency_figures(tally, sent_at),
        **cpu_figures,
        "rss_kib_per_connection": rounded((rss_after - rss_before) / 1024 / n),
        "extensions_negotiated": sum(
            1 for m in members if m.response.headers.get("Sec-WebSocket-Extensions")
        ),
        "closed_clients": closed,
        "card_frame_bytes": percentile(tally.card_frame_bytes, 50),
        "connect_and_settle_s": rounded(settle_s, 1),
    }


async def run_plenum(args: argparse.Namespace, folder: Path) -> dict:
    port = free_port()
    conference = write_conference(folder, capacity=args.clients + 10)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    env.pop("SESSIONS_CONFIG", None)  # the path argument below is the only conference
    serve = ["-m", "server", "serve", "--host=127.0.0.1", f"--port={port}", str(conference)]
    with running([sys.executable, *serve], folder / "plenum.log", env) as process:
        await wait_for_http(port, process)
        log(f"plenum up on port {port}; joining {args.clients} participants over HTTP")
        joining = bounded_gather(functools.partial(join, port), range(args.clients))
        cookies = await asyncio.wait_for(joining, 60 + args.clients * 0.1)
        room_id, column_id = await room_ids(port, cookies[0])
        url = f"ws://127.0.0.1:{port}/ws/rooms/{room_id}"
        return await measure(psutil.Process(process.pid), url, cookies, column_id, args)


async def run_raw(args: argparse.Namespace, folder: Path, frame_bytes: int) -> dict:
    port = free_port()
    command = [sys.executable, str(RAW_SERVER), f"--port={port}", f"--frame-bytes={frame_bytes}"]
    with running(command, folder / "raw.log") as process:
        await wait_for_http(port, process)
        log(f"raw server up on port {port}; frames of {frame_bytes} bytes")
        url = f"ws://127.0.0.1:{port}/"
        return await measure(psutil.Process(process.pid), url, [""] * args.clients, 0, args)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000, help="room members (sockets)")
    parser.add_argument("--cards", type=int, default=200, help="cards to post")
    parser.add_argument("--rate", type=float, default=20.0, help="cards per second")
    parser.add_argument("--text-size", type=int, default=120, help="characters per card")
    parser.add_argument("--mix", choices=sorted(MIXES), default="post")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, db)")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.cards < 1 or args.rate <= 0 or not 20 <= args.text_size <= 500:
        parser.error("need --clients >= 1, --cards >= 1, --rate > 0, 20 <= --text-size <= 500")
    return args


def raise_open_files_limit(clients: int) -> None:
    # One socket per member here and one in the server, which inherits this limit.
    wanted = clients * 2 + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


def report(args: argparse.Namespace, plenum: dict, raw: dict) -> dict:
    ratio = plenum["p99_ms"] / raw["p99_ms"] if plenum["p99_ms"] and raw["p99_ms"] else None
    checks = {
        "p99_ms_ok": plenum["p99_ms"] is not None and plenum["p99_ms"] <= TARGETS["p99_ms_max"],
        "ratio_ok": ratio is not None and ratio <= TARGETS["ratio_max"],
        "rss_kib_ok": plenum["rss_kib_per_connection"] <= TARGETS["rss_kib_max"],
        "no_missing": plenum["missing"] == 0 and raw["missing"] == 0,
        "no_extensions": plenum["extensions_negotiated"] == 0,
    }
    settings = {name: value for name, value in vars(args).items() if name != "keep"}
    return {
        **settings,
        "plenum": plenum,
        "raw": raw,
        "p99_ratio": rounded(ratio),
        "targets": {**TARGETS, **checks},
    }


async def main(args: argparse.Namespace) -> dict:
    # Without this, SIGTERM (from `timeout`, say) would end us and leave the servers running.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    folder = Path(tempfile.mkdtemp(prefix="plenum-fanout-"))
    try:
        async with asyncio.timeout(OVERALL_TIMEOUT_S):
            # Plenum first: its real card frame size is the size the baseline sends.
            plenum = await run_plenum(args, folder)
            raw = await run_raw(args, folder, plenum["card_frame_bytes"] or 400)
        return report(args, plenum, raw)
    finally:
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    arguments = parse_args()
    raise_open_files_limit(arguments.clients)
    try:
        print(json.dumps(asyncio.run(main(arguments)), indent=2))
    except asyncio.CancelledError:
        sys.exit("[fanout] stopped; servers stopped, temp dir removed unless --keep")
