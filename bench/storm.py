"""Reconnect storm: a room of N members and 600 cards loses every socket at once.

Starts the real server as bench/fanout.py does (a generated conference, rate limits out
of the way), joins N participants over HTTP, seeds the board with `--cards` cards through
the real command path, opens N room sockets over `--client-procs` client processes
(bench/storm_members.py) and waits until the room is quiet. Then every client process
drops all its sockets at once, as a network blip does, and reconnects them with the
back-off and jitter of htmx's ws extension. Measured from the drop: when the last member
has its snapshot, when a card posted right after that reached everyone (the board is
live again), the server's CPU seconds and peak RSS, and the presence frames and bytes
delivered. Then the same storm against bench/raw_broadcast_server.py, whose hello is
padded to the size of Plenum's snapshot. One JSON object on stdout; bench/README.md.

    .venv/bin/python bench/storm.py --clients 1000
"""

import argparse
import asyncio
import contextlib
import functools
import json
import os
import sys
import threading
from pathlib import Path

import psutil
import websockets
from fanout import (
    BACKENDS,
    CONCURRENCY,
    UNLIMITED,
    cpu_seconds,
    empty_database,
    free_port,
    join,
    raise_open_files_limit,
    raw_server,
    room_ids,
    rounded,
    run_folder,
    running,
    settle_members,
    wait_for_http,
    write_conference,
)
from fanout_members import bounded_gather, client_processes

STORM_MEMBERS = Path(__file__).with_name("storm_members.py")
TARGET_RATIO = 3.0  # time until everyone is back, Plenum ÷ raw
QUIET_S = 1.0  # after the probe reached everyone: the storm is over once this stays quiet
STORM_TIMEOUT_S = 360  # with settling and the probe, within the 600 s every client process lives
CARDS_PER_POSTER = 150  # one person may post 200 in a room (server/domain/board.py)


def log(message: str) -> None:
    print(f"[storm] {message}", file=sys.stderr, flush=True)


