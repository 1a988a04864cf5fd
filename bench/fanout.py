"""Fan-out benchmark: one room, N live members, cards posted at a steady rate.

Starts the real server (`python -m server serve`) on a free port of 127.0.0.1 with a
generated conference, joins N participants over HTTP, opens N room sockets spread over
`--client-procs` client processes (bench/fanout_members.py), posts cards through the real
command path and measures when the last member got each card. Then does the same against a
raw `websockets.broadcast()` server (bench/raw_broadcast_server.py) as the baseline, and
prints one JSON object on stdout; progress goes to stderr. How to read the figures:
bench/README.md.

    .venv/bin/python bench/fanout.py --clients 1000 --client-procs 2
"""

import argparse
import asyncio
import contextlib
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
from pathlib import Path

import psutil
from fanout_members import (
    MIXES,
    CastVotes,
    ClientProcesses,
    Tally,
    bounded_gather,
    client_processes,
    handshake_timeout_s,
    overall_timeout_s,
    shares,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_SERVER = Path(__file__).with_name("raw_broadcast_server.py")
SLUG, ROOM_SLUG = "bench-fanout", "hall"
TARGETS = {"p99_ms_max": 30, "ratio_max": 1.7, "rss_kib_max": 30}
WORKERS_TARGET = 1.8  # N workers' throughput ÷ 1 worker's, same run
# The bus for --backend; redis is the machine's Redis on 127.0.0.1 (see shared/TESTING.md).
BACKENDS = {"memory": "memory://", "redis": "redis://127.0.0.1:6379/0?channel_prefix=bench:"}
QUIET_S = 1.0  # the room counts as settled once no member got a frame for this long
CONCURRENCY = 50  # HTTP joins and socket handshakes (over all client processes) in flight
DELIVERY_GRACE_S = 30  # after the last send, how long cards may take to reach everyone


def log(message: str) -> None:
    print(f"[fanout] {message}", file=sys.stderr, flush=True)


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
    room = f"""  - slug: {ROOM_SLUG}
    title: Benchmark hall
    capacity: {capacity}
    prompts:
      - {{key: ideas, title: Ideas}}
    # The vote mix: dots without limit, and totals fanned out to everyone while voting.
    board:
      vote_budget: 1000000
      max_votes_per_card: 1000000
      votes_visible_while_voting: true
"""
    return write_conference_file(folder, "BENCHFAN", "Fan-out benchmark", room)


def write_conference_file(folder: Path, code: str, title: str, rooms: str) -> Path:
    """The benches' conference (slug SLUG): one day on 127.0.0.1, all of it a breakout,
    with `rooms` (the YAML list's items)."""
    path = folder / f"{SLUG}.yaml"
    path.write_text(
        f"""slug: {SLUG}
code: {code}
title: {title}
date: "2022-03-22"
start: "09:00"
end: "17:00"
place: 127.0.0.1
format: virtual
agenda:
  - {{start: "09:00", end: "17:00", title: Breakout, kind: breakout}}
rooms:
{rooms}""",
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


def latency_figures(tally: Tally, sent_at: list[float]) -> dict:
    # Only cards that reached every member have a latency; the others count as missing.
    complete = [c for c in range(tally.cards) if tally.counts[c] == tally.members]
    latencies = [(tally.done_at[c] - sent_at[c]) * 1000 for c in complete]
    done = sorted(tally.done_at[c] for c in complete)
    # Completions per second between the first and the last card everyone had.
    span = done[-1] - done[0] if done else 0.0
    # Several cards can arrive in one coalesced frame: no span, no rate to tell.
    achieved = (len(done) - 1) / span if span > 0 else None
    return {
        "p50_ms": rounded(percentile(latencies, 50)),
        "p95_ms": rounded(percentile(latencies, 95)),
        "p99_ms": rounded(percentile(latencies, 99)),
        "max_ms": rounded(max(latencies, default=None)),
        "cards_per_s": rounded(achieved),
        "missing": tally.cards * tally.members - sum(tally.counts),
    }


async def settle_members(
    clients: ClientProcesses, urls: list[str], cookies: list[str], args: argparse.Namespace
) -> tuple[float, int]:
    """Connect every member and wait until the room is quiet.

    Quiet means every member has its first frame and no frame arrived in any process for
    QUIET_S seconds: each arrival in Plenum sends a presence delta to everyone, and
    measuring before those died down would charge join traffic to the cards. Returns the
    seconds taken and the number of sockets that negotiated an extension.
    """
    started, n, k = time.perf_counter(), len(cookies), len(clients.processes)
    connect_s = 60 + n * 0.1

    connect = {"do": "connect", "cards": args.cards, "timeout": connect_s}
    connect["vote_cards"] = CastVotes.VOTE_CARDS if args.mix == "vote" else 0
    connect["limit"] = math.ceil(CONCURRENCY / k)  # handshakes in flight per process
    connect["open_timeout"] = handshake_timeout_s(n)
    # With several workers, client process i talks to worker i mod W (no stickiness
    # needed: any worker serves any room).
    commands = {
        index: connect | {"cookies": share, "poster": index == 0, "url": urls[index % len(urls)]}
        for index, share in enumerate(shares(cookies, k))
    }
    connected = await clients.ask(commands, timeout=connect_s + 10)
    log(f"{n} sockets open over {k} client process(es) in {time.perf_counter() - started:.1f} s")
    async with asyncio.timeout(120 + n * 0.1):
        while True:
            states = await clients.ask_all({"do": "status"}, timeout=10)
            ready = sum(state["ready"] for state in states)
            if ready == n and min(state["quiet_s"] for state in states) >= QUIET_S:
                break
            await asyncio.sleep(0.1)
    return time.perf_counter() - started, sum(answer["extensions"] for answer in connected)


async def post_and_wait(
    servers: list[psutil.Process],
    clients: ClientProcesses,
    column_id: int,
    args: argparse.Namespace,
) -> tuple[list[float], list[dict], dict]:
    """Post every card on schedule, wait for delivery.

    Returns the send times, each process's tallies and the CPU figures.
    """
    log(f"posting {args.cards} cards at {args.rate}/s")
    # CPU of this process, then of the K client processes.
    mine = [psutil.Process(), *(psutil.Process(p.pid) for p in clients.processes)]
    server_cpu, t0 = sum(map(cpu_seconds, servers)), time.perf_counter()
    client_cpu = [cpu_seconds(process) for process in mine]
    post = {"do": "post", "mix": args.mix, "column_id": column_id, "text_size": args.text_size}
    post["server"] = args.server
    post |= {"cards": args.cards, "rate": args.rate}
    (posted,) = await clients.ask({0: post}, timeout=args.cards / args.rate + 60)
    collect = {"do": "collect", "grace_s": DELIVERY_GRACE_S}
    answers = await clients.ask_all(collect, timeout=DELIVERY_GRACE_S + 30)
    server_cpu = sum(map(cpu_seconds, servers)) - server_cpu
    client_cpu = [cpu_seconds(p) - before for p, before in zip(mine, client_cpu, strict=True)]
    elapsed = time.perf_counter() - t0
    return (
        posted["sent_at"],
        answers,
        {
            "cpu_us_per_delivery": rounded(server_cpu / (args.cards * args.clients) * 1e6),
            "server_cpu_pct": rounded(server_cpu / elapsed * 100, 0),
            "client_cpu_pct": rounded(sum(client_cpu) / elapsed * 100, 0),
            "client_cpu_pct_per_proc": [rounded(cpu / elapsed * 100, 0) for cpu in client_cpu[1:]],
        },
    )


def rss(servers: list[psutil.Process]) -> int:
    return sum(server.memory_info().rss for server in servers)


async def measure(
    servers: list[psutil.Process],
    urls: list[str],
    cookies: list[str],
    column_id: int,
    args: argparse.Namespace,
) -> dict:
    n = len(cookies)
    rss_before = rss(servers)
    async with client_processes(args.client_procs, overall_timeout_s(n)) as clients:
        settle_s, extensions = await settle_members(clients, urls, cookies, args)
        rss_after = rss(servers)
        sent_at, answers, cpu_figures = await post_and_wait(servers, clients, column_id, args)
    # Send and arrival times all come from perf_counter, i.e. CLOCK_MONOTONIC on Linux,
    # one clock for every process on this machine: they subtract across processes.
    tally = Tally(members=n, cards=args.cards)
    for answer in answers:
        tally.merge(answer)
    if not tally.delivered_all():
        log(f"some cards did not reach every member within {DELIVERY_GRACE_S} s")
    return {
        **latency_figures(tally, sent_at),
        **cpu_figures,
        "rss_kib_per_connection": rounded((rss_after - rss_before) / 1024 / n),
        "extensions_negotiated": extensions,
        "closed_clients": sum(answer["closed"] for answer in answers),
        "card_frame_bytes": percentile(tally.card_frame_bytes, 50),
        "connect_and_settle_s": rounded(settle_s, 1),
    }


# Every member joins from 127.0.0.1 and the poster posts faster than a person: this
# measures fan-out, not the rate limits (bench/abuse.py and tests/abuse do those).
UNLIMITED = {
    f"LIMIT_{name}": "1000000 per minute"
    for name in ("JOIN", "POST", "COMMAND", "MODERATE", "SOCKET")
}


async def run_plenum(args: argparse.Namespace, folder: Path, workers: int = 1) -> dict:
    """Plenum with `workers` server processes on one database and bus, each on its port."""
    ports = [free_port() for _ in range(workers)]
    conference = write_conference(folder, capacity=args.clients + 10)
    env = {**os.environ, "BROADCAST_URL": BACKENDS[args.backend], **UNLIMITED}
    env.pop("SESSIONS_CONFIG", None)  # the path argument below is the only conference
    with contextlib.ExitStack() as stack:
        env["DATABASE_URL"] = stack.enter_context(empty_database(args.database_url, folder))
        processes = []
        for port in ports:
            serve = ["-m", "server", "serve", "--host=127.0.0.1", f"--port={port}", str(conference)]
            log_path = folder / f"plenum-{workers}w-{port}.log"
            processes.append(stack.enter_context(running([sys.executable, *serve], log_path, env)))
        for port, process in zip(ports, processes, strict=True):
            await wait_for_http(port, process)
        log(
            f"plenum up with {workers} worker(s) on ports {ports}; joining {args.clients} over HTTP"
        )
        joining = bounded_gather(
            functools.partial(join, ports[0]), range(args.clients), CONCURRENCY
        )
        cookies = await asyncio.wait_for(joining, 60 + args.clients * 0.1)
        room_id, column_id = await room_ids(ports[0], cookies[0])
        if args.mix == "vote":
            await make_moderator(ports[0], cookies[0], env)  # the poster opens the vote phase
        urls = [f"ws://127.0.0.1:{port}/ws/rooms/{room_id}" for port in ports]
        servers = [psutil.Process(process.pid) for process in processes]
        plenum = argparse.Namespace(**vars(args), server="plenum")
        return {"workers": workers, **await measure(servers, urls, cookies, column_id, plenum)}


@contextmanager
def empty_database(url: str | None, folder: Path):
    """A database URL with nothing in it, for one Plenum run.

    SQLite: a new file in the temp dir. PostgreSQL: a schema of its own in the database
    of `url` (dropped afterwards), so the 1-worker and N-worker runs of --workers each
    start empty instead of the second one finding the first one's cards.
    """
    if url is None:
        for suffix in ("", "-wal", "-shm"):
            (folder / f"bench.db{suffix}").unlink(missing_ok=True)
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    if not url.startswith("postgresql"):
        yield url
        return
    from sqlalchemy import create_engine, text

    schema = f"plenum_bench_{os.getpid()}_{time.monotonic_ns()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


async def make_moderator(port: int, cookie: str, env: dict[str, str]) -> None:
    """Make an invite link with the CLI, as an organiser would, and redeem it."""
    command = [sys.executable, "-m", "server", "invite", SLUG, ROOM_SLUG, "--name", "Bench"]
    command.append(f"--base-url=http://127.0.0.1:{port}")
    printed = subprocess.run(
        command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    path = "/c/" + printed.strip().splitlines()[-1].split("/c/", 1)[1]
    status, _, _ = await http(port, "POST", path, cookie=cookie)
    if status != 303:
        raise RuntimeError(f"redeeming the moderator link gave HTTP {status}")


@contextlib.asynccontextmanager
async def raw_server(folder: Path, option: str):
    """The baseline server (bench/raw_broadcast_server.py) with one sizing option; yields
    its process and its socket URL, and stops it on the way out."""
    port = free_port()
    command = [sys.executable, str(RAW_SERVER), f"--port={port}", option]
    with running(command, folder / "raw.log") as process:
        await wait_for_http(port, process)
        log(f"raw server up on port {port} ({option})")
        yield psutil.Process(process.pid), f"ws://127.0.0.1:{port}/"


async def run_raw(args: argparse.Namespace, folder: Path, frame_bytes: int) -> dict:
    async with raw_server(folder, f"--frame-bytes={frame_bytes}") as (process, url):
        raw = argparse.Namespace(**vars(args), server="raw")
        return await measure([process], [url], [""] * args.clients, 0, raw)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000, help="room members (sockets)")
    parser.add_argument("--cards", type=int, default=200, help="cards to post")
    parser.add_argument("--rate", type=float, default=20.0, help="cards per second")
    parser.add_argument("--text-size", type=int, default=120, help="characters per card")
    parser.add_argument("--mix", choices=sorted(MIXES), default="post")
    parser.add_argument(
        "--client-procs", type=int, default=2, help="client processes the members are spread over"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="with N > 1: measure Plenum with 1 and with N server processes (needs --backend "
        "redis) and print the throughput ratio instead of the raw baseline",
    )
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="memory")
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default: a temp SQLite file); on PostgreSQL each run "
        "gets a schema of its own",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, db)")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.cards < 1 or args.rate <= 0 or not 20 <= args.text_size <= 500:
        parser.error("need --clients >= 1, --cards >= 1, --rate > 0, 20 <= --text-size <= 500")
    if not 1 <= args.client_procs <= args.clients:
        parser.error("need 1 <= --client-procs <= --clients")
    if args.workers > 1 and (args.backend != "redis" or args.client_procs < args.workers):
        parser.error("--workers N > 1 needs --backend redis and --client-procs >= N")
    return args


