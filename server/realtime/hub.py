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
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from ..domain import sockets
from ..domain.audience import MODERATOR, Audience
from ..store.database import Database
from .broadcast import Broadcast
from .connection import DEMOTED, REMOVED, RESTARTING, Connection

log = logging.getLogger(__name__)


class Update(Protocol):
    """What one read of a stream found: the seq range it covers, the snapshot when one
    was asked for (or when everyone needs one), and what goes to some people only."""

    seq: int
    first_seq: int
    snapshot: Any  # None unless asked for or `for_everyone`
    for_everyone: bool  # the snapshot replaces the delta for every socket
    personal: dict  # participant id -> their own part (their dots, their room)
    removed: list[int]  # participants put out: their sockets close for good
    demoted: list[int]  # participants no longer moderating: their moderator sockets close


U = TypeVar("U", bound=Update)


class Renderer(Protocol[U]):
    """Turns a stream's updates into frames for one audience at a time (participant,
    moderator, projector or organiser): the views pass it in, so realtime stays free of
    templates. Every socket of an audience gets the same string."""

    def snapshot(self, update: U, audience: Audience) -> str: ...
    def delta(self, update: U, audience: Audience) -> str: ...
    def side(self, update: U, audience: Audience) -> str:
        """State outside the seq (whole replacements); empty when there is none."""
        ...

    def personal(self, mine: Any, language: str) -> str: ...
    def farewell(self, language: str) -> str: ...


# (session, after_seq, with_snapshot, personal_for, touched topics) -> U
Loader = Callable[[Any, int | None, bool, frozenset[int], frozenset[str]], U]


@dataclass(frozen=True)
class Stream(Generic[U]):
    """What a socket follows: a room's board, a conference's plenary or its dashboard.

    `key` names the channel in this process; `topic` is the bus topic whose seq messages
    wake it; messages on `watches` (other topics) wake it too and are passed to `load` as
    touched, for state outside the seq that the renderer's `side` sends (the organiser's
    room summaries, a room's presence). Side state goes out at most once per
    `side_interval` seconds: what changes faster (a room filling up) is gathered into one
    frame. With `side_whole` each side frame replaces all side state (a room's presence),
    so a joiner needs only the latest. Every socket hands its stream to `join`; the
    sockets of one room share one (web/streams.py).
    """

    key: str
    topic: str
    load: Loader[U]
    renderer: Renderer[U]
    watches: tuple[str, ...] = field(default=())
    side_interval: float = 0.0
    side_whole: bool = False


class Snapshots:
    """Each audience's latest whole snapshot and the deltas (and side frames) its members
    got since.

    A joiner gets those frames, which bring it to the current seq the way the members
    were brought there: a reconnect storm, or someone opening socket after socket while
    others post, costs one rendering of the whole board per audience, not one per seq.
    Once the deltas since add up to more than the snapshot itself, or to `replay_bytes`
    (a joiner gets them all at once, and they must stay well within what a socket may
    have waiting), or to `MAX_DELTAS` frames, the next joiner's snapshot is rendered anew.
    """

    MAX_DELTAS = 200

    def __init__(self, replay_bytes: int) -> None:
        self.replay_bytes = replay_bytes
        self.seq: int | None = None  # the seq every cached audience is at
        self._frames: dict[Audience, list[str]] = {}
        self._sizes: dict[Audience, int] = {}  # the deltas' characters, per audience
        self._side: dict[Audience, int] = {}  # where the latest whole side frame is

    def has(self, audience: Audience) -> bool:
        return audience in self._frames

    def frames(self, audience: Audience) -> list[str]:
        return self._frames.get(audience, [])

    def clear(self, seq: int) -> None:
        self.seq, self._frames, self._sizes, self._side = seq, {}, {}, {}

    def store(self, audience: Audience, seq: int, snapshot: str) -> None:
        """A snapshot rendered at `seq`: kept while the cache is at that seq."""
        if seq == self.seq:
            self._frames[audience], self._sizes[audience] = [snapshot], 0
            self._side.pop(audience, None)

    def follow(self, seq: int, deltas: dict[Audience, str]) -> None:
        """The members of each audience got `deltas[audience]`, which brought them to
        `seq`; an audience that got none (nobody of it is here) falls out."""
        for audience in list(self._frames):
            frames, delta = self._frames[audience], deltas.get(audience)
            if delta is not None:
                self._sizes[audience] += len(delta)
            if (
                delta is None
                or len(frames) > self.MAX_DELTAS
                or self._sizes[audience] > min(len(frames[0]), self.replay_bytes)
            ):
                self._drop(audience)
            else:
                frames.append(delta)
        self.seq = seq

    def _drop(self, audience: Audience) -> None:
        del self._frames[audience], self._sizes[audience]
        self._side.pop(audience, None)

    def follow_side(self, sides: dict[Audience, str], whole: bool) -> None:
        """The members of each audience got `sides[audience]`, state outside the seq (a
        room's presence): a joiner gets it after the deltas, as they did; a `whole` one
        replaces the one before. An audience nobody of it was here to get one for falls
        out."""
        for audience in list(self._frames):
            frames, side = self._frames[audience], sides.get(audience)
            if side and whole and audience in self._side:
                self._sizes[audience] -= len(frames.pop(self._side[audience]))
            self._sizes[audience] += len(side or "")
            if (
                side is None
                or len(frames) > self.MAX_DELTAS
                or self._sizes[audience] > min(len(frames[0]), self.replay_bytes)
            ):
                self._drop(audience)
            elif side:
                frames.append(side)
                self._side[audience] = len(frames) - 1


