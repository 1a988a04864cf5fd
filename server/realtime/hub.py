"""Per process: which sockets follow which stream, and keeping them up to date.

A stream is a room's board or a conference's plenary (see `Stream`). Each stream with
local members has one channel and one worker task. On a bus message or a new socket it
reads what changed since the last seq it delivered (one read for all), renders each
fragment once per audience and hands the same string to every socket of that audience.
A joining socket is registered before that read, so it gets a snapshot at least as new
as anything delivered to others afterwards: nothing falls into the gap.
"""

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..domain.votes import MyVotes
from ..store.database import Database
from ..store.records import BoardRecord, RoomUpdate
from ..store.room_updates import load_room_update
from .broadcast import Broadcast
from .connection import DEMOTED, MODERATOR, REMOVED, RESTARTING, Audience, Connection
from .topics import room_topic

log = logging.getLogger(__name__)


class Renderer(Protocol):
    """What the hub needs from the views; passed in so realtime stays free of templates."""

    def snapshot(self, board: BoardRecord, audience: Audience) -> str: ...
    def delta(self, update: RoomUpdate, audience: Audience) -> str: ...
    def personal(self, votes: MyVotes, language: str) -> str: ...
    def farewell(self, language: str) -> str: ...


# --- Streams: one live path for rooms and the plenary ---


class Update(Protocol):
    """What one read found: the seq range, a snapshot when asked for, per-person parts."""

    seq: int
    first_seq: int
    snapshot: Any
    for_everyone: bool
    personal: dict
    removed: list  # participants put out: their sockets close for good
    demoted: list  # participants no longer moderating: their moderator sockets close


# (session, after_seq, with_snapshot, personal_for, touched topics) -> Update
Loader = Callable[[Any, int | None, bool, frozenset[int], frozenset[str]], Update]


@dataclass(frozen=True)
class Stream:
    """A live channel's source. `key` names the channel in this process; `topic` is the
    bus topic whose seq messages wake it; messages on `watches` (other streams' topics)
    wake it too and are passed to `load` as touched, for state outside the seq that the
    renderer's `side` sends (the organiser's room summaries)."""

    key: str
    topic: str
    load: Loader
    renderer: Any
    watches: tuple[str, ...] = field(default=())


def room_stream(room_id: int, renderer: Renderer, loader=load_room_update) -> Stream:
    def load(session, after, with_snapshot, personal_for, _touched) -> Update:
        return loader(session, room_id, after, with_snapshot, personal_for)

    return Stream(room_topic(room_id), room_topic(room_id), load, renderer)


# --- end of streams ---