def raise_open_files_limit(clients: int) -> None:
    # One socket per member in the client processes and one in the server; all of them
    # inherit this limit.
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


async def compare_workers(args: argparse.Namespace, folder: Path) -> dict:
    """Fan-out throughput of N workers as a ratio to 1 worker, same settings, same run.

    Throughput is deliveries per second (cards everyone had per second × members), so
    post at a --rate above what one worker keeps up with. Each run has its own empty
    database (`empty_database`).
    """
    one = await run_plenum(args, folder, workers=1)
    many = await run_plenum(args, folder, workers=args.workers)
    throughput = [
        None if r["cards_per_s"] is None else round(r["cards_per_s"] * args.clients)
        for r in (one, many)
    ]
    ratio = throughput[1] / throughput[0] if all(throughput) else None
    settings = {name: value for name, value in vars(args).items() if name != "keep"}
    return {
        **settings,
        "one_worker": {**one, "deliveries_per_s": throughput[0]},
        f"{args.workers}_workers": {**many, "deliveries_per_s": throughput[1]},
        "throughput_ratio": rounded(ratio),
        "targets": {
            "throughput_ratio_min": WORKERS_TARGET,
            "throughput_ratio_ok": ratio is not None and ratio >= WORKERS_TARGET,
            "no_missing": one["missing"] == 0 and many["missing"] == 0,
        },
    }