class Channel(Generic[U]):
    """The sockets of this process that follow one stream, and the task that keeps them
    up to date."""

    def __init__(self, hub: "Hub", stream: Stream[U]) -> None:
        self.hub = hub
        self.stream = stream
        self.renderer = stream.renderer
        self.touched: set[str] = set()
        self.members: dict[Audience, set[Connection]] = defaultdict(set)
        # A list per participant, not a set: most have one socket here, and an empty
        # set alone is four times the list's size (a big room has thousands of them).
        self.by_participant: dict[int, list[Connection]] = defaultdict(list)
        self.joining: list[Connection] = []
        self.last_seq: int | None = None
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self._last_flush = 0.0
        self._last_side = -stream.side_interval  # the first side change goes out at once
        self._side_timer: asyncio.TimerHandle | None = None
        self.snapshots = Snapshots(hub.replay_bytes)

    def on_message(self, message: str) -> None:
        if self.last_seq is None or int(message) > self.last_seq:
            self.wake.set()

    def on_watched(self, topic: str) -> Callable[[str], None]:
        def listener(_message: str) -> None:
            self.touched.add(topic)
            self._wake_for_side()

        return listener

    def _side_wait(self) -> float:
        return self._last_side + self.stream.side_interval - time.monotonic()

    def _wake_for_side(self) -> None:
        """Wake now if side state may go out, else once it may (one timer at a time)."""
        wait = self._side_wait()
        if wait <= 0:
            self.wake.set()
        elif self._side_timer is None:
            self._side_timer = asyncio.get_running_loop().call_later(wait, self._side_due)

    def _side_due(self) -> None:
        self._side_timer = None
        self.wake.set()

    def _take_touched(self) -> frozenset[str]:
        """The watched topics touched since the last side frame, once one may go out."""
        if not self.touched:
            return frozenset()
        if self._side_wait() > 0:
            self._wake_for_side()
            return frozenset()
        self._last_side = time.monotonic()
        touched, self.touched = frozenset(self.touched), set()
        return touched

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
        touched = self._take_touched()
        after = self.last_seq
        personal_for = frozenset(c.participant_id for c in joiners)
        # Joiners are served from the cache when it holds their audience: the frames
        # that brought its members from the snapshot to now, side frames included.
        cached = all(self.snapshots.has(c.audience) for c in joiners)
        snapshot = after is None or not cached
        try:
            update = await self.hub.database.read(
                lambda s: self.stream.load(s, after, snapshot, personal_for, touched)
            )
        except BaseException:
            self.joining[:0] = joiners
            self.touched |= touched
            self._last_side -= self.stream.side_interval  # the retry may send them
            raise
        self._last_flush = time.monotonic()
        if after is not None and update.seq > after:
            self._deliver(update)
        if touched and after is not None:
            self._deliver_side(update)
        if self.snapshots.seq != update.seq:
            self.snapshots.clear(update.seq)  # it missed what this update brought
        self.last_seq = update.seq
        self._welcome(joiners, update)

    def _deliver_side(self, update: U) -> None:
        """State outside the seq (full replacements, so order and repeats do no harm)."""
        sides: dict[Audience, str] = {}
        for audience, connections in self.members.items():
            if connections:
                frame = sides[audience] = self.renderer.side(update, audience)
                for connection in list(connections) if frame else ():
                    connection.deliver(frame)
        self.snapshots.follow_side(sides, self.stream.side_whole)

    def _deliver(self, update: U) -> None:
        renderer = self.renderer
        if update.for_everyone:
            self.snapshots.clear(update.seq)
        deltas: dict[Audience, str] = {}
        for audience, connections in self.members.items():
            if connections:
                if update.for_everyone:
                    frame = self._snapshot(update, audience)
                else:
                    frame = deltas[audience] = renderer.delta(update, audience)
                for connection in list(connections):
                    connection.deliver(frame)
        if not update.for_everyone:
            self.snapshots.follow(update.seq, deltas)
        self._deliver_personal(update, self.by_participant)
        for participant_id in update.removed:
            for connection in list(self.by_participant.get(participant_id, ())):
                connection.deliver(renderer.farewell(connection.audience.language))
                connection.drop(REMOVED)
        for participant_id in update.demoted:
            for connection in list(self.by_participant.get(participant_id, ())):
                if connection.audience.view == MODERATOR:
                    connection.drop(DEMOTED)

    def _deliver_personal(self, update: U, connections: dict) -> None:
        """Each participant's own dots go to their own sockets only."""
        frames: dict[tuple[int, str], str] = {}
        for participant_id, votes in update.personal.items():
            for connection in connections.get(participant_id, ()):
                key = (participant_id, connection.audience.language)
                if key not in frames:
                    frames[key] = self.renderer.personal(votes, key[1])
                connection.deliver(frames[key])

    def _snapshot(self, update: U, audience: Audience) -> str:
        frame = self.renderer.snapshot(update, audience)
        self.snapshots.store(audience, update.seq, frame)
        return frame

    def _welcome(self, joiners: list[Connection], update: U) -> None:
        welcomed: dict[int, list[Connection]] = defaultdict(list)
        for connection in joiners:
            if connection.dropped:
                continue
            frames = self.snapshots.frames(connection.audience)
            if not frames and update.snapshot is None:
                # Its audience fell out of the cache in this very update: read the
                # board for it next time.
                self.joining.append(connection)
                self.wake.set()
                continue
            for frame in frames or (self._snapshot(update, connection.audience),):
                connection.deliver(frame)
            self.members[connection.audience].add(connection)
            if connection not in self.by_participant[connection.participant_id]:
                self.by_participant[connection.participant_id].append(connection)
            welcomed[connection.participant_id].append(connection)
        self._deliver_personal(update, welcomed)

    def forget(self, connection: Connection) -> None:
        self.members[connection.audience].discard(connection)
        sockets = self.by_participant.get(connection.participant_id)
        if sockets is not None:
            if connection in sockets:
                sockets.remove(connection)
            if not sockets:
                del self.by_participant[connection.participant_id]


