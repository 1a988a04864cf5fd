"""The bus between processes, chosen by URL. Callers never know which backend runs.

A message is small: the room's new seq. Every process subscribed to the topic loads
what changed from the database itself, so a lost message costs a delay, not data.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

Listener = Callable[[str], None]


class Broadcast(Protocol):
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def publish(self, topic: str, message: str) -> None: ...
    async def subscribe(self, topic: str, listener: Listener) -> None: ...
    async def unsubscribe(self, topic: str, listener: Listener) -> None: ...


class MemoryBroadcast:
    """In-process fan-out for the embedded default: one process, no bus."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)

    async def connect(self) -> None:
        pass

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


def broadcast_from_url(url: str) -> Broadcast:
    scheme = url.split(":", 1)[0]
    if scheme == "memory":
        return MemoryBroadcast()
    raise ValueError(f"BROADCAST_URL {url!r}: unknown scheme {scheme!r}; use memory://")
