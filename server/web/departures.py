"""Leaving a room or the plenary counts a few seconds after the socket closed, unless the
same person opens a socket there again first: the new socket then takes the old one's
place, and nobody saw them go.

A network blip, a reload or a server's goodbye drops sockets that come straight back. A
whole room reconnecting at once was a leave and an entry each, written one after the
other by the database's single writer, and everyone present saw the room empty and fill
again. Only this process knows its own sockets; a socket that comes back to another
worker enters there as usual, and the departure here follows after the grace.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Leave = Callable[[], Awaitable[None]]


@dataclass(slots=True, eq=False)  # each one is itself: `in` and `remove` by identity
class _Pending:
    leave: Leave
    timer: asyncio.TimerHandle | None = None


@dataclass
class Departures:
    """Departures waiting out their grace, per stream and participant, oldest first."""

    grace_seconds: float
    _pending: dict[tuple[str, int], list[_Pending]] = field(default_factory=dict)
    _leaving: set[asyncio.Task] = field(default_factory=set)

    def later(self, stream_key: str, participant_id: int, leave: Leave) -> None:
        """Run `leave` after the grace, unless `take` hands it to a new socket first."""
        key = (stream_key, participant_id)
        pending = _Pending(leave)
        self._pending.setdefault(key, []).append(pending)
        loop = asyncio.get_running_loop()
        pending.timer = loop.call_later(self.grace_seconds, self._start, key, pending)

    def take(self, stream_key: str, participant_id: int) -> Leave | None:
        """The departure of this person's socket that closed here moments ago, if any, no
        longer scheduled: the caller's new socket takes its place (or, when the new one is
        refused, runs it)."""
        key = (stream_key, participant_id)
        waiting = self._pending.get(key)
        if not waiting:
            return None
        pending = waiting.pop(0)
        if not waiting:
            del self._pending[key]
        if pending.timer is not None:
            pending.timer.cancel()
        return pending.leave

    async def close(self) -> None:
        """At shutdown: every departure now, and those already under way to their end."""
        waiting = [pending for queue in self._pending.values() for pending in queue]
        self._pending.clear()
        for pending in waiting:
            if pending.timer is not None:
                pending.timer.cancel()
        leaving = [*self._leaving, *(_logged(pending.leave) for pending in waiting)]
        await asyncio.gather(*leaving)

    def _start(self, key: tuple[str, int], pending: _Pending) -> None:
        waiting = self._pending.get(key, [])
        if pending in waiting:
            waiting.remove(pending)
            if not waiting:
                del self._pending[key]
        task = asyncio.create_task(_logged(pending.leave))
        self._leaving.add(task)
        task.add_done_callback(self._leaving.discard)


async def _logged(leave: Leave) -> None:
    # Nobody awaits a departure: what goes wrong in one is logged, not lost.
    try:
        await leave()
    except Exception:
        log.exception("a departure failed")
