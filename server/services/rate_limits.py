"""How often one participant, address or account may do something, across every worker.

The counts live where the events travel: in this process with the in-memory bus, in Redis
when the bus is Redis, so a limit holds however many workers serve the conference. The
rules are strings in the `limits` library's notation ("10 per 20 seconds", several joined
by ";"), one per kind of action, configured in Settings.
"""

import logging
import math
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool

from ..domain.errors import DomainError
from ..realtime.broadcast import split_channel_prefix
from .process_windows import ProcessWindows

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an action may go ahead now; if not, after how many seconds it may."""

    allowed: bool
    retry_after: float = 0.0

    def raise_if_refused(self) -> None:
        """A refused action, as the error a person is shown (with whole seconds to wait)."""
        if not self.allowed:
            raise DomainError("rate_limited", seconds=max(1, math.ceil(self.retry_after)))


class RateLimits:
    """Named rules (`rules[name]` is a rule string) counted per key, beside the bus:
    in Redis when the events go through Redis, else in this process."""

    def __init__(self, broadcast_url: str, rules: Mapping[str, str]) -> None:
        self._pool: ConnectionPool | None = None
        storage: Storage = ProcessWindows()
        if broadcast_url.split(":", 1)[0] in ("redis", "rediss"):
            # Our own pool, so the counts' connections close with the app; the bus's
            # prefix keeps installations sharing one Redis apart.
            url, prefix = split_channel_prefix(broadcast_url)
            self._pool = ConnectionPool.from_url(url)
            storage = RedisStorage(
                "async+redis://",
                implementation="redispy",
                key_prefix=f"{prefix}limits",
                connection_pool=self._pool,
                wrap_exceptions=True,  # Redis away: limits.errors.StorageError
            )
        self.limiter = MovingWindowRateLimiter(storage)
        self.rules: dict[str, list[RateLimitItem]] = {
            name: parse_many(rule) for name, rule in rules.items()
        }

    async def hit(self, rule: str, *key: str | int) -> Verdict:
        """Count one action under `rule` for `key`, unless one of its limits is reached.

        With Redis away the action is let through (one log line): refusing everything
        would stop the whole conference, while the database takes it as before; the
        counts resume when Redis is back.
        """
        try:
            return await self._hit(rule, [str(part) for part in key])
        except StorageError as error:
            log.warning("rate limit %r not counted for %s: %s", rule, key, error)
            return Verdict(True)

    async def _hit(self, rule: str, identifiers: list[str]) -> Verdict:
        for item in self.rules[rule]:
            if not await self.limiter.test(item, *identifiers):
                return Verdict(False, await self._wait(item, identifiers))
        for item in self.rules[rule]:
            # The hit itself is atomic (in Redis too): of requests that passed the test
            # together, only those that still fit are let through.
            if not await self.limiter.hit(item, *identifiers):
                return Verdict(False, await self._wait(item, identifiers))
        return Verdict(True)

    async def count(self, rule: str, *key: str | int) -> int:
        """How many actions the first limit of `rule` counts for `key` now (at most its
        amount: refused actions are not counted); none while Redis is away."""
        item = self.rules[rule][0]
        try:
            stats = await self.limiter.get_window_stats(item, *[str(part) for part in key])
        except StorageError:
            return 0
        return item.amount - stats.remaining

    async def clear(self, rule: str, *key: str | int) -> None:
        identifiers = [str(part) for part in key]
        with suppress(StorageError):  # Redis away: its counts run out by themselves
            for item in self.rules[rule]:
                await self.limiter.clear(item, *identifiers)

    async def _wait(self, item: RateLimitItem, identifiers: list[str]) -> float:
        stats = await self.limiter.get_window_stats(item, *identifiers)
        return max(0.0, stats.reset_time - time.time())

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
