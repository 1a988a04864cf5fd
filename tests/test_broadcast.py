"""The Redis bus between processes, against a real Redis on 127.0.0.1.

Two RedisBroadcast objects stand for two server processes; a plain redis-py subscriber
counts what crosses the bus.
"""

import asyncio
import uuid
from contextlib import asynccontextmanager

import pytest
import redis.asyncio as redis

from server.realtime.broadcast import MemoryBroadcast, RedisBroadcast, broadcast_from_url

from .services import REDIS_URL, redis_url


@asynccontextmanager
async def buses(url: str, count: int = 2):
    opened = [RedisBroadcast(url) for _ in range(count)]
    for bus in opened:
        await bus.connect()
    try:
        yield opened
    finally:
        for bus in opened:
            await bus.disconnect()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.changed = asyncio.Event()

    def __call__(self, message: str) -> None:
        self.messages.append(message)
        self.changed.set()

    async def until(self, count: int, timeout: float = 5) -> None:
        async with asyncio.timeout(timeout):
            while len(self.messages) < count:
                self.changed.clear()
                await self.changed.wait()


async def test_a_message_reaches_every_listener_of_the_topic_in_every_process():
    async with buses(redis_url()) as (first, second):
        here, there, elsewhere = Inbox(), Inbox(), Inbox()
        await first.subscribe("room.1", here)
        await second.subscribe("room.1", there)
        await second.subscribe("room.2", elsewhere)

        await first.publish("room.1", "7")
        await there.until(1)
        await second.publish("room.1", "8")

        # Redis delivers in order: had the echo of "7" come back, it would be before "8".
        await here.until(2)
        await there.until(2)
        assert here.messages == ["7", "8"]
        assert there.messages == ["7", "8"]
        assert elsewhere.messages == []


async def test_one_message_crosses_the_bus_per_event_whatever_the_number_of_listeners():
    url = redis_url()
    prefix = url.split("channel_prefix=")[1]
    spy = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    watcher = spy.pubsub()
    await watcher.psubscribe(f"{prefix}*")
    async with buses(url, count=3) as opened:
        inboxes = [Inbox() for _ in range(12)]
        for n, inbox in enumerate(inboxes):
            await opened[n % 3].subscribe("room.5", inbox)

        for seq in range(1, 4):
            await opened[0].publish("room.5", str(seq))

        for inbox in inboxes:
            await inbox.until(3)
        crossed = []
        async with asyncio.timeout(5):
            while len(crossed) < 3:
                message = await watcher.get_message(ignore_subscribe_messages=True, timeout=1)
                if message is not None:
                    crossed.append(message["data"])
    assert [data.split()[1] for data in crossed] == ["1", "2", "3"]
    assert await watcher.get_message(ignore_subscribe_messages=True, timeout=0.2) is None
    await watcher.aclose()
    await spy.aclose()


async def test_an_unsubscribed_listener_hears_nothing_more():
    async with buses(redis_url()) as (first, second):
        kept, dropped = Inbox(), Inbox()
        await second.subscribe("room.3", kept)
        await second.subscribe("room.3", dropped)
        await second.unsubscribe("room.3", dropped)

        await first.publish("room.3", "1")

        await kept.until(1)
        assert dropped.messages == []


async def test_after_a_dropped_connection_it_resubscribes_and_says_messages_may_be_lost():
    name = f"plenum-test-{uuid.uuid4().hex[:8]}"
    async with buses(f"{redis_url()}&client_name={name}") as (first, second):
        inbox, reconnects = Inbox(), []
        second.on_reconnect(lambda: reconnects.append(True))
        await second.subscribe("room.4", inbox)
        reconnects.clear()

        await _kill_connections(name)
        async with asyncio.timeout(10):
            while not (reconnects and second.connected.is_set()):
                await asyncio.sleep(0.02)
        await first.publish("room.4", "9")

        await inbox.until(1)
        assert inbox.messages == ["9"]
        assert len(reconnects) >= 1


async def test_a_publish_while_redis_is_unreachable_is_logged_not_raised(caplog):
    # Nothing listens on port 1: connecting is refused at once.
    bus = RedisBroadcast("redis://127.0.0.1:1/0")
    bus.CONFIRM_S = 0.2
    await bus.connect()
    inbox = Inbox()
    await bus.subscribe("room.1", inbox)

    await bus.publish("room.1", "3")

    assert inbox.messages == ["3"]  # this process's own members are served regardless
    assert "publishing room.1 to Redis failed" in caplog.text
    await bus.disconnect()


def test_the_backend_is_chosen_by_url():
    assert isinstance(broadcast_from_url("memory://"), MemoryBroadcast)
    assert isinstance(broadcast_from_url("redis://127.0.0.1:6379/0"), RedisBroadcast)
    with pytest.raises(ValueError, match="use memory:// or redis://"):
        broadcast_from_url("kafka://somewhere")


async def _kill_connections(name: str) -> None:
    admin = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    clients = [c for c in await admin.client_list() if c.get("name") == name]
    assert clients, f"no connection named {name}"
    for client in clients:
        await admin.client_kill_filter(_id=client["id"])
    await admin.aclose()