class Hub:
    """Every channel of this process; `tick` is the shortest time between two frames of
    one channel (changes that come faster are gathered into one frame); a joiner is sent
    at most `replay_bytes` of deltas after a cached snapshot (see `Snapshots`)."""

    def __init__(
        self,
        database: Database,
        broadcast: Broadcast,
        tick: float = 0.02,
        replay_bytes: int = 256 * 1024,
    ) -> None:
        self.database = database
        self.broadcast = broadcast
        self.tick = tick
        self.replay_bytes = replay_bytes
        self.channels: dict[str, Channel] = {}
        self._listeners: dict[str, list[tuple[str, Callable[[str], None]]]] = {}
        self._held: Counter[tuple[str, int]] = Counter()  # (stream key, participant): sockets
        broadcast.on_reconnect(self.catch_up_all)

    def hold(self, key: str, participant_id: int, limit: int) -> Callable[[], None]:
        """Count a socket of a participant on a stream in this process, from its door
        until it leaves; returns what lets it go. Refused (DomainError) when this process
        already holds `limit` of theirs there: a pile of sockets from one person is then
        turned away without touching the database, whose count (presence) is the one
        that holds across processes."""
        held = (key, participant_id)
        sockets.open_another(self._held[held], limit)
        self._held[held] += 1

        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._held[held] -= 1
                if self._held[held] <= 0:
                    del self._held[held]

        return release

    def catch_up_all(self) -> None:
        """The bus may have lost messages (it was away): every channel reads what it missed.

        A channel's catch-up reads the events after the last seq it delivered, so this
        resyncs every local socket from the database, at one read per channel; what it
        watches outside the seq (presence) may have changed unheard, so it is read too.
        """
        for channel in self.channels.values():
            channel.touched.update(channel.stream.watches)
            channel.wake.set()

    async def join(self, connection: Connection, stream: Stream) -> None:
        """Register a socket on a stream: it receives a snapshot, then every change after
        it. The first socket of a stream in this process opens its channel."""
        connection.stream = stream.key
        channel = self.channels.get(stream.key)
        if channel is None:
            channel = Channel(self, stream)
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
            log.warning("%d channels still had sockets when the server stopped", len(self.channels))

    async def close(self) -> None:
        for channel in list(self.channels.values()):
            channel.task.cancel()
        self.channels.clear()
