"""Fan-out benchmark: one room, N live members, cards posted at a steady rate.

Starts the real server (`python -m server serve`) on a free port of 127.0.0.1 with a
generated conference, joins N participants over HTTP, opens N room sockets in this
process's single asyncio loop, posts cards through the real command path and measures
when the last member received each one. Then does the same against a raw
`websockets.broadcast()` server (bench/raw_broadcast_server.py) as the baseline, and
prints one JSON object on stdout. Progress goes to stderr. See bench/README.md.

    .venv/bin/python bench/fanout.py --clients 1000
"""

import argparse
import asyncio
import json
import math
import os
import re
import resource
import shutil
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
from websockets.exceptions import ConnectionClosed

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_SERVER = Path(__file__).with_name("raw_broadcast_server.py")
SLUG, ROOM_SLUG = "bench-fanout", "hall"
MARKER_PREFIX = "bench-card-"
MARKER = re.compile(MARKER_PREFIX + r"(\d{6})")
TARGETS = {"p99_ms_max": 30, "ratio_max": 1.7, "rss_kib_max": 30}
OVERALL_TIMEOUT_S = 600
QUIET_S = 1.0  # the room counts as settled once no member got a frame for this long
JOIN_CONCURRENCY = CONNECT_CONCURRENCY = 50


def log(message: str) -> None:
    print(f"[fanout] {message}", file=sys.stderr, flush=True)


# --- What the clients saw ------------------------------------------------------------


class TimedConnection(ClientConnection):
    """Remembers when bytes last arrived, before any parsing or task switch.

    All members share one loop, so the moment a reader task resumes includes the time
    spent on every other member's frame; the arrival time is closer to "received".
    """

    arrived_at = 0.0

    def data_received(self, data: bytes) -> None:
        self.arrived_at = time.perf_counter()
        super().data_received(data)


@dataclass(eq=False)
class Member:
    index: int
    ws: TimedConnection
    ready: bool = False  # got its first frame (the snapshot, or the raw server's hello)
    seen: set[int] = field(default_factory=set)  # card numbers already counted
    closed: bool = False


@dataclass
class Tally:
    """Per-card delivery counts and last arrival times, shared by all reader tasks."""

    members: int
    cards: int
    ready: int = 0
    last_frame_at: float = 0.0
    counts: list[int] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)
    complete: int = 0
    all_done: asyncio.Event = field(default_factory=asyncio.Event)
    card_frame_bytes: list[int] = field(default_factory=list)  # one-card frames, member 0

    def __post_init__(self) -> None:
        self.counts = [0] * self.cards
        self.done_at = [0.0] * self.cards

    def record(self, member: Member, frame: str, at: float) -> None:
        # Runs for every frame of every member: keep it to a substring test when no card.
        self.last_frame_at = at
        if not member.ready:
            member.ready = True
            self.ready += 1
        if MARKER_PREFIX not in frame:
            return
        found = {int(n) for n in MARKER.findall(frame)}
        if member.index == 0 and len(found) == 1:
            self.card_frame_bytes.append(len(frame.encode()))
        for card in found - member.seen:
            member.seen.add(card)
            self.counts[card] += 1
            self.done_at[card] = max(self.done_at[card], at)
            if self.counts[card] == self.members:
                self.complete += 1
                if self.complete == self.cards:
                    self.all_done.set()


async def read_frames(member: Member, tally: Tally) -> None:
    try:
        async for frame in member.ws:
            tally.record(member, frame, member.ws.arrived_at)
    except ConnectionClosed:
        pass
    finally:
        member.closed = True


# --- Plain HTTP on asyncio streams (one request per connection) ----------------------