@contextlib.asynccontextmanager
async def run_folder(name: str, keep: bool):
    """A temp dir for one run's logs and database, removed afterwards unless `keep`; and
    SIGTERM cancelling the run, so that the servers it started stop on the way out."""
    # Without this, SIGTERM (from `timeout`, say) would end us and leave the servers running.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    folder = Path(tempfile.mkdtemp(prefix=f"plenum-{name}-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"[{name}] kept {folder}", file=sys.stderr, flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)


async def main(args: argparse.Namespace) -> dict:
    async with run_folder("fanout", args.keep) as folder:
        async with asyncio.timeout(overall_timeout_s(args.clients)):
            if args.workers > 1:
                return await compare_workers(args, folder)
            # Plenum first: its real card frame size is the size the baseline sends.
            plenum = await run_plenum(args, folder)
            raw = await run_raw(args, folder, plenum["card_frame_bytes"] or 400)
        return report(args, plenum, raw)


if __name__ == "__main__":
    arguments = parse_args()
    raise_open_files_limit(arguments.clients)
    try:
        print(json.dumps(asyncio.run(main(arguments)), indent=2))
    except (asyncio.CancelledError, KeyboardInterrupt):  # SIGTERM, Ctrl+C
        sys.exit("[fanout] stopped; servers stopped, temp dir removed unless --keep")