class RoomChannel:
    """The channel of one stream (named for rooms, its first kind)."""

    def __init__(self, hub: "Hub", stream: Stream) -> None:
        self.hub = hub
        self.stream = stream
        self.renderer = stream.renderer
        self.touched: set[str] = set()
        self.members: dict[Audience, set[Connection]] = defaultdict(set)
        self.by_participant: dict[int, set[Connection]] = defaultdict(set)
        self.joining: list[Connection] = []
        self.last_seq: int | None = None
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self._last_flush = 0.0

    def on_message(self, message: str) -> None:
        if self.last_seq is None or int(message) > self.last_seq:
            self.wake.set()

    def on_watched(self, topic: str) -> Callable[[str], None]:
        def listener(_message: str) -> None:
            self.touched.add(topic)
            self.wake.set()

        return listener

    def is_empty(self) -> bool:
        return not self.joining and not any(self.members.values())

    async def run(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            await self._throttle()
            try:
                await self._catch_up()
            except Exception:
                log.exception("%s: catching up failed; retrying", self.stream.key)
                await asyncio.sleep(0.5)
                self.wake.set()

    async def _throttle(self) -> None:
        # Leading edge goes out at once; changes arriving faster than the tick are
        # gathered into one frame, which bounds the cost of a voting frenzy.
        wait = self._last_flush + self.hub.tick - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _catch_up(self) -> None:
        joiners, self.joining = self.joining, []
        touched, self.touched = frozenset(self.touched), set()
        after = self.last_seq
        personal_for = frozenset(c.participant_id for c in joiners)
        snapshot = bool(joiners) or after is None
        try:
            update = await self.hub.database.read(
                lambda s: self.stream.load(s, after, snapshot, personal_for, touched)
            )
        except BaseException:
            self.joining[:0] = joiners
            self.touched |= touched
            raise
        self._last_flush = time.monotonic()
        if after is not None and update.seq > after:
            self._deliver(update)
        if touched and after is not None:
            self._deliver_side(update)
        self.last_seq = update.seq
        self._welcome(joiners, update)

    def _deliver_side(self, update: Update) -> None:
        """State outside the seq (full replacements, so order and repeats do no harm)."""
        for audience, connections in self.members.items():
            frame = self.renderer.side(update, audience) if connections else ""
            for connection in list(connections) if frame else ():
                connection.deliver(frame)

    def _deliver(self, update: RoomUpdate) -> None:
        renderer = self.renderer
        for audience, connections in self.members.items():
            if connections:
                if update.for_everyone:
                    frame = renderer.snapshot(update.snapshot, audience)
                else:
                    frame = renderer.delta(update, audience)
                for connection in list(connections):
                    connection.deliver(frame)
        self._deliver_personal(update, self.by_participant)
        for participant_id in update.removed:
            for connection in list(self.by_participant.get(participant_id, ())):
                connection.deliver(renderer.farewell(connection.audience.language))
                connection.drop(REMOVED)
        for participant_id in update.demoted:
            for connection in list(self.by_participant.get(participant_id, ())):
                if connection.audience.view == MODERATOR:
                    connection.drop(DEMOTED)

    def _deliver_personal(self, update: RoomUpdate, connections: dict) -> None:
        """Each participant's own dots go to their own sockets only."""
        frames: dict[tuple[int, str], str] = {}
        for participant_id, votes in update.personal.items():
            for connection in connections.get(participant_id, ()):
                key = (participant_id, connection.audience.language)
                if key not in frames:
                    frames[key] = self.renderer.personal(votes, key[1])
                connection.deliver(frames[key])

    def _welcome(self, joiners: list[Connection], update: RoomUpdate) -> None:
        frames: dict[Audience, str] = {}
        welcomed: dict[int, set[Connection]] = defaultdict(set)
        for connection in joiners:
            if connection.dropped:
                continue
            if connection.audience not in frames:
                frames[connection.audience] = self.renderer.snapshot(
                    update.snapshot, connection.audience
                )
            connection.deliver(frames[connection.audience])
            self.members[connection.audience].add(connection)
            self.by_participant[connection.participant_id].add(connection)
            welcomed[connection.participant_id].add(connection)
        self._deliver_personal(update, welcomed)

    def forget(self, connection: Connection) -> None:
        self.members[connection.audience].discard(connection)
        sockets = self.by_participant.get(connection.participant_id)
        if sockets is not None:
            sockets.discard(connection)
            if not sockets:
                del self.by_participant[connection.participant_id]


class Hub:
    def __init__(
        self,
        database: Database,
        broadcast: Broadcast,
        renderer: Renderer,
        tick: float = 0.02,
        room_loader=load_room_update,
    ) -> None:
        self.database = database
        self.broadcast = broadcast
        self.renderer = renderer
        self.tick = tick
        self.room_loader = room_loader
        self.channels: dict[str, RoomChannel] = {}
        self._listeners: dict[str, list[tuple[str, Callable[[str], None]]]] = {}
        broadcast.on_reconnect(self.catch_up_all)

    def catch_up_all(self) -> None:
        """The bus may have lost messages (it was away): every channel reads what it missed.

        A channel's catch-up reads the events after the last seq it delivered, so this
        resyncs every local socket from the database, at one read per channel.
        """
        for channel in self.channels.values():
            channel.wake.set()

    async def join(self, connection: Connection, stream: Stream | None = None) -> None:
        """Register a socket on its room (or another stream); it receives a snapshot,
        then every change after it."""
        if stream is None:
            stream = room_stream(connection.room_id, self.renderer, self.room_loader)
        connection.stream = stream.key
        channel = self.channels.get(stream.key)
        if channel is None:
            channel = RoomChannel(self, stream)
            self.channels[stream.key] = channel
            listeners = [(stream.topic, channel.on_message)]
            listeners += [(topic, channel.on_watched(topic)) for topic in stream.watches]
            self._listeners[stream.key] = listeners
            for topic, listener in listeners:
                await self.broadcast.subscribe(topic, listener)
            channel.task = asyncio.get_running_loop().create_task(channel.run())
        channel.joining.append(connection)
        channel.wake.set()

    def resync(self, connection: Connection) -> None:
        """Send this socket a fresh snapshot (it saw a gap in the seq)."""
        channel = self.channels.get(connection.stream)
        if channel is not None and connection in channel.members[connection.audience]:
            channel.forget(connection)
            channel.joining.append(connection)
            channel.wake.set()

    async def leave(self, connection: Connection) -> None:
        channel = self.channels.get(connection.stream)
        if channel is None:
            return
        channel.forget(connection)
        if connection in channel.joining:
            channel.joining.remove(connection)
        if channel.is_empty():
            del self.channels[connection.stream]
            channel.task.cancel()
            for topic, listener in self._listeners.pop(connection.stream):
                await self.broadcast.unsubscribe(topic, listener)

    async def say_goodbye(self, timeout: float = 3) -> None:
        """Before the server stops: close every socket with "server restarting" (1012),
        so clients reconnect by themselves, and wait (bounded) until they have left."""
        for channel in list(self.channels.values()):
            for connection in [*channel.joining, *(c for m in channel.members.values() for c in m)]:
                connection.drop(RESTARTING)
        try:
            async with asyncio.timeout(timeout):
                while self.channels:
                    await asyncio.sleep(0.02)
        except TimeoutError:
            log.warning("%d rooms still had sockets when the server stopped", len(self.channels))

    async def close(self) -> None:
        for channel in list(self.channels.values()):
            channel.task.cancel()
        self.channels.clear()
