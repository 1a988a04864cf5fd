"""The bus between processes, chosen by URL. Callers never know which backend runs.

A message is small: the room's new seq. Every process subscribed to the topic loads
what changed from the database itself, so a lost message costs a delay, not data, and
after a bus outage reading the database once (`on_reconnect`) makes up for all of them.
"""

import asyncio
import contextlib
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

Listener = Callable[[str], None]


class Broadcast(Protocol):
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def publish(self, topic: str, message: str) -> None: ...
    async def subscribe(self, topic: str, listener: Listener) -> None: ...
    async def unsubscribe(self, topic: str, listener: Listener) -> None: ...
    def on_reconnect(self, callback: Callable[[], None]) -> None:
        """Call `callback` after messages may have been lost (the bus was away)."""


class MemoryBroadcast:
    """In-process fan-out for the embedded default: one process, no bus."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)

    async def connect(self) -> None:
        pass

    def on_reconnect(self, callback: Callable[[], None]) -> None:
        pass  # nothing between publisher and listener can fail

    async def disconnect(self) -> None:
        self._listeners.clear()

    async def publish(self, topic: str, message: str) -> None:
        for listener in list(self._listeners.get(topic, ())):
            listener(message)

    async def subscribe(self, topic: str, listener: Listener) -> None:
        self._listeners[topic].append(listener)

    async def unsubscribe(self, topic: str, listener: Listener) -> None:
        listeners = self._listeners.get(topic, [])
        if listener in listeners:
            listeners.remove(listener)
        if not listeners:
            self._listeners.pop(topic, None)


class RedisBroadcast:
    """Redis pub/sub between server processes (redis-py's asyncio client).

    One connection subscribes to the topics of the rooms this process serves, read by one
    listener task; another publishes, once per event. Local listeners are called directly,
    so members on this process never wait for the bus; each message names its sender, so
    the echo is skipped.

    Pub/sub is at-most-once. redis-py would reconnect and resubscribe on its own and hide
    that messages were lost, so retries are off: every failure reaches the listener task,
    which starts over with a fresh connection (with backoff), subscribes to every topic
    again and only then calls `on_reconnect`: from that moment nothing is missed, and
    the callback reads everything before it from the database.
    """

    BACKOFF_S = (0.05, 2.0)  # first and longest wait between two attempts to reconnect
    CONFIRM_S = 2.0  # how long `subscribe` waits for Redis to confirm

    def __init__(self, url: str) -> None:
        self._url, self._prefix = split_channel_prefix(url)
        self._control = self._prefix + "_control"
        self._sender = uuid.uuid4().hex[:12]
        self._listeners: dict[str, list[Listener]] = defaultdict(list)
        self._confirmed: dict[str, asyncio.Event] = {}
        self._reconnect_callbacks: list[Callable[[], None]] = []
        self._pubsub: redis.client.PubSub | None = None
        self._task: asyncio.Task | None = None
        self._publisher: redis.Redis | None = None
        self._subscriber: redis.Redis | None = None
        self.connected = asyncio.Event()  # set while subscribed; tests wait on it
        self._lost = False
        self._publish_failing = False

    async def connect(self) -> None:
        options = {"decode_responses": True, "socket_connect_timeout": 2, "socket_keepalive": True}
        # One retry on a fresh connection for a publish; none for the subscriber (see above).
        self._publisher = redis.Redis.from_url(
            self._url, retry=Retry(NoBackoff(), 1), socket_timeout=2, **options
        )
        self._subscriber = redis.Redis.from_url(
            self._url, retry=Retry(NoBackoff(), 0), health_check_interval=5, **options
        )
        self._task = asyncio.get_running_loop().create_task(self._listen())
        try:
            await asyncio.wait_for(self.connected.wait(), self.CONFIRM_S)
        except TimeoutError:
            log.warning("Redis at %s not reachable yet; retrying in the background", self._url)

    async def disconnect(self) -> None:
        # Bounded: a server that is stopping must not hang on a half-dead connection.
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=2)
        for client in (self._publisher, self._subscriber):
            if client is not None:
                with contextlib.suppress(RedisError, OSError, TimeoutError):
                    await asyncio.wait_for(client.aclose(), 2)
        self._listeners.clear()

    def on_reconnect(self, callback: Callable[[], None]) -> None:
        self._reconnect_callbacks.append(callback)

    async def publish(self, topic: str, message: str) -> None:
        self._dispatch(topic, message)
        try:
            await self._publisher.publish(self._prefix + topic, f"{self._sender} {message}")
        except (RedisError, OSError) as error:
            # The event is committed; a process that missed this catches up on the next
            # event in the room, or reads everything when its own connection comes back.
            # One warning per outage is enough.
            level = logging.DEBUG if self._publish_failing else logging.WARNING
            log.log(level, "publishing %s to Redis failed: %s", topic, error)
            self._publish_failing = True
        else:
            self._publish_failing = False

    async def subscribe(self, topic: str, listener: Listener) -> None:
        self._listeners[topic].append(listener)
        if len(self._listeners[topic]) == 1:
            await self._send_subscribe([topic])

    async def unsubscribe(self, topic: str, listener: Listener) -> None:
        listeners = self._listeners.get(topic, [])
        if listener in listeners:
            listeners.remove(listener)
        if not listeners and self._listeners.pop(topic, None) is not None:
            pubsub = self._pubsub
            if pubsub is not None:
                # On failure the listener task reconnects, and a new connection skips it.
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.unsubscribe(self._prefix + topic)

    async def _send_subscribe(self, topics: list[str]) -> None:
        """Subscribe and wait until Redis confirms, so that what the caller reads from the
        database next cannot miss an event announced after it."""
        pubsub = self._pubsub
        if pubsub is None:
            return  # down: the listener task subscribes to every topic when it is back
        channels = [self._prefix + topic for topic in topics]
        waiting = [self._confirmed.setdefault(c, asyncio.Event()) for c in channels]
        try:
            await pubsub.subscribe(*channels)
            async with asyncio.timeout(self.CONFIRM_S):
                for confirmed in waiting:
                    await confirmed.wait()
        except (RedisError, OSError, TimeoutError):
            pass  # the listener task sees the failure too and starts over
        finally:
            for channel in channels:
                self._confirmed.pop(channel, None)

    async def _listen(self) -> None:
        delay = self.BACKOFF_S[0]
        while True:
            pubsub = self._subscriber.pubsub()
            try:
                # The control channel connects, and keeps the connection subscribed while
                # no room is. Topics added from here on subscribe themselves.
                await pubsub.subscribe(self._control)
                self._pubsub = pubsub
                channels = [self._prefix + topic for topic in self._listeners]
                if channels:
                    await pubsub.subscribe(*channels)
                unconfirmed = {self._control, *channels}
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if unconfirmed and message["type"] == "subscribe":
                        unconfirmed.discard(message["channel"])
                        if not unconfirmed:
                            delay = self.BACKOFF_S[0]
                            self._subscribed()
                    self._on_message(message)
            except (RedisError, OSError) as error:
                if self.connected.is_set():
                    log.warning("lost Redis (%s); reconnecting", error)
                self._lost = True
            except Exception:
                # Whatever it was, this task must live on: it is the process's only ear.
                log.exception("Redis listener failed; reconnecting")
                self._lost = True
            finally:
                self._pubsub = None
                self.connected.clear()
                await asyncio.shield(_close_quietly(pubsub))
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, self.BACKOFF_S[1])

    def _subscribed(self) -> None:
        """Every topic is subscribed again: whatever was published before may be lost."""
        if self._lost:
            log.info("Redis is back; every room catches up from the database")
            self._lost = False
        self.connected.set()
        for callback in self._reconnect_callbacks:
            callback()

    def _on_message(self, message: dict) -> None:
        channel = message["channel"]
        if message["type"] == "subscribe":
            confirmed = self._confirmed.get(channel)
            if confirmed is not None:
                confirmed.set()
        elif message["type"] == "message" and channel.startswith(self._prefix):
            sender, _, data = message["data"].partition(" ")
            if sender != self._sender:
                self._dispatch(channel[len(self._prefix) :], data)

    def _dispatch(self, topic: str, message: str) -> None:
        for listener in list(self._listeners.get(topic, ())):
            listener(message)


async def _close_quietly(pubsub: "redis.client.PubSub") -> None:
    with contextlib.suppress(RedisError, OSError):
        await pubsub.aclose()


def split_channel_prefix(url: str) -> tuple[str, str]:
    """Take our `channel_prefix` out of the URL (redis-py refuses unknown parameters).

    The prefix lets several installations (or test runs) share one Redis: pub/sub
    channels are global to the server, whatever the database number.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    prefix = dict(query).get("channel_prefix", "plenum:")
    rest = urlencode([(k, v) for k, v in query if k != "channel_prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


def broadcast_from_url(url: str) -> Broadcast:
    scheme = url.split(":", 1)[0]
    if scheme == "memory":
        return MemoryBroadcast()
    if scheme in ("redis", "rediss", "unix"):
        return RedisBroadcast(url)
    raise ValueError(f"BROADCAST_URL {url!r}: unknown scheme {scheme!r}; use memory:// or redis://")
