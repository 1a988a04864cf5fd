"""One browser's socket as the hub sees it: written to directly while it keeps up.

Fan-out must never wait for the slowest member. A send that completes at once (the
socket's buffer has room) is done inline, with no task or queue. A send that would
block parks this connection: further frames go to a small backlog drained by one task,
and past `backlog_limit` bytes the connection is dropped; the browser reconnects and
gets a fresh snapshot.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from ..domain.audience import Audience

Send = Callable[[str], Awaitable[None]]


# Why the server closed a socket. The first two make clients (htmx's ws extension too)
# reconnect; REMOVED is final; DEMOTED makes plenum.js load the page again.
TOO_SLOW = (1013, "too far behind")  # "try again later": reconnect for a fresh snapshot
RESTARTING = (1012, "server restarting")  # "service restart": reconnect, maybe elsewhere
REMOVED = (4403, "removed from the room")  # by its moderator: final, no reconnect
DEMOTED = (4012, "moderation ended")  # the page reloads itself, as a participant's


class Connection:
    # One per open socket: slots keep the thousand of a big room small.
    __slots__ = (
        "_send",
        "stream",
        "participant_id",
        "audience",
        "_backlog_limit",
        "_backlog",
        "_backlog_bytes",
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
    ) -> None:
        self._send = send
        self.stream: str | None = None  # the hub's channel key, set when it joins one
        self.participant_id = participant_id
        self.audience = audience
        self._backlog_limit = backlog_limit
        self._backlog: deque[str] | None = None  # None: caught up, write directly
        self._backlog_bytes = 0
        self._drainer: asyncio.Task | None = None
        self.dropped = False  # True once this socket can no longer be served
        self.close_with = TOO_SLOW  # the close code and reason its owner then sends
        self.on_drop: Callable[[], None] | None = None  # how its owner hears of that

    def deliver(self, frame: str) -> None:
        """Hand a frame to the socket without ever waiting for it."""
        if self.dropped:
            return
        if self._backlog is not None:
            self._queue(frame)
            return
        coroutine = self._send(frame)
        try:
            blocker = coroutine.send(None)
        except StopIteration:
            return
        except Exception:
            self.drop()
            return
        self._backlog = deque()
        self._drainer = asyncio.get_running_loop().create_task(self._drain(coroutine, blocker))

    def drop(self, close_with: tuple[int, str] = TOO_SLOW) -> None:
        if self.dropped:
            return
        self.dropped = True
        self.close_with = close_with
        if self._drainer is not None and self._drainer is not asyncio.current_task():
            self._drainer.cancel()
        self._backlog = None
        if self.on_drop is not None:
            self.on_drop()

    def _queue(self, frame: str) -> None:
        self._backlog.append(frame)
        self._backlog_bytes += len(frame)
        if self._backlog_bytes > self._backlog_limit:
            self.drop()

    async def _drain(self, coroutine: Coroutine, blocker: Any) -> None:
        try:
            await _finish(coroutine, blocker)
            while self._backlog:
                frame = self._backlog.popleft()
                self._backlog_bytes -= len(frame)
                await self._send(frame)
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
