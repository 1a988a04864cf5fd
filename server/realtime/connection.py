"""One browser's socket as the hub sees it: written to directly while it keeps up.

Fan-out must never wait for the slowest member. A send that completes at once (the
socket's buffer has room) is done inline, with no task or queue; with `write` (the
server's own, see server/socket_protocol.py) not even a coroutine. A send that would
block parks this connection: further frames go to a small backlog drained by one task,
and past `backlog_limit` bytes the connection is dropped; the browser reconnects and
gets a fresh snapshot.

The last frame handed to the server's transport counts too. A send completes once its
frame is written to the transport, which keeps whatever the client has not read yet: a
private copy per socket, often the snapshot, megabytes on a big board. A send that may
start means the transport had drained all but a few KiB, so only the last frame handed
over can still sit there. A client that is reading takes that frame at network speed,
while one that stopped reading never will; so when the frame in the transport and the
backlog together pass the limit, the socket has `grace` seconds to take the frame, or is
dropped. A non-reading socket thus holds at most one frame and the limit, for seconds,
whatever the board's size.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from ..domain.audience import Audience

Send = Callable[[str], Awaitable[None]]
# Writes a frame at once and says True, or says False when the socket would have to wait
# (server/socket_protocol.py): the common case without even a coroutine.
Write = Callable[[str], bool]


# Why the server closed a socket. The first two make clients (htmx's ws extension too)
# reconnect; REMOVED is final; DEMOTED makes plenum.js load the page again.
TOO_SLOW = (1013, "too far behind")  # "try again later": reconnect for a fresh snapshot
RESTARTING = (1012, "server restarting")  # "service restart": reconnect, maybe elsewhere
REMOVED = (4403, "removed from the room")  # by its moderator: final, no reconnect
DEMOTED = (4012, "moderation ended")  # the page reloads itself, as a participant's

# Long enough for a slow phone line to take a big board's snapshot (2 MB at 2 Mbit/s).
GRACE_SECONDS = 10.0


class Connection:
    # One per open socket: slots keep the thousand of a big room small.
    __slots__ = (
        "_send",
        "_write",
        "stream",
        "participant_id",
        "audience",
        "_backlog_limit",
        "_grace",
        "_backlog",
        "_waiting_bytes",
        "_in_transport",
        "_deadline",
        "_drainer",
        "dropped",
        "close_with",
        "on_drop",
    )

    def __init__(
        self,
        send: Send,
        participant_id: int,
        audience: Audience,
        backlog_limit: int = 1 << 20,
        grace: float = GRACE_SECONDS,
        write: Write | None = None,
    ) -> None:
        self._send = send
        self._write = write
        self.stream: str | None = None  # the hub's channel key, set when it joins one
        self.participant_id = participant_id
        self.audience = audience
        self._backlog_limit = backlog_limit
        self._grace = grace
        self._backlog: deque[str] | None = None  # None: caught up, write directly
        self._waiting_bytes = 0  # frames not yet in the transport (the blocked one too)
        self._in_transport = 0  # size of the last frame handed over; it may be unread
        self._deadline: asyncio.TimerHandle | None = None  # set while over the limit
        self._drainer: asyncio.Task | None = None
        self.dropped = False  # True once this socket can no longer be served
        self.close_with = TOO_SLOW  # the close code and reason its owner then sends
        self.on_drop: Callable[[], None] | None = None  # how its owner hears of that

    def deliver(self, frame: str) -> None:
        """Hand a frame to the socket without ever waiting for it."""
        if self.dropped:
            return
        if self._backlog is not None:
            self._wait(frame)
            if self._backlog is not None:
                self._backlog.append(frame)
            return
        if self._write is not None and self._write(frame):
            self._in_transport = len(frame)
            return
        coroutine = self._send(frame)
        try:
            blocker = coroutine.send(None)
        except StopIteration:
            self._in_transport = len(frame)
            return
        except Exception:
            self.drop()
            return
        self._backlog = deque()
        self._drainer = asyncio.get_running_loop().create_task(
            self._drain(coroutine, blocker, len(frame))
        )
        self._wait(frame)

    def drop(self, close_with: tuple[int, str] = TOO_SLOW) -> None:
        if self.dropped:
            return
        self.dropped = True
        self.close_with = close_with
        if self._drainer is not None and self._drainer is not asyncio.current_task():
            self._drainer.cancel()
        if self._deadline is not None:
            self._deadline.cancel()
        self._backlog = None
        if self.on_drop is not None:
            self.on_drop()

    def _wait(self, frame: str) -> None:
        """A frame waits for the socket: past the limit on its own, the backlog is
        dropped at once; past it with the frame in the transport, after the grace."""
        self._waiting_bytes += len(frame)
        if self._waiting_bytes > self._backlog_limit:
            self.drop()
        elif self._deadline is None and self._held() > self._backlog_limit:
            self._deadline = asyncio.get_running_loop().call_later(self._grace, self.drop)

    def _held(self) -> int:
        return self._in_transport + self._waiting_bytes

    def _handed_over(self, size: int) -> None:
        """A frame went into the transport: the one before it had left (the send could
        start), this one may not have."""
        self._waiting_bytes -= size
        self._in_transport = size
        if self._deadline is not None and self._held() <= self._backlog_limit:
            self._deadline.cancel()
            self._deadline = None

    async def _drain(self, coroutine: Coroutine, blocker: Any, size: int) -> None:
        try:
            await _finish(coroutine, blocker)
            self._handed_over(size)
            while self._backlog:
                frame = self._backlog.popleft()  # still counted until handed over
                await self._send(frame)
                self._handed_over(len(frame))
            self._backlog = None
        except asyncio.CancelledError:
            raise
        except Exception:
            self.drop()


async def _finish(coroutine: Coroutine, blocker: Any) -> None:
    """Run a coroutine that was started by hand and suspended on `blocker` to its end.

    This is what a Task does for a coroutine; we do it ourselves so that the common case,
    a send that never suspends, costs no task at all.
    """
    try:
        while True:
            if blocker is None:
                await asyncio.sleep(0)  # a bare yield: let the loop run once
            else:
                # The future still carries the mark a Task clears when its coroutine
                # yields one; awaited with the mark on, C asyncio fails it at once.
                blocker._asyncio_future_blocking = False
                try:
                    await blocker
                except asyncio.CancelledError:
                    raise
                except Exception:
                    pass  # the coroutine sees the same outcome when it resumes
            try:
                blocker = coroutine.send(None)
            except StopIteration:
                return
    except asyncio.CancelledError:
        coroutine.close()
        raise
