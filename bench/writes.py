"""Writes benchmark: many rooms, votes and cards at a rising rate, until the answers slow.

Starts the real server (`python -m server serve`, one or more workers) on free ports of
127.0.0.1 with a generated conference of `--rooms` rooms and joins `--members`
participants into each over HTTP. Each room's first member moderates (an invite link
from the CLI) and posts the first cards; every fourth room then collects (cards and
comments), the others vote (dots on those cards). In each room `--senders` members send
commands over a parsed socket; the others hold a socket that reads the fan-out and
throws it away, as a browser would take it. Then, step by step, commands go out at a
steady rate spread over the rooms, each step `--step-seconds` long and `--growth` times
the rate of the one before, until a step's p99 (command sent to its reply) passes
`--p99-ms-max`, a command goes unanswered or the step falls behind the asked rate.
Prints one JSON object on stdout (every step, and the sustained rate: the last step that
held) and progress and a PASS/FAIL line per goal on stderr.

It also checks what must hold however fast writes go: every command answered `ok`, and
each room's deltas, as each sender saw them, forming one gap-free seq.

    .venv/bin/python bench/writes.py
    .venv/bin/python bench/writes.py --database-url postgresql://USER:PASSWORD@127.0.0.1/DB
    .venv/bin/python bench/writes.py --workers 2 --backend redis --database-url ...
"""

import argparse
import asyncio
import base64
import contextlib
import functools
import itertools
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import websockets
from fanout import (
    BACKENDS,
    CONCURRENCY,
    PROJECT_ROOT,
    SLUG,
    UNLIMITED,
    cpu_seconds,
    empty_database,
    free_port,
    http,
    join,
    percentile,
    rounded,
    run_folder,
    running,
    wait_for_http,
    write_conference_file,
)
from fanout_members import bounded_gather

OVERALL_TIMEOUT_S = 600
DELTA = re.compile(r"<!--plenum (snapshot|delta) (\d+)(?: (\d+))?-->")
REPLY = re.compile(r"<!--plenum reply (\S+) (ok|error)(?: (\S+))?-->")
SEED_CARDS = 10  # cards per room the votes and comments go to (posted before the steps)
# Every COLLECTING_EVERY-th room collects (cards and comments, in turn); the others vote.
# A board holds 2,000 cards, 200 by one person, 100 comments per card (server/domain/
# board.py): the default steps stay below them; with a few rooms only, a long ramp meets
# them, and the refusals count as errors.
COLLECTING_EVERY = 4


def log(message: str) -> None:
    print(f"[writes] {message}", file=sys.stderr, flush=True)


def write_conference(folder: Path, rooms: int, capacity: int) -> tuple[Path, list[str]]:
    slugs = [f"room-{n:02d}" for n in range(1, rooms + 1)]
    # Dots without limit: the steps must not run into a budget (tests check budgets).
    board = "{vote_budget: 1000000, max_votes_per_card: 1000000}"
    listed = "\n".join(
        f"""  - slug: {slug}
    title: Room {slug}
    capacity: {capacity}
    prompts:
      - {{key: ideas, title: Ideas}}
    board: {board}"""
        for slug in slugs
    )
    path = write_conference_file(folder, "BENCHWRT", "Writes benchmark", listed + "\n")
    return path, slugs


async def room_page_ids(port: int, cookie: str, slug: str) -> tuple[int, int]:
    """The room's id and its first column's, read from its page as a browser would."""
    status, _, page = await http(port, "GET", f"/c/{SLUG}/rooms/{slug}", cookie=cookie)
    room = re.search(r'ws-connect="/ws/rooms/(\d+)"', page)
    column = re.search(r'name="column" value="(\d+)"', page)
    if status != 200 or not room or not column:
        raise RuntimeError(f"room page {slug} answered {status} without room or column id")
    return int(room[1]), int(column[1])


