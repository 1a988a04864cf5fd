"""Client processes of bench/fanout.py: each one holds a share of the room's members.

Both ends live here: run as a script, this module is one client process (`Members`,
`serve_parent`); imported by fanout.py, it starts, asks and stops them (`client_processes`,
`ClientProcesses`).

fanout.py starts `--client-procs` copies of this script and speaks to each over its pipes,
one JSON object per line: a command on stdin (`{"do": "connect", ...}`), one answer on
stdout (`{"ok": true, ...}` or `{"error": "..."}`). End of stdin means "drop every socket
and exit" (after the command in progress, if any); so a client process also ends when
fanout.py dies. Nothing else is written to stdout.

    connect  open this share's sockets (the first one is the poster in process 0)
    status   members that have their first frame, seconds since the last frame arrived
    post     (process 0 only) post the cards at a steady rate; answers the send times
    collect  wait until every member here has every card (or the grace period ends);
             answers per card the count of members that got it and the last arrival time

Clock: every time stamp here is `time.perf_counter()`, which on Linux is CLOCK_MONOTONIC,
one clock shared by every process of the machine. So a send time taken in process 0 and an
arrival time taken in process 3 can be subtracted, and fanout.py does exactly that. This
holds on one Linux machine (the benchmark only talks to 127.0.0.1); it would not across
machines, and Python does not promise it on every OS.
"""

import asyncio
import contextlib
import functools
import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

# A step's marker: the card text (post mix, both servers), the echoed command (vote mix on
# the raw server), or the dot total Plenum fans out after a vote (vote mix on Plenum).
MARKER_PREFIXES = (b"bench-", b'class="vote-count" data-votes="')
MARKER = re.compile(rb"bench-(?:card|vote)-(\d{6})")
VOTE_TOTAL = re.compile(rb'id="votes-(\d+)" class="vote-count" data-votes="(\d+)"')
OVERALL_TIMEOUT_S = 600


def overall_timeout_s(clients: int) -> float:
    """The whole run's bound: 10 minutes, and 0.15 s more per member past 4,000 (a room
    of 10,000 joins, connects and settles for minutes)."""
    return OVERALL_TIMEOUT_S + max(0, clients - 4000) * 0.15


def handshake_timeout_s(clients: int) -> float:
    """One socket's opening handshake: 10 s (websockets' default), more in a big room,
    where the server answers handshakes between fanning out the members' arrivals."""
    return 10 + clients * 0.005


LINE_LIMIT = 2**24  # one pipe line may carry a thousand cookies or the tallies of every card
# asyncio reads each socket with `sock.recv(256 KiB)` and shrinks the result to the frame
# (~500 bytes). Above glibc's mmap threshold (128 KiB at start) every such read costs
# mmap + mremap + munmap, which doubled the client's CPU per frame in a fresh process;
# glibc only raises the threshold by itself after some big block is freed whole, which a
# long-lived process usually did and a fresh one need not. These documented glibc
# tunables make every client process read from the heap from the start (other C
# libraries ignore them). Only the clients get them: the servers run as they would.
CLIENT_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(2**20), "MALLOC_TRIM_THRESHOLD_": str(2**24)}


@dataclass
class Tally:
    """Per-card delivery counts and last arrival times, over the members of one process.

    fanout.py merges the tallies of its client processes into one of the same shape.
    """

    members: int
    cards: int
    vote_cards: int = 0  # vote mix: the cards voted on round robin (ids 1..vote_cards)
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
        if not any(prefix in frame for prefix in MARKER_PREFIXES):
            return
        found = {int(n) for n in MARKER.findall(frame)}
        if self.vote_cards:
            # Step s puts a dot on card s % K + 1, making its total s // K + 1.
            for card, total in VOTE_TOTAL.findall(frame):
                step = (int(total) - 1) * self.vote_cards + int(card) - 1
                if 0 <= step < self.cards:
                    found.add(step)
        if member.is_poster and len(found) == 1:
            self.card_frame_bytes.append(len(frame))
        for card in found - member.seen:
            member.seen.add(card)
            self.counts[card] += 1
            self.done_at[card] = max(self.done_at[card], at)

    def delivered_all(self) -> bool:
        return min(self.counts) == self.members

    def merge(self, answer: dict) -> None:
        """Add one process's `collect` answer: counts add up, the latest arrival wins."""
        pairs = zip(self.counts, answer["counts"], strict=True)
        self.counts = [mine + theirs for mine, theirs in pairs]
        pairs = zip(self.done_at, answer["done_at"], strict=True)
        self.done_at = [max(mine, theirs) for mine, theirs in pairs]
        self.card_frame_bytes += answer["card_frame_bytes"]


