"""Client processes of bench/storm.py: fanout_members.py's, plus the storm itself.

Run as a script, this is one client process; it answers fanout_members.py's commands
(`connect`, `status`) and three more:

    storm     drop every socket of this share at once (as a network blip does: no close
              frame, the server sees the connection end) and reconnect each one the way
              htmx's ws extension does after a 1006 close, with full jitter: wait
              random(0, 1 s), then after each failed try (refused, or closed before its
              snapshot) random(0, 2^min(retry, 6) s); answers when every member has a
              snapshot again
    probe     (process 0 only) send one card (or raw message) on member 0's new socket
    stats     wait until every member got the probe and no frame came for `quiet_s`;
              answers the times and what arrived since the storm began

Times are `time.perf_counter()`, one clock for every process on Linux (fanout_members.py).
"""

import asyncio
import functools
import json
import random
import signal
import sys
import time
from dataclasses import dataclass

import websockets
from fanout_members import (
    OVERALL_TIMEOUT_S,
    MemberConnection,
    Members,
    Tally,
    bounded_gather,
    serve_parent,
)

# The first frame a (re)connected member waits for: Plenum's snapshot, the raw hello.
SNAPSHOT_PREFIXES = (b"<!--plenum snapshot", b"<!--raw hello")
# A frame that changes who is present: Plenum's presence deltas (before coalescing) and
# frames outside the seq (after) both carry the count.
PRESENCE_MARK = b'id="presence-count"'
PROBE = b"bench-probe-after-storm"


def _options(cookie: str) -> dict:
    """As fanout_members.connect_all opens a member's socket."""
    return {
        "additional_headers": {"Cookie": cookie} if cookie else None,
        "compression": None,
        "ping_interval": None,
        "max_size": 2**24,
    }


@dataclass
class StormTally(Tally):
    """What the members got from the moment their sockets dropped."""

    frames: int = 0
    frame_bytes: int = 0
    presence_frames: int = 0
    presence_bytes: int = 0
    snapshot_bytes: int = 0  # of the last snapshot seen
    back_at: float = 0.0  # the last member's snapshot
    probed: int = 0
    probe_at: float = 0.0

    def record(self, member: MemberConnection, frame: bytes, at: float) -> None:
        self.last_frame_at = at
        self.frames += 1
        self.frame_bytes += len(frame)
        if frame.startswith(SNAPSHOT_PREFIXES):
            self.snapshot_bytes = len(frame)
            if not member.ready:
                member.ready = True
                self.ready += 1
                self.back_at = max(self.back_at, at)
                member.back.set()
        elif PRESENCE_MARK in frame:
            self.presence_frames += 1
            self.presence_bytes += len(frame)
        if PROBE in frame and not member.seen:
            member.seen.add(0)
            self.probed += 1
            self.probe_at = max(self.probe_at, at)


class StormMember(MemberConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.back = asyncio.Event()


class StormMembers(Members):
    COMMANDS = Members.COMMANDS | {"storm", "probe", "stats"}

    def __init__(self) -> None:
        super().__init__()
        self.url = ""
        self.cookies: list[str] = []
        self.storm_tally = StormTally(members=0, cards=0)
        self.dropped_at = 0.0
        self.attempts = 0

    async def connect(self, url: str, cookies: list[str], limit: int, timeout: float, **_) -> dict:
        """Open this share's sockets before the storm, retrying a refused or slow handshake
        (a server that is still busy with the others' snapshots); not measured."""
        self.url, self.cookies = url, cookies
        self.tally = Tally(members=len(cookies), cards=1)
        factory = functools.partial(MemberConnection, tally=self.tally)

        async def one(cookie: str) -> MemberConnection:
            for attempt in range(10):
                try:
                    return await websockets.connect(
                        url, open_timeout=60, create_connection=factory, **_options(cookie)
                    )
                except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
                    await asyncio.sleep(random.uniform(0, 2**attempt))
            raise RuntimeError("a member could not connect ten times")

        self.members = await asyncio.wait_for(bounded_gather(one, cookies, limit), timeout)
        extensions = sum(
            1 for m in self.members if m.response.headers.get("Sec-WebSocket-Extensions")
        )
        return {"members": len(self.members), "extensions": extensions}

    async def storm(self, seed: int, timeout: float) -> dict:
        rng = random.Random(seed)
        tally = self.storm_tally = StormTally(members=len(self.cookies), cards=0)
        factory = functools.partial(StormMember, tally=tally)
        self.dropped_at = time.perf_counter()
        for member in self.members:
            member.transport.abort()
        self.members = [None] * len(self.cookies)

        async def reconnect(index: int, cookie: str) -> None:
            retry = 0
            delay = rng.uniform(0, 1.0)
            while True:
                await asyncio.sleep(delay)
                self.attempts += 1
                try:
                    # A browser sets no time limit on an opening handshake, nor on the
                    # first frame: giving up early would only pile up work on the server.
                    member = await websockets.connect(
                        self.url, open_timeout=None, create_connection=factory, **_options(cookie)
                    )
                    self.members[index] = member
                    closed = asyncio.ensure_future(member.wait_closed())
                    back = asyncio.ensure_future(member.back.wait())
                    await asyncio.wait({closed, back}, return_when="FIRST_COMPLETED")
                    closed.cancel(), back.cancel()
                    if member.back.is_set():
                        return
                except (OSError, websockets.exceptions.WebSocketException):
                    pass
                retry += 1
                delay = rng.uniform(0, 2 ** min(retry, 6))

        work = [asyncio.ensure_future(reconnect(i, c)) for i, c in enumerate(self.cookies)]
        _, late = await asyncio.wait(work, timeout=timeout)
        for task in late:  # not back in time: the parent reports how many are
            task.cancel()
        self.members = [member for member in self.members if member is not None]
        answer = {"dropped_at": self.dropped_at, "back_at": tally.back_at}
        return answer | {"members": tally.ready, "timed_out": bool(late)}

    async def probe(self, server: str, column_id: int) -> dict:
        text = PROBE.decode()
        message = text
        if server == "plenum":
            command = {"command": "post_card", "cid": "probe", "column": str(column_id)}
            message = json.dumps({**command, "text": text})
        await self.members[0].send(message)
        return {"sent_at": time.perf_counter()}

    async def stats(self, quiet_s: float, timeout: float) -> dict:
        tally = self.storm_tally
        try:
            async with asyncio.timeout(timeout):
                while (
                    tally.probed < len(self.cookies)
                    or time.perf_counter() - tally.last_frame_at < quiet_s
                ):
                    await asyncio.sleep(0.05)
        except TimeoutError:
            pass  # the parent reports who is missing
        return {
            "probed": tally.probed,
            "probe_at": tally.probe_at,
            "frames": tally.frames,
            "frame_bytes": tally.frame_bytes,
            "presence_frames": tally.presence_frames,
            "presence_bytes": tally.presence_bytes,
            "snapshot_bytes": tally.snapshot_bytes,
            "attempts": self.attempts,
        }


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as fanout_members.py
    overall = float(sys.argv[1]) if len(sys.argv) > 1 else OVERALL_TIMEOUT_S
    asyncio.run(serve_parent(StormMembers(), overall))
