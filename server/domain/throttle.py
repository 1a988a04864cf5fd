"""Slowing down password guessing: a bounded count of recent failures per key.

Keys are whatever the caller wants to limit separately (the client's address, the
username tried). Time is passed in, so the rule is tested without waiting.
"""

from collections import deque


class Throttle:
    """At most `limit` failures per key within `window` seconds; then wait.

    Memory is bounded: each key keeps at most `limit` times, and at most `max_keys`
    keys are kept (the longest-idle are forgotten first when a flood of keys arrives).
    """

    def __init__(self, limit: int, window: float, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}

    def wait_seconds(self, key: str, now: float) -> float:
        """0 when `key` may try now; otherwise how long until its oldest failure expires."""
        failures = self._recent(key, now)
        if len(failures) < self.limit:
            return 0.0
        return failures[0] + self.window - now

    def failed(self, key: str, now: float) -> None:
        failures = self._recent(key, now)
        failures.append(now)
        # Re-insert so dict order is least-recently-failed first.
        self._failures.pop(key, None)
        self._failures[key] = failures
        while len(self._failures) > self.max_keys:
            del self._failures[next(iter(self._failures))]

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.get(key) or deque(maxlen=self.limit)
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures
