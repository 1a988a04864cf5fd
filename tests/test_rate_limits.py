"""Rate limits count per rule and key, in this process or in Redis beside the bus."""

import asyncio

import pytest
from limits import parse
from limits.aio.strategies import FixedWindowRateLimiter

from server.domain.errors import DomainError
from server.services import process_windows, rate_limits
from server.services.rate_limits import RateLimits
from server.settings import Settings

from .servers import free_port
from .services import redis_url


@pytest.fixture(params=["memory", "redis"])
async def limits(request: pytest.FixtureRequest):
    url = "memory://" if request.param == "memory" else redis_url()
    limits = RateLimits(url, {"post": "3 per minute", "join": "2 per minute;3 per hour"})
    await limits.clear("post", "p", 1)
    await limits.clear("post", "p", 2)
    await limits.clear("join", "a", "10.0.0.1")
    try:
        yield limits
    finally:
        await limits.close()


async def test_actions_within_the_limit_go_ahead_and_the_next_waits(limits: RateLimits):
    for _ in range(3):
        assert (await limits.hit("post", "p", 1)).allowed
    verdict = await limits.hit("post", "p", 1)
    assert not verdict.allowed
    assert 0 < verdict.retry_after <= 60
    with pytest.raises(DomainError) as refused:
        verdict.raise_if_refused()
    assert refused.value.code == "rate_limited"
    assert 1 <= refused.value.params["seconds"] <= 60


async def test_actions_at_the_same_moment_are_counted_one_by_one(limits: RateLimits):
    verdicts = await asyncio.gather(*(limits.hit("post", "p", 1) for _ in range(10)))
    assert sum(verdict.allowed for verdict in verdicts) == 3


async def test_each_key_has_its_own_count(limits: RateLimits):
    for _ in range(3):
        await limits.hit("post", "p", 1)
    await limits.clear("post", "p", 2)
    assert (await limits.hit("post", "p", 2)).allowed


async def test_a_refused_action_is_not_counted_and_every_rule_of_a_name_holds(limits):
    assert (await limits.hit("join", "a", "10.0.0.1")).allowed
    assert (await limits.hit("join", "a", "10.0.0.1")).allowed
    assert not (await limits.hit("join", "a", "10.0.0.1")).allowed  # 2 per minute
    assert await limits.count("join", "a", "10.0.0.1") == 2
    await limits.clear("join", "a", "10.0.0.1")
    assert (await limits.hit("join", "a", "10.0.0.1")).allowed


async def test_a_count_says_how_many_actions_the_window_holds(limits: RateLimits):
    assert await limits.count("post", "p", 1) == 0
    for _ in range(4):  # the fourth is refused, so not counted
        await limits.hit("post", "p", 1)
    assert await limits.count("post", "p", 1) == 3
    assert await limits.count("post", "p", 2) == 0


def test_the_sign_in_settings_that_were_replaced_stop_the_start_with_their_successors():
    with pytest.raises(ValueError, match="LOGIN_ATTEMPTS is no longer read.*LIMIT_SIGN_IN_"):
        Settings.from_env({"LOGIN_ATTEMPTS": "5"})


def test_a_rule_that_does_not_parse_is_refused_at_start_up_with_its_name():
    with pytest.raises(ValueError, match="LIMIT_JOIN='many'"):
        Settings.from_env({"LIMIT_JOIN": "many"})
    assert Settings.from_env({"LIMIT_JOIN": "5 per minute"}).rate_limits["join"] == "5 per minute"


async def test_with_redis_away_actions_go_ahead_rather_than_stop_the_conference(caplog):
    limits = RateLimits(f"redis://127.0.0.1:{free_port()}/0", {"post": "3 per minute"})
    try:
        for _ in range(4):
            assert (await limits.hit("post", "p", 1)).allowed
        assert await limits.count("post", "p", 1) == 0
        await limits.clear("post", "p", 1)
    finally:
        await limits.close()
    assert "rate limit 'post' not counted" in caplog.text


class _Clock:
    """Stands in for the `time` module of process_windows: seconds pass when told to."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


async def test_in_one_process_a_window_moves_on_and_keys_whose_window_passed_are_let_go(
    monkeypatch: pytest.MonkeyPatch,
):
    clock = _Clock()
    monkeypatch.setattr(process_windows, "time", clock)
    monkeypatch.setattr(rate_limits, "time", clock)
    limits = RateLimits("memory://", {"post": "3 per minute", "socket": "1 per second"})
    storage = limits.limiter.storage
    for second in range(3):
        clock.now += 20
        assert (await limits.hit("post", "p", 1)).allowed, second
    verdict = await limits.hit("post", "p", 1)
    assert not verdict.allowed and verdict.retry_after == pytest.approx(60 - 40)
    clock.now += 20  # the first action leaves the window, the other two stay
    assert (await limits.hit("post", "p", 1)).allowed
    assert await limits.count("post", "p", 1) == 3

    for participant in range(1000):
        assert (await limits.hit("socket", "p", participant)).allowed
    assert len(storage._windows) == 1001
    clock.now += process_windows.PRUNE_EVERY_SECONDS + 1
    assert (await limits.hit("socket", "p", 1)).allowed  # counting prunes, at most once a minute
    assert len(storage._windows) == 1  # every window passed but the one just counted
    assert await limits.count("post", "p", 1) == 0


async def test_in_one_process_a_fixed_window_counts_until_it_ends(monkeypatch: pytest.MonkeyPatch):
    """The storage keeps what `limits`' fixed-window strategy asks of any storage too."""
    clock = _Clock()
    monkeypatch.setattr(process_windows, "time", clock)
    storage = process_windows.ProcessWindows()
    limiter = FixedWindowRateLimiter(storage)
    item = parse("2 per minute")
    assert await limiter.hit(item, "p", "1") and await limiter.hit(item, "p", "1")
    assert not await limiter.hit(item, "p", "1")
    assert await storage.get_expiry(item.key_for("p", "1")) == clock.now + 60
    assert await limiter.hit(item, "p", "2")  # each key its own window

    clock.now += 61  # the window ended: a new one begins, and the old count is let go
    assert await storage.get(item.key_for("p", "1")) == 0
    assert await limiter.hit(item, "p", "1")
    clock.now += process_windows.PRUNE_EVERY_SECONDS + 1
    await storage.incr("other", 60)
    assert set(storage._counters) == {"other"}
    assert await storage.reset() == 1