async def seed_cards(url: str, cookies: list[str], column_id: int, cards: int) -> None:
    """Post `cards` cards over the first members' sockets, as many as one person may each,
    and wait for every reply; those sockets close before the members connect."""
    per_person = min(cards, CARDS_PER_POSTER)
    posters = [cookies[i] for i in range(-(-cards // per_person))]

    async def post(index: int) -> None:
        headers = {"Cookie": posters[index]}
        async with websockets.connect(url, additional_headers=headers, max_size=2**26) as ws:
            first = index * per_person
            mine = range(first, min(cards, first + per_person))
            for n in mine:
                text = f"Seed idea {n}: ideas for a smart region, with some detail to it"
                command = {"command": "post_card", "cid": f"seed-{n}", "column": str(column_id)}
                await ws.send(json.dumps({**command, "text": text}))
            replies = 0
            while replies < len(mine):
                frame = await asyncio.wait_for(ws.recv(), 60)
                replies += frame.startswith("<!--plenum reply seed-")

    await asyncio.gather(*(post(index) for index in range(len(posters))))


class PeakRss:
    """Samples the server's RSS every 20 ms in a thread (the loop is busy in a storm)."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.peak = process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            with contextlib.suppress(psutil.Error):
                self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


async def storm(
    server: psutil.Process, url: str, cookies: list[str], column_id: int, args, kind: str
) -> dict:
    """Connect, settle, drop everything, and measure until the room is live and quiet."""
    n = len(cookies)
    async with client_processes(args.client_procs, script=STORM_MEMBERS) as clients:
        settings = argparse.Namespace(cards=1, mix="post")
        settle_s, _ = await settle_members(clients, [url], cookies, settings)
        log(f"{kind}: {n} members settled in {settle_s:.1f} s; dropping every socket")
        rss_before = server.memory_info().rss
        cpu_before = cpu_seconds(server)
        with PeakRss(server) as peak:
            commands = {
                i: {"do": "storm", "seed": args.seed + i, "timeout": STORM_TIMEOUT_S}
                for i in range(args.client_procs)
            }
            backs = await clients.ask(commands, timeout=STORM_TIMEOUT_S + 10)
            probe = {"do": "probe", "server": kind, "column_id": column_id}
            (sent,) = await clients.ask({0: probe}, timeout=30)
            stats = {"do": "stats", "quiet_s": QUIET_S, "timeout": 60}
            answers = await clients.ask_all(stats, timeout=90)
        cpu = cpu_seconds(server) - cpu_before
    dropped = min(b["dropped_at"] for b in backs)
    back = max(b["back_at"] for b in backs)
    probed = sum(a["probed"] for a in answers)
    everyone = not any(b["timed_out"] for b in backs) and probed == n
    if not everyone:
        log(f"{kind}: back after {STORM_TIMEOUT_S} s: {sum(b['members'] for b in backs)} of {n}")
    probe_at = max(a["probe_at"] for a in answers)
    return {
        "settle_s": rounded(settle_s, 1),
        # None: not everyone was back within STORM_TIMEOUT_S (see members_back)
        "all_snapshots_s": rounded(back - dropped) if everyone else None,
        "live_again_s": rounded(probe_at - dropped) if everyone else None,
        "probe_latency_ms": rounded((probe_at - sent["sent_at"]) * 1e3) if everyone else None,
        "server_cpu_s": rounded(cpu),
        "rss_before_mib": rounded(rss_before / 2**20, 1),
        "peak_rss_mib": rounded(peak.peak / 2**20, 1),
        "connect_attempts": sum(a["attempts"] for a in answers),
        "members_back": sum(b["members"] for b in backs),
        "probe_missing": n - probed,
        "frames": sum(a["frames"] for a in answers),
        "frame_bytes": sum(a["frame_bytes"] for a in answers),
        "presence_frames": sum(a["presence_frames"] for a in answers),
        "presence_bytes": sum(a["presence_bytes"] for a in answers),
        "snapshot_bytes": max(a["snapshot_bytes"] for a in answers),
    }


async def run_plenum(args: argparse.Namespace, folder: Path) -> dict:
    port = free_port()
    conference = write_conference(folder, capacity=args.clients + 10)
    env = {**os.environ, "BROADCAST_URL": BACKENDS["memory"], **UNLIMITED}
    env.pop("SESSIONS_CONFIG", None)
    with contextlib.ExitStack() as stack:
        env["DATABASE_URL"] = stack.enter_context(empty_database(args.database_url, folder))
        serve = ["-m", "server", "serve", "--host=127.0.0.1", f"--port={port}", str(conference)]
        process = stack.enter_context(running([sys.executable, *serve], folder / "plenum.log", env))
        await wait_for_http(port, process)
        log(f"plenum up on port {port}; joining {args.clients} over HTTP")
        joining = bounded_gather(functools.partial(join, port), range(args.clients), CONCURRENCY)
        cookies = await asyncio.wait_for(joining, 60 + args.clients * 0.1)
        room_id, column_id = await room_ids(port, cookies[0])
        url = f"ws://127.0.0.1:{port}/ws/rooms/{room_id}"
        log(f"seeding {args.cards} cards")
        await seed_cards(url, cookies, column_id, args.cards)
        return await storm(psutil.Process(process.pid), url, cookies, column_id, args, "plenum")


async def run_raw(args: argparse.Namespace, folder: Path, snapshot_bytes: int) -> dict:
    async with raw_server(folder, f"--hello-bytes={snapshot_bytes}") as (process, url):
        return await storm(process, url, [""] * args.clients, 0, args, "raw")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4000, help="room members (sockets)")
    parser.add_argument("--cards", type=int, default=600, help="cards on the board")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1, help="of the reconnect jitter")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: a temp SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, db)")
    args = parser.parse_args(argv)
    if args.clients < 1 or not 1 <= args.client_procs <= args.clients or args.cards < 1:
        parser.error("need --clients >= 1, 1 <= --client-procs <= --clients, --cards >= 1")
    return args


def _ratio(plenum: float | None, raw: float | None) -> float | None:
    return plenum / raw if plenum is not None and raw else None


async def main(args: argparse.Namespace) -> dict:
    async with run_folder("storm", args.keep) as folder:
        plenum = await run_plenum(args, folder)
        raw = await run_raw(args, folder, plenum["snapshot_bytes"])
    ratio = _ratio(plenum["all_snapshots_s"], raw["all_snapshots_s"])
    settings = {name: value for name, value in vars(args).items() if name != "keep"}
    return {
        **settings,
        "plenum": plenum,
        "raw": raw,
        "all_snapshots_ratio": rounded(ratio),
        "live_again_ratio": rounded(_ratio(plenum["live_again_s"], raw["live_again_s"])),
        "cpu_ratio": rounded(plenum["server_cpu_s"] / max(raw["server_cpu_s"], 0.01)),
        "presence_frames_per_member": rounded(plenum["presence_frames"] / args.clients),
        "target_ratio_max": TARGET_RATIO,
        "ratio_ok": ratio is not None and ratio <= TARGET_RATIO,
    }


if __name__ == "__main__":
    arguments = parse_args()
    raise_open_files_limit(arguments.clients)
    try:
        print(json.dumps(asyncio.run(main(arguments)), indent=2))
    except (asyncio.CancelledError, KeyboardInterrupt):
        sys.exit("[storm] stopped; servers stopped, temp dir removed unless --keep")