async def make_moderator(port: int, cookie: str, room_slug: str, env: dict[str, str]) -> None:
    """An invite link from the CLI, as an organiser would make it, redeemed by `cookie`."""
    command = [sys.executable, "-m", "server", "invite", SLUG, room_slug, "--name", "Bench"]
    command.append(f"--base-url=http://127.0.0.1:{port}")
    printed = await asyncio.to_thread(
        subprocess.run,
        command,
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    path = "/c/" + printed.stdout.strip().splitlines()[-1].split("/c/", 1)[1]
    status, _, _ = await http(port, "POST", path, cookie=cookie)
    if status != 303:
        raise RuntimeError(f"redeeming the moderator link of {room_slug} gave HTTP {status}")


@dataclass
class Sender:
    """A member whose commands are timed: send to reply, matched by command id."""

    socket: websockets.ClientConnection
    waiting: dict[str, float] = field(default_factory=dict)
    replies: dict[str, str] = field(default_factory=dict)  # cid -> "ok" or the error code
    created: list[int] = field(default_factory=list)  # ids of the cards its posts made
    seq: int | None = None  # the last seq its frames brought it to
    gaps: int = 0
    last_frame_at: float = 0.0
    done: list[tuple[float, float]] = field(default_factory=list)  # (sent, answered)

    async def read(self) -> None:
        async for frame in self.socket:
            self.last_frame_at = time.perf_counter()
            head = frame[:200]
            found = DELTA.match(head)
            if found is not None:
                first = int(found[2])
                last = int(found[3] or found[2])
                if found[1] == "delta" and self.seq is not None and first != self.seq + 1:
                    self.gaps += 1
                self.seq = last
                continue
            reply = REPLY.match(head)
            if reply is not None:
                cid, outcome, detail = reply[1], reply[2], reply[3] or ""
                self.replies[cid] = "ok" if outcome == "ok" else (detail or "error")
                if detail.startswith("card="):
                    self.created.append(int(detail[5:]))
                sent = self.waiting.pop(cid, None)
                if sent is not None:
                    self.done.append((sent, time.perf_counter()))

    async def send(self, command: dict) -> None:
        self.waiting[command["cid"]] = time.perf_counter()
        await self.socket.send(json.dumps(command))


async def sink(port: int, path: str, cookie: str) -> asyncio.Task:
    """A member's socket that reads everything and parses nothing (a handshake by hand,
    then raw reads): the fan-out is sent to it as to a browser, at little client cost.
    Returns the task that reads it; cancelled, it closes the socket."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Cookie: {cookie}\r\n\r\n".encode()
    )
    answer = await reader.readuntil(b"\r\n\r\n")
    if not answer.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(f"a member's socket was refused: {answer[:80]!r}")

    async def drain() -> None:
        try:
            while await reader.read(1 << 16):
                pass
        except OSError:
            pass
        finally:
            writer.close()

    return asyncio.create_task(drain())


@dataclass
class Room:
    slug: str
    id: int
    column: int
    collects: bool  # in the collect phase (cards, comments), else in the vote phase
    cards: list[int] = field(default_factory=list)  # what the votes and comments go to
    senders: list[Sender] = field(default_factory=list)
    moderator: Sender | None = None  # its first member: a sender, on a moderator's socket
    collected: int = 0  # commands sent to a collecting room: cards and comments in turn


async def prepare_room(room: Room, cid: itertools.count, timeout: float = 30) -> None:
    """Post the room's first cards as its moderator, then open the vote phase unless the
    room collects."""
    moderator = room.moderator
    for n in range(SEED_CARDS):
        command = {"command": "post_card", "cid": f"p{next(cid)}", "column": str(room.column)}
        await moderator.send(command | {"text": f"Idee {n + 1} in {room.slug}"})
    if not room.collects:
        await moderator.send({"command": "set_phase", "cid": f"p{next(cid)}", "phase": "vote"})
    async with asyncio.timeout(timeout):
        while moderator.waiting:
            await asyncio.sleep(0.02)
    failed = {c: r for c, r in moderator.replies.items() if r != "ok"}
    if failed or len(moderator.created) != SEED_CARDS:
        raise RuntimeError(f"preparing {room.slug} failed: {failed or moderator.created}")
    room.cards = list(moderator.created)


async def run_step(
    rooms: list[Room], rate: float, seconds: float, cid: itertools.count, text_size: int
) -> tuple[int, float]:
    """Send commands at `rate` per second for `seconds`, spread over the rooms and their
    senders in turn: a vote in a voting room, a card or a comment in a collecting one.
    Returns the commands sent and the seconds until the last was answered (bounded)."""
    for room in rooms:
        if room.collects:  # comments spread over every card so far (a card takes 100)
            room.cards = sorted({card for sender in room.senders for card in sender.created})
    # Room by room, then the next sender of each: every room gets the same share.
    turns = [(room, room.senders[n]) for n in range(len(rooms[0].senders)) for room in rooms]
    total = int(rate * seconds)
    start = time.perf_counter()
    for n in range(total):
        due = start + n / rate
        wait = due - time.perf_counter()
        if wait > 0.002:
            await asyncio.sleep(wait)
        room, sender = turns[n % len(turns)]
        number = next(cid)
        card = str(room.cards[number % len(room.cards)])
        room.collected += room.collects
        if not room.collects:
            command = {"command": "vote", "card": card}
        elif room.collected % 2:
            text = (f"Karte {number} " + "x" * text_size)[:text_size]
            command = {"command": "post_card", "column": str(room.column), "text": text}
        else:
            command = {"command": "comment", "card": card, "text": f"Kommentar {number}"}
        await sender.send(command | {"cid": f"c{number}"})
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(10):
            while any(sender.waiting for _, sender in turns):
                await asyncio.sleep(0.01)
    return total, time.perf_counter() - start


async def measure(args: argparse.Namespace, folder: Path) -> dict:
    ports = [free_port() for _ in range(args.workers)]
    conference, slugs = write_conference(folder, args.rooms, args.members + 5)
    env = {**os.environ, "BROADCAST_URL": BACKENDS[args.backend], **UNLIMITED}
    env.pop("SESSIONS_CONFIG", None)
    with contextlib.ExitStack() as stack:
        env["DATABASE_URL"] = stack.enter_context(empty_database(args.database_url, folder))
        processes = []
        for port in ports:
            serve = ["-m", "server", "serve", "--host=127.0.0.1", f"--port={port}", str(conference)]
            log_path = folder / f"plenum-{port}.log"
            processes.append(stack.enter_context(running([sys.executable, *serve], log_path, env)))
            # One at a time: each worker migrates the schema at start.
            await wait_for_http(port, processes[-1])
        servers = [psutil.Process(p.pid) for p in processes]
        clients = psutil.Process()  # this script: every member's socket
        count = args.rooms * args.members
        log(f"{args.workers} worker(s) up on {ports}; joining {count} members over HTTP")
        cookies = await bounded_gather(functools.partial(join, ports[0]), range(count), CONCURRENCY)
        rooms = []
        for n, slug in enumerate(slugs):
            room_id, column = await room_page_ids(ports[0], cookies[n * args.members], slug)
            rooms.append(Room(slug, room_id, column, collects=n % COLLECTING_EVERY == 0))
        await bounded_gather(
            lambda n: make_moderator(ports[0], cookies[n * args.members], slugs[n], env),
            range(args.rooms),
            4,
        )
        log("moderators in; opening the sockets")
        sinks: list[asyncio.Task] = []
        readers: list[asyncio.Task] = []
        cid = itertools.count()

        async def open_member(index: int) -> None:
            room = rooms[index // args.members]
            # Each member on its own share of the workers, or a room's all on one (what a
            # proxy routing /ws/rooms/<id> by its path does).
            spread = index if args.spread == "members" else index // args.members
            port = ports[spread % len(ports)]
            path = f"/ws/rooms/{room.id}"
            if index % args.members < args.senders:
                url = f"ws://127.0.0.1:{port}{path}"
                ws = await websockets.connect(
                    url, additional_headers={"Cookie": cookies[index]}, compression=None
                )
                await ws.recv()  # the snapshot
                sender = Sender(ws)
                readers.append(asyncio.create_task(sender.read()))
                room.senders.append(sender)
                if index % args.members == 0:
                    room.moderator = sender
            else:
                sinks.append(await sink(port, path, cookies[index]))

        await bounded_gather(open_member, range(count), CONCURRENCY)
        await asyncio.gather(*(prepare_room(room, cid) for room in rooms))
        await settled([sender for room in rooms for sender in room.senders])
        voting = sum(not room.collects for room in rooms)
        log(f"{voting} rooms voting, {len(rooms) - voting} collecting, {SEED_CARDS} cards each")
        steps, rate = [], args.start_rate
        sustained = None
        while rate <= args.max_rate:
            since = {id(s): len(s.done) for r in rooms for s in r.senders}
            before = sum(map(cpu_seconds, servers)), cpu_seconds(clients), busy_seconds()
            sent, elapsed = await run_step(rooms, rate, args.step_seconds, cid, args.text_size)
            after = sum(map(cpu_seconds, servers)), cpu_seconds(clients), busy_seconds()
            cpu = [now - then for now, then in zip(after, before, strict=True)]
            figures = step_figures(rooms, sent, elapsed, rate, *cpu, since)
            steps.append(figures)
            log(f"step {figures}")
            held = (
                figures["p99_ms"] is not None
                and figures["p99_ms"] <= args.p99_ms_max
                and figures["unanswered"] == 0
                and figures["answered_per_s"] >= 0.95 * rate
            )
            if not held:
                break
            sustained = figures
            rate *= args.growth
        for task in readers:
            task.cancel()
        senders = [s for r in rooms for s in r.senders]
        errors: dict[str, int] = {}
        for sender in senders:
            for outcome in sender.replies.values():
                if outcome != "ok":
                    errors[outcome] = errors.get(outcome, 0) + 1
        for task in sinks:
            task.cancel()
        for sender in senders:
            await sender.socket.close()
        return {
            "database": "postgresql" if args.database_url else "sqlite",
            "workers": args.workers,
            "backend": args.backend,
            "spread": args.spread,
            "rooms": args.rooms,
            "members_per_room": args.members,
            "senders_per_room": args.senders,
            "sustained_per_s": sustained and sustained["answered_per_s"],
            "sustained_step": sustained,
            "steps": steps,
            "errors": errors,
            "seq_gaps": sum(s.gaps for s in senders),
        }


async def settled(senders: list[Sender], quiet_s: float = 1.0, timeout: float = 60) -> None:
    """Until no sender got a frame for `quiet_s`: the members' arrivals (presence) and the
    rooms' first cards are out, and do not count against the first step."""
    async with asyncio.timeout(timeout):
        while time.perf_counter() - max(s.last_frame_at for s in senders) < quiet_s:
            await asyncio.sleep(0.1)


def busy_seconds() -> float:
    """CPU seconds the whole machine spent on anything but idling, all cores together."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def step_figures(
    rooms: list[Room],
    sent: int,
    elapsed: float,
    rate: float,
    server_cpu: float,
    clients_cpu: float,
    machine_cpu: float,
    since: dict,
) -> dict:
    latencies = [
        (answered - sent_at) * 1000
        for room in rooms
        for sender in room.senders
        for sent_at, answered in sender.done[since[id(sender)] :]
    ]
    answered = len(latencies)
    return {
        "asked_per_s": round(rate),
        "answered_per_s": rounded(answered / elapsed, 0),
        "p50_ms": rounded(percentile(latencies, 50), 1),
        "p99_ms": rounded(percentile(latencies, 99), 1),
        "unanswered": sent - answered,
        "server_cpu_us_per_command": rounded(server_cpu / max(answered, 1) * 1e6, 0),
        "server_cpu_pct": rounded(server_cpu / elapsed * 100, 0),
        # The members' sockets share the machine with the server: together with the
        # database they may take every core before the server runs out of one.
        "clients_cpu_pct": rounded(clients_cpu / elapsed * 100, 0),
        "machine_busy_pct": rounded(machine_cpu / elapsed * 100, 0),
        "cores": psutil.cpu_count(),
    }


def goals(args: argparse.Namespace, result: dict) -> dict[str, bool]:
    """Issue 20's goals on this machine (server, database and clients on 2 cores)."""
    sustained = result["sustained_per_s"] or 0
    return {
        f"sustained ≥ {args.goal_per_s} commands/s": sustained >= args.goal_per_s,
        "every command answered ok": not result["errors"],
        "no seq gap": result["seq_gaps"] == 0,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--members", type=int, default=25, help="members per room")
    parser.add_argument(
        "--senders", type=int, default=5, help="members per room that send (timed) commands"
    )
    parser.add_argument("--start-rate", type=float, default=50, help="commands/s, first step")
    parser.add_argument("--growth", type=float, default=1.4, help="each step's rate ÷ the last")
    parser.add_argument("--max-rate", type=float, default=4000, help="no step above this")
    parser.add_argument("--step-seconds", type=float, default=3)
    parser.add_argument("--p99-ms-max", type=float, default=100, help="a step holds below this")
    parser.add_argument("--text-size", type=int, default=120, help="characters per card")
    parser.add_argument("--goal-per-s", type=float, default=1500, help="the goal to print")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="memory")
    parser.add_argument(
        "--spread",
        choices=["members", "rooms"],
        default="members",
        help="with several workers: every room on every worker, or each room on one",
    )
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default: a temp SQLite file); on PostgreSQL "
        "the run gets a schema of its own, dropped afterwards",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, db)")
    args = parser.parse_args(argv)
    if args.workers > 1 and args.backend != "redis":
        parser.error("--workers N > 1 needs --backend redis")
    if not 1 <= args.senders <= args.members or args.rooms < 1:
        parser.error("need --rooms >= 1 and 1 <= --senders <= --members")
    if args.growth <= 1 or args.start_rate <= 0:
        parser.error("need --growth > 1 and --start-rate > 0")
    return args


async def main(args: argparse.Namespace) -> dict:
    async with run_folder("writes", args.keep) as folder, asyncio.timeout(OVERALL_TIMEOUT_S):
        return await measure(args, folder)


if __name__ == "__main__":
    arguments = parse_args()
    outcome = asyncio.run(main(arguments))
    print(json.dumps(outcome, indent=2))
    for goal, met in goals(arguments, outcome).items():
        print(f"[writes] {'PASS' if met else 'FAIL'}  {goal}", file=sys.stderr)
