"""The rate limits' moving windows kept in this process (no Redis), for `limits`' strategy.

`limits`' own in-memory storage sweeps every key after each counted action, with one
thread hop per key. Every participant with a socket holds a key for a minute, so in a room
of 1,000 each card cost a thousand hops: 80 % of the server's CPU in `bench/fanout.py`.
Here a key's old entries go when that key is counted or read, and keys whose window has
passed are dropped at most once a minute, in one pass on the event loop.
"""

import bisect
import time

from limits.aio.storage import MovingWindowSupport, Storage

# How often keys whose window has passed are looked for; their memory is all they cost.
PRUNE_EVERY_SECONDS = 60.0


class _Window:
    # One per participant with a socket: a list, not a deque (whose first block alone is
    # half a kilobyte), since most hold a single entry.
    __slots__ = ("expiry", "times")

    def __init__(self, expiry: float) -> None:
        self.expiry = expiry
        self.times: list[float] = []  # oldest first

    def drop_before(self, cutoff: float) -> None:
        passed = bisect.bisect_right(self.times, cutoff)
        if passed:
            del self.times[:passed]


class ProcessWindows(Storage, MovingWindowSupport):
    """A `limits` storage in this process. `RateLimits` uses the moving window
    (`acquire_entry`, `get_moving_window`); the fixed window's counters (`incr`, `get`,
    `get_expiry`) are kept too, as any `limits` storage keeps them."""

    def __init__(self) -> None:
        super().__init__()
        self._windows: dict[str, _Window] = {}
        self._counters: dict[str, tuple[int, float]] = {}  # key -> (count, when it ends)
        self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        self._prune_passed_windows()
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(expiry)
        window.drop_before(now - expiry)
        if len(window.times) + amount > limit:
            return False
        window.times.extend([now] * amount)
        return True

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """When the oldest action still in the window happened, and how many there are."""
        now = time.time()
        window = self._windows.get(key)
        if window is None:
            return now, 0
        window.drop_before(now - expiry)
        if not window.times:
            return now, 0
        return window.times[0], len(window.times)

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count `amount` more in the key's fixed window (a new one when it ended)."""
        now = time.time()
        self._prune_passed_windows()
        count, ends = self._counters.get(key, (0, now))
        if ends <= now:
            count, ends = 0, now + expiry
        self._counters[key] = (count + amount, ends)
        return count + amount

    async def get(self, key: str) -> int:
        count, ends = self._counters.get(key, (0, 0.0))
        return count if ends > time.time() else 0

    async def get_expiry(self, key: str) -> float:
        now = time.time()
        _, ends = self._counters.get(key, (0, now))
        return max(ends, now)

    async def clear(self, key: str) -> None:
        self._windows.pop(key, None)
        self._counters.pop(key, None)

    async def reset(self) -> int:
        count = len(self._windows) + len(self._counters)
        self._windows.clear()
        self._counters.clear()
        return count

    async def check(self) -> bool:
        return True

    def _prune_passed_windows(self) -> None:
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        now = time.time()
        passed = [
            key
            for key, window in self._windows.items()
            if not window.times or window.times[-1] <= now - window.expiry
        ]
        for key in passed:
            del self._windows[key]
        for key in [key for key, (_, ends) in self._counters.items() if ends <= now]:
            del self._counters[key]