async def http(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    """Returns (status, headers as lower-case name -> list of values, body text)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        if body:
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if cookie:
            lines.append(f"Cookie: {cookie}")
        lines.append(f"Content-Length: {len(body.encode())}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n" + body).encode())
        raw = await reader.read()  # the server closes after answering ("Connection: close")
    finally:
        writer.close()
    head, _, content = raw.decode("utf-8", "replace").partition("\r\n\r\n")
    status_line, *header_lines = head.split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(status_line.split()[1]), headers, content


async def join(port: int, index: int) -> str:
    """Join the conference as a new participant; returns the Cookie header value."""
    form = f"display_name=Bench+{index}&organisation="
    status, headers, content = await http(port, "POST", f"/c/{SLUG}/join", form)
    if status != 303:
        raise RuntimeError(f"join answered {status}: {content[:200]}")
    for value in headers.get("set-cookie", []):
        if value.startswith("plenum_session="):
            return value.split(";", 1)[0]
    raise RuntimeError("join set no plenum_session cookie")


async def join_all(port: int, count: int) -> list[str]:
    limit = asyncio.Semaphore(JOIN_CONCURRENCY)

    async def bounded(index: int) -> str:
        async with limit:
            return await join(port, index)

    return list(await asyncio.gather(*(bounded(i) for i in range(count))))


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


# --- Server processes ----------------------------------------------------------------


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


# --- Sockets, settling and posting ---------------------------------------------------


async def connect_all(url: str, cookies: list[str], tally: Tally, timeout: float):
    """Open one socket per cookie (bounded concurrency) and start its reader task."""
    limit = asyncio.Semaphore(CONNECT_CONCURRENCY)
    readers: list[asyncio.Task] = []

    async def one(index: int, cookie: str) -> Member:
        async with limit:
            ws = await websockets.connect(
                url,
                additional_headers={"Cookie": cookie} if cookie else None,
                compression=None,
                ping_interval=None,  # no client pings mid-measurement
                max_size=2**24,  # a snapshot lists every member present
                create_connection=TimedConnection,
            )
        member = Member(index, ws)
        readers.append(asyncio.create_task(read_frames(member, tally)))
        return member

    async with asyncio.timeout(timeout):
        members = await asyncio.gather(*(one(i, c) for i, c in enumerate(cookies)))
    return list(members), readers


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

    def __init__(self, column_id: int, text_size: int) -> None:
        self.column_id = column_id
        self.text_size = text_size

    async def prepare(self, poster: Member) -> None:
        pass

    def command(self, card: int) -> str:
        marker = f"{MARKER_PREFIX}{card:06d} "
        filler = "ideas for a smart region " * (self.text_size // 25 + 1)
        text = (marker + filler)[: max(self.text_size, len(marker))].strip()
        return json.dumps(
            {"command": "post_card", "cid": f"bench-{card}", "column": str(self.column_id),
             "text": text}
        )


MIXES = {"post": PostCards}


async def post_at_rate(poster: Member, mix: PostCards, cards: int, rate: float) -> list[float]:
    """Send one command every 1/rate s on a fixed schedule; returns each send time."""
    sent_at = [0.0] * cards
    start = time.perf_counter()
    for card in range(cards):
        delay = start + card / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        message = mix.command(card)
        sent_at[card] = time.perf_counter()
        await poster.ws.send(message)
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


# --- One run against one server ------------------------------------------------------


@dataclass
class Target:
    """A running server and how to reach a room on it."""

    process: psutil.Process
    url: str
    cookies: list[str]
    column_id: int


async def measure(target: Target, args: argparse.Namespace) -> dict:
    n, cards = len(target.cookies), args.cards
    tally = Tally(members=n, cards=cards)
    rss_before = target.process.memory_info().rss
    started = time.perf_counter()
    members, readers = await connect_all(target.url, target.cookies, tally, timeout=60 + n * 0.1)
    try:
        log(f"{n} sockets open in {time.perf_counter() - started:.1f} s; waiting to settle")
        await wait_until_settled(tally, timeout=120 + n * 0.1)
        connect_s = time.perf_counter() - started
        rss_after = target.process.memory_info().rss
        extensions = sum(1 for m in members if m.ws.response.headers.get("Sec-WebSocket-Extensions"))
        mix = MIXES[args.mix](target.column_id, args.text_size)
        await mix.prepare(members[0])
        log(f"settled after {connect_s:.1f} s; posting {cards} cards at {args.rate}/s")
        me = psutil.Process()
        server_cpu, client_cpu, t0 = cpu_seconds(target.process), cpu_seconds(me), time.perf_counter()
        sent_at = await post_at_rate(members[0], mix, cards, args.rate)
        try:
            await asyncio.wait_for(tally.all_done.wait(), timeout=30)
        except TimeoutError:
            log("some cards did not reach every member within 30 s")
        elapsed = time.perf_counter() - t0
        server_cpu = cpu_seconds(target.process) - server_cpu
        client_cpu = cpu_seconds(me) - client_cpu
    finally:
        for reader in readers:
            reader.cancel()
        for member in members:
            member.ws.transport.abort()
    complete = [c for c in range(cards) if tally.counts[c] == n]
    latencies = [(tally.done_at[c] - sent_at[c]) * 1000 for c in complete]
    last_done = max((tally.done_at[c] for c in complete), default=t0)
    return {
        "p50_ms": rounded(percentile(latencies, 50)),
        "p95_ms": rounded(percentile(latencies, 95)),
        "p99_ms": rounded(percentile(latencies, 99)),
        "max_ms": rounded(max(latencies, default=None)),
        "cards_per_s": rounded(len(complete) / (last_done - sent_at[0]) if complete else 0),
        "cpu_us_per_delivery": rounded(server_cpu / (cards * n) * 1e6),
        "rss_kib_per_connection": rounded((rss_after - rss_before) / 1024 / n),
        "missing": cards * n - sum(tally.counts),
        "extensions_negotiated": extensions,
        "closed_clients": sum(1 for m in members if m.closed),
        "card_frame_bytes": percentile(tally.card_frame_bytes, 50),
        "connect_and_settle_s": rounded(connect_s, 1),
        "client_cpu_pct": rounded(client_cpu / elapsed * 100, 0),
        "server_cpu_pct": rounded(server_cpu / elapsed * 100, 0),
    }


async def run_plenum(args: argparse.Namespace, folder: Path) -> dict:
    port = free_port()
    conference = write_conference(folder, capacity=args.clients + 10)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    env.pop("SESSIONS_CONFIG", None)
    command = [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1",
               "--port", str(port), str(conference)]
    with running(command, folder / "plenum.log", env) as process:
        await wait_for_http(port, process)
        log(f"plenum up on port {port}; joining {args.clients} participants over HTTP")
        cookies = await asyncio.wait_for(join_all(port, args.clients), 60 + args.clients * 0.1)
        room_id, column_id = await room_ids(port, cookies[0])
        target = Target(psutil.Process(process.pid), f"ws://127.0.0.1:{port}/ws/rooms/{room_id}",
                        cookies, column_id)
        return await measure(target, args)


async def run_raw(args: argparse.Namespace, folder: Path, frame_bytes: int) -> dict:
    port = free_port()
    command = [sys.executable, str(RAW_SERVER), "--port", str(port),
               "--frame-bytes", str(frame_bytes)]
    with running(command, folder / "raw.log") as process:
        await wait_for_http(port, process)
        log(f"raw server up on port {port}; frames of {frame_bytes} bytes")
        target = Target(psutil.Process(process.pid), f"ws://127.0.0.1:{port}/",
                        [""] * args.clients, column_id=0)
        result = await measure(target, args)
    result.pop("rss_kib_per_connection")  # no HTTP joins before, so not comparable
    return result


# --- Entry point ---------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000, help="room members (sockets)")
    parser.add_argument("--cards", type=int, default=200, help="cards to post")
    parser.add_argument("--rate", type=float, default=20, help="cards per second")
    parser.add_argument("--text-size", type=int, default=120, help="characters per card")
    parser.add_argument("--mix", choices=sorted(MIXES), default="post")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, db)")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.cards < 1 or args.rate <= 0 or not 20 <= args.text_size <= 500:
        parser.error("need --clients >= 1, --cards >= 1, --rate > 0, 20 <= --text-size <= 500")
    return args


def raise_open_files_limit(clients: int) -> None:
    # Each member is one socket here and one in the server (which inherits the limit).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = clients * 2 + 256
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
    return {
        "clients": args.clients, "cards": args.cards, "rate": args.rate,
        "text_size": args.text_size, "mix": args.mix,
        "plenum": plenum, "raw": raw, "p99_ratio": rounded(ratio),
        "targets": {**TARGETS, **checks},
    }


async def main(args: argparse.Namespace) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="plenum-fanout-"))
    try:
        async with asyncio.timeout(OVERALL_TIMEOUT_S):
            # Plenum first: its real card frame size sets the size the baseline sends.
            plenum = await run_plenum(args, folder)
            frame_bytes = plenum["card_frame_bytes"] or 400
            raw = await run_raw(args, folder, frame_bytes)
        return report(args, plenum, raw)
    finally:
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    arguments = parse_args()
    raise_open_files_limit(arguments.clients)
    print(json.dumps(asyncio.run(main(arguments)), indent=2))