class MemberConnection(ClientConnection):
    """One member's socket; it tallies frames as they are parsed, with no reader task.

    All members of a process share its one loop, so client cost per frame sets a floor
    under every latency measured. A reader task per member costs a task switch and a queue
    round trip per frame (about a third of the client's CPU at N=1000 in one process);
    counting in `process_event` (the hook websockets' own client uses for the handshake)
    avoids it.
    """

    def __init__(self, *args, tally: Tally, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tally = tally
        self.arrived_at = 0.0
        self.ready = False
        self.is_poster = False
        self.seen: set[int] = set()  # card numbers already counted for this member
        self.awaited: tuple[bytes, asyncio.Event] | None = None  # see `wait_for`

    async def wait_for(self, text: bytes, timeout: float) -> None:
        """Until a frame containing `text` arrives (the vote mix waits for its setup)."""
        event = asyncio.Event()
        self.awaited = (text, event)
        try:
            await asyncio.wait_for(event.wait(), timeout)
        finally:
            self.awaited = None

    def data_received(self, data: bytes) -> None:
        # Stamped before parsing: "received" is when the bytes reached this member.
        # perf_counter is CLOCK_MONOTONIC on Linux, comparable across processes (see top).
        self.arrived_at = time.perf_counter()
        super().data_received(data)

    def process_event(self, event) -> None:
        # Both servers send whole frames; a fragment would still be searched for markers.
        data = isinstance(event, Frame) and event.opcode in (Opcode.TEXT, Opcode.CONT)
        if data and self.response is not None:
            self.tally.record(self, event.data, self.arrived_at)
            if self.awaited and self.awaited[0] in event.data:
                self.awaited[1].set()
        else:
            super().process_event(event)  # handshake, close, ping, pong


async def bounded_gather(work, items, limit: int) -> list:
    """`work(item)` for every item, at most `limit` at a time; results in item order."""
    semaphore = asyncio.Semaphore(limit)

    async def one(item):
        async with semaphore:
            return await work(item)

    return list(await asyncio.gather(*(one(item) for item in items)))


async def connect_all(
    url: str, cookies: list[str], tally: Tally, into: list, limit: int, open_timeout: float
) -> None:
    """Open one socket per cookie, `limit` handshakes at a time; `into` keeps order."""
    factory = functools.partial(MemberConnection, tally=tally)

    async def one(cookie: str) -> MemberConnection:
        member = await websockets.connect(
            url,
            additional_headers={"Cookie": cookie} if cookie else None,
            compression=None,
            open_timeout=open_timeout,
            ping_interval=None,  # no client pings mid-measurement
            max_size=2**24,  # a snapshot lists every member present
            create_connection=factory,
        )
        into.append(member)  # so that the caller can close it even if others fail
        return member

    into[:] = await bounded_gather(one, cookies, limit)


class PostCards:
    """The "post" mix: each step posts one new card whose text carries its marker."""

    def __init__(
        self, poster: MemberConnection, column_id: int, text_size: int, server: str
    ) -> None:
        self.poster = poster
        self.column_id = column_id
        self.text_size = text_size
        self.server = server  # "plenum" or "raw"

    async def prepare(self) -> None:
        pass

    def command(self, card: int) -> str:
        marker = f"{MARKER_PREFIX_TEXT}card-{card:06d} "
        filler = "ideas for a smart region " * (self.text_size // 25 + 1)
        text = (marker + filler)[: self.text_size].strip()
        command = {"command": "post_card", "cid": f"bench-{card}", "column": str(self.column_id)}
        return json.dumps({**command, "text": text})


class CastVotes(PostCards):
    """The "vote" mix, a voting frenzy: every step puts one dot on one of VOTE_CARDS cards.

    `prepare` posts the cards and opens the vote phase (the poster moderates); Plenum then
    fans out each new total to every member (the bench room shows totals while voting).
    """

    VOTE_CARDS = 20

    async def prepare(self) -> None:
        for n in range(self.VOTE_CARDS):
            text = f"Idea {n + 1} to vote on"
            await self.poster.send(
                json.dumps(
                    {
                        "command": "post_card",
                        "cid": f"setup-{n}",
                        "column": str(self.column_id),
                        "text": text,
                    }
                )
            )
        await self.poster.send(
            json.dumps({"command": "set_phase", "cid": "setup-vote", "phase": "vote"})
        )
        if self.server == "plenum":
            await self.poster.wait_for(b"plenum reply setup-vote ok", timeout=30)
        await asyncio.sleep(1.0)  # let the setup frames drain before timing starts

    def command(self, step: int) -> str:
        card = step % self.VOTE_CARDS + 1
        # The marker rides along for the raw server's echo; Plenum ignores the field.
        marker = f"{MARKER_PREFIX_TEXT}vote-{step:06d}"
        return json.dumps(
            {"command": "vote", "cid": f"v{step}", "card": str(card), "marker": marker}
        )


MARKER_PREFIX_TEXT = "bench-"
MIXES = {"post": PostCards, "vote": CastVotes}


async def post_at_rate(mix: PostCards, cards: int, rate: float) -> list[float]:
    """Send one command every 1/rate s on a fixed schedule; returns each send time."""
    sent_at = [0.0] * cards
    start = time.perf_counter()
    for card in range(cards):
        delay = start + card / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        message = mix.command(card)
        sent_at[card] = time.perf_counter()  # same clock as every arrival stamp (see top)
        await mix.poster.send(message)
    return sent_at


class Members:
    """This process's share of the room; one method per command from fanout.py."""

    COMMANDS = frozenset({"connect", "status", "post", "collect"})

    def __init__(self) -> None:
        self.members: list[MemberConnection] = []
        self.tally = Tally(members=0, cards=0)

    async def connect(
        self,
        url: str,
        cookies: list[str],
        cards: int,
        poster: bool,
        limit: int,
        timeout: float,
        open_timeout: float,
        vote_cards: int = 0,
    ) -> dict:
        self.tally = Tally(members=len(cookies), cards=cards, vote_cards=vote_cards)
        connecting = connect_all(url, cookies, self.tally, self.members, limit, open_timeout)
        await asyncio.wait_for(connecting, timeout)
        self.members[0].is_poster = poster
        extensions = sum(
            1 for m in self.members if m.response.headers.get("Sec-WebSocket-Extensions")
        )
        return {"members": len(self.members), "extensions": extensions}

    async def status(self) -> dict:
        quiet_s = time.perf_counter() - self.tally.last_frame_at
        return {"ready": self.tally.ready, "quiet_s": quiet_s}

    async def post(
        self, mix: str, column_id: int, text_size: int, cards: int, rate: float, server: str
    ):
        if not self.members or not self.members[0].is_poster:
            raise RuntimeError("this process has no poster")
        steps = MIXES[mix](self.members[0], column_id, text_size, server)
        await steps.prepare()
        return {"sent_at": await post_at_rate(steps, cards, rate)}

    async def collect(self, grace_s: float) -> dict:
        try:
            async with asyncio.timeout(grace_s):
                while not self.tally.delivered_all():
                    await asyncio.sleep(0.05)  # arrival times are stamped as frames come in
        except TimeoutError:
            pass  # the parent counts what is missing
        return {
            "counts": self.tally.counts,
            "done_at": self.tally.done_at,
            "card_frame_bytes": self.tally.card_frame_bytes,
            "closed": sum(1 for m in self.members if m.state is not State.OPEN),
        }

    def close(self) -> None:
        for member in self.members:
            member.transport.abort()


async def serve_parent(
    members: "Members | None" = None, overall_s: float = OVERALL_TIMEOUT_S
) -> None:
    """Answer the parent's commands, one at a time, until stdin ends. `members` answers
    them (bench/storm_members.py passes one that also knows `storm`)."""
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    members = members or Members()
    try:
        async with asyncio.timeout(overall_s):  # a backstop; fanout.py ends us first
            while line := await commands.readline():
                command = json.loads(line)
                name = command.pop("do")
                try:
                    if name not in members.COMMANDS:
                        raise ValueError(f"unknown command {name!r}")
                    answer = {"ok": True, **await getattr(members, name)(**command)}
                except Exception as error:  # the parent reports it and stops the run
                    answer = {"error": f"{name}: {type(error).__name__}: {error}"}
                sys.stdout.write(json.dumps(answer) + "\n")
                sys.stdout.flush()
    finally:
        members.close()


# The parent's end: fanout.py starts, asks and stops the client processes with these.


class ClientProcesses:
    """The K client processes, each holding one share of the members.

    Each answers one command at a time over its pipes (the protocol is at the top of this
    module); at most one command per process is outstanding, so answers come back in order.
    """

    def __init__(self, processes: list[asyncio.subprocess.Process]) -> None:
        self.processes = processes

    async def ask(self, commands: dict[int, dict], timeout: float) -> list[dict]:
        """Send each process in `commands` its command; the answers, in the same order."""

        async def one(index: int, command: dict) -> dict:
            process = self.processes[index]
            try:
                process.stdin.write((json.dumps(command) + "\n").encode())
                await process.stdin.drain()
                answer = await process.stdout.readline()
            except ConnectionError:  # its stdin is gone: it died
                answer = b""
            if not answer:
                code = await process.wait()
                raise RuntimeError(f"client process {index} exited with {code}")
            reply = json.loads(answer)
            if "error" in reply:
                raise RuntimeError(f"client process {index}: {reply['error']}")
            return reply

        tasks = [asyncio.ensure_future(one(index, cmd)) for index, cmd in commands.items()]
        try:
            async with asyncio.timeout(timeout):
                return list(await asyncio.gather(*tasks))
        finally:
            for task in tasks:
                task.cancel()  # after a failure, stop waiting for the others

    async def ask_all(self, command: dict, timeout: float) -> list[dict]:
        return await self.ask(dict.fromkeys(range(len(self.processes)), command), timeout)


@contextlib.asynccontextmanager
async def client_processes(
    count: int, overall_s: float = OVERALL_TIMEOUT_S, script: Path | None = None
):
    """Start `count` client processes (this script, or `script` that serves like it),
    each bounded by `overall_s`; always end them on the way out, whatever happened."""
    processes: list[asyncio.subprocess.Process] = []
    try:
        for _ in range(count):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(script or Path(__file__).resolve()),
                str(overall_s),
                cwd=Path(__file__).resolve().parents[1],
                env={**os.environ, **CLIENT_MALLOC_ENV},
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,  # answers; their stderr is ours
                limit=LINE_LIMIT,
            )
            processes.append(process)
        yield ClientProcesses(processes)
    finally:
        await stop_client_processes(processes)


async def stop_client_processes(processes: list[asyncio.subprocess.Process]) -> None:
    """End of input, then SIGTERM, then SIGKILL; a killed process is still reaped.

    An idle process exits on end of input at once; one in the middle of a command (after
    an error or a SIGTERM here) only reads its input when the command is done, so it gets
    SIGTERM after a short grace.
    """
    try:
        for process in processes:
            process.stdin.close()  # the process drops its sockets and exits
        for signal_name, grace_s in (("terminate", 2), ("kill", 5)):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(grace_s):
                    for process in processes:
                        await process.wait()
            for process in processes:
                if process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):  # it just exited
                        getattr(process, signal_name)()
    finally:
        # Also if this wait is cancelled (a second SIGTERM): no client outlives the run.
        for process in processes:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()


def shares(cookies: list[str], count: int) -> list[list[str]]:
    """`count` contiguous, near-equal slices; member 0 (the poster) goes to process 0."""
    bounds = [index * len(cookies) // count for index in range(count + 1)]
    return [cookies[bounds[index] : bounds[index + 1]] for index in range(count)]


if __name__ == "__main__":
    # Ctrl+C reaches the whole process group; fanout.py ends us by closing our stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    overall = float(sys.argv[1]) if len(sys.argv) > 1 else OVERALL_TIMEOUT_S
    asyncio.run(serve_parent(overall_s=overall))
