"""The hub on its own: a stream made of a list and a renderer that names what it renders.

No server, no database, no templates: a failure here is the hub's. Joining gives a
snapshot and then every change; a channel reads everything after the last seq it
delivered, however many bus messages it missed; changes faster than the tick go out as
one frame; a member who stops reading is dropped while the others keep up.
"""

import asyncio
from dataclasses import dataclass, field

from server.domain.audience import MODERATOR, PARTICIPANT, Audience
from server.realtime.broadcast import MemoryBroadcast
from server.realtime.connection import REMOVED, TOO_SLOW, Connection
from server.realtime.hub import Hub, Stream

from .helpers import FakeSocket

TOPIC = "room.1"
ANNA = Audience(PARTICIPANT, "de")
MIA = Audience(MODERATOR, "de")


@dataclass
class Update:
    seq: int
    first_seq: int
    changes: list[str]
    snapshot: list[str] | None = None
    for_everyone: bool = False
    personal: dict = field(default_factory=dict)
    removed: list[int] = field(default_factory=list)
    demoted: list[int] = field(default_factory=list)


class Log:
    """A stream's source: changes numbered from 1, with who they concern."""

    def __init__(self) -> None:
        self.changes: list[str] = []
        self.reads = 0
        self.personal: dict[int, str] = {}  # participant -> their own part, when it changed
        self.removed: list[int] = []

    def load(self, _session, after, with_snapshot, personal_for, _touched) -> Update:
        self.reads += 1
        seq = len(self.changes)
        new = self.changes[after:] if after is not None else []
        snapshot = list(self.changes) if with_snapshot else None
        personal = {p: self.personal.get(p, "nothing yet") for p in personal_for}
        personal.update(self.personal if new else {})
        removed, self.removed = (self.removed, []) if new else ([], self.removed)
        first = after + 1 if after is not None else seq + 1
        return Update(seq, first, new, snapshot, personal=personal, removed=removed)


class Renderer:
    """Says what it rendered and for whom, and counts how often."""

    def __init__(self) -> None:
        self.renders = 0
        self.snapshots = 0

    def snapshot(self, update: Update, audience: Audience) -> str:
        self.renders += 1
        self.snapshots += 1
        return f"snapshot {update.seq} {audience.view}: {','.join(update.snapshot)}"

    def delta(self, update: Update, audience: Audience) -> str:
        self.renders += 1
        return f"delta {update.first_seq}-{update.seq} {audience.view}: {','.join(update.changes)}"

    def side(self, update: Update, audience: Audience) -> str:
        return ""

    def personal(self, mine: str, language: str) -> str:
        return f"personal {mine}"

    def farewell(self, language: str) -> str:
        return "farewell"


class ImmediateDatabase:
    """The hub reads through `read`; here the read is the list itself."""

    async def read(self, work):
        return work(None)


class Room:
    """A hub with one stream; `change` appends and announces on the bus like a service."""

    def __init__(self, tick: float = 0.001) -> None:
        self.log = Log()
        self.renderer = Renderer()
        self.broadcast = MemoryBroadcast()
        self.hub = Hub(ImmediateDatabase(), self.broadcast, tick=tick)
        self.stream = Stream(TOPIC, TOPIC, self.log.load, self.renderer)

    async def member(self, participant_id: int, audience: Audience = ANNA, **options):
        socket = FakeSocket()
        connection = Connection(socket.send, participant_id, audience, **options)
        await self.hub.join(connection, self.stream)
        await socket.until(lambda: socket.received)
        return socket, connection

    async def change(self, text: str, announce: bool = True) -> None:
        self.log.changes.append(text)
        if announce:
            await self.broadcast.publish(TOPIC, str(len(self.log.changes)))


def last(socket: FakeSocket) -> str:
    return socket.received[-1]


async def test_a_joining_member_gets_a_snapshot_then_every_change():
    room = Room()
    await room.change("a")
    anna, _ = await room.member(1)
    assert anna.received[0] == "snapshot 1 participant: a"

    await room.change("b")
    await anna.until(lambda: last(anna).startswith("delta"))
    assert last(anna) == "delta 2-2 participant: b"
    await room.hub.close()


async def test_each_audience_gets_its_own_rendering_made_once_for_all_its_members():
    room = Room()
    anna, _ = await room.member(1)
    ben, _ = await room.member(2)
    mia, _ = await room.member(3, MIA)
    renders = room.renderer.renders

    await room.change("a")
    for socket in (anna, ben, mia):
        await socket.until(lambda s=socket: last(s).startswith("delta"))

    assert last(anna) == last(ben) == "delta 1-1 participant: a"
    assert last(mia) == "delta 1-1 moderator: a"
    assert room.renderer.renders - renders == 2
    await room.hub.close()


async def test_joiners_share_one_snapshot_and_get_the_deltas_since_until_they_outweigh_it():
    room = Room()
    await room.change("a")
    anna, _ = await room.member(1)
    renders = room.renderer.renders
    ben, _ = await room.member(2)  # a catch-up of its own, at the same seq

    assert ben.received[0] is anna.received[0]
    assert room.renderer.renders == renders

    snapshots = room.renderer.snapshots
    await room.change("b")
    await anna.until(lambda: last(anna).startswith("delta"))
    cleo, _ = await room.member(3)  # at a later seq: the same snapshot, then what came
    assert cleo.received[:2] == ["snapshot 1 participant: a", "delta 2-2 participant: b"]
    assert cleo.received[0] is anna.received[0]
    assert room.renderer.snapshots == snapshots

    for text in ("c", "d"):  # the deltas since now outweigh the snapshot
        await room.change(text)
        await anna.until(lambda text=text: last(anna).endswith(text))
    dora, _ = await room.member(4)
    assert dora.received[0] == "snapshot 4 participant: a,b,c,d"
    assert room.renderer.snapshots == snapshots + 1
    await room.hub.close()


async def test_missed_bus_messages_are_caught_up_from_the_last_delivered_seq():
    room = Room()
    anna, _ = await room.member(1)
    await room.change("a", announce=False)
    await room.change("b", announce=False)  # the bus lost both messages
    await room.change("c")

    await anna.until(lambda: last(anna).startswith("delta"))
    assert last(anna) == "delta 1-3 participant: a,b,c"
    await room.hub.close()


async def test_after_the_bus_was_away_every_channel_reads_what_it_missed():
    room = Room()
    anna, _ = await room.member(1)
    await room.change("a", announce=False)

    room.hub.catch_up_all()  # what the bus calls when it is back
    await anna.until(lambda: last(anna).startswith("delta"))
    assert last(anna) == "delta 1-1 participant: a"
    await room.hub.close()


async def test_a_member_who_saw_a_gap_is_brought_up_from_a_snapshot_and_the_others_get_nothing():
    room = Room()
    anna, anna_connection = await room.member(1)
    ben, _ = await room.member(2)
    await room.change("a")
    await ben.until(lambda: last(ben).startswith("delta"))
    seen_by_ben, seen_by_anna = len(ben.received), len(anna.received)

    room.hub.resync(anna_connection)
    await anna.until(lambda: last(anna) == "personal nothing yet")
    snapshot = anna.received[0]  # the one she joined with, and the change since
    assert anna.received[seen_by_anna:] == [
        snapshot,
        "delta 1-1 participant: a",
        "personal nothing yet",
    ]
    assert len(ben.received) == seen_by_ben
    await room.hub.close()


async def test_changes_faster_than_the_tick_go_out_as_one_frame():
    room = Room(tick=0.2)
    anna, _ = await room.member(1)
    await asyncio.sleep(0.2)  # the join's own frame is a tick ago

    await room.change("a")  # the leading edge goes out at once
    await anna.until(lambda: len(anna.received) == 3)
    for text in ("b", "c", "d"):  # these arrive while the channel waits for the tick
        await room.change(text)
        await asyncio.sleep(0.02)
    await anna.until(lambda: len(anna.received) == 4)
    await asyncio.sleep(0.3)

    assert anna.received[2:] == ["delta 1-1 participant: a", "delta 2-4 participant: b,c,d"]
    await room.hub.close()


async def test_a_member_who_stops_reading_is_dropped_and_the_others_get_every_change():
    room = Room()
    quick, quick_connection = await room.member(1, backlog_limit=200)
    stalled, stalled_connection = await room.member(2, backlog_limit=200)
    stalled.gate = asyncio.Event()  # never set: this member stopped reading

    for n in range(20):
        await room.change(f"change {n} " + "x" * 40)
        await quick.until(lambda n=n: f"change {n} " in last(quick))

    assert stalled_connection.dropped and stalled_connection.close_with == TOO_SLOW
    assert not quick_connection.dropped
    assert len(stalled.received) == 2  # the snapshot and its own part, before it stalled
    await room.hub.close()


async def test_personal_parts_go_to_their_own_sockets_and_a_removed_member_is_let_go():
    room = Room()
    anna, anna_connection = await room.member(1)
    ben, _ = await room.member(2)
    assert anna.received[1] == "personal nothing yet"

    room.log.personal = {2: "ben's dots"}
    room.log.removed = [1]
    await room.change("a")
    await ben.until(lambda: last(ben) == "personal ben's dots")

    assert anna.received[-2:] == ["delta 1-1 participant: a", "farewell"]
    assert anna_connection.dropped and anna_connection.close_with == REMOVED
    await room.hub.close()


async def test_the_last_member_to_leave_closes_the_channel():
    room = Room()
    _, anna = await room.member(1)
    _, ben = await room.member(2)

    await room.hub.leave(anna)
    assert TOPIC in room.hub.channels
    await room.hub.leave(ben)
    assert room.hub.channels == {}
    await room.hub.close()


PRESENCE = "room.1.presence"


class SideLog(Log):
    """A log whose reads also say which watched topics woke them (presence, say)."""

    def __init__(self) -> None:
        super().__init__()
        self.side_reads = 0

    def load(self, session, after, with_snapshot, personal_for, touched) -> Update:
        update = super().load(session, after, with_snapshot, personal_for, touched)
        if touched:
            self.side_reads += 1
            update.personal = {}  # nothing personal about a side read
            update.changes = [*update.changes, f"side#{self.side_reads}"]
        return update


class SideRenderer(Renderer):
    def side(self, update: Update, audience: Audience) -> str:
        sides = [change for change in update.changes if change.startswith("side#")]
        return f"side {sides[-1]}" if sides else ""


async def test_side_state_goes_out_at_most_once_per_interval_and_seq_changes_do_not_wait():
    room = Room()
    room.log, room.renderer = SideLog(), SideRenderer()
    room.stream = Stream(TOPIC, TOPIC, room.log.load, room.renderer, (PRESENCE,), side_interval=0.3)
    anna, _ = await room.member(1)

    await room.broadcast.publish(PRESENCE, "")  # the first change goes out at once
    await anna.until(lambda: any(f.startswith("side") for f in anna.received))
    for _ in range(20):  # a room filling up: twenty arrivals within the interval
        await room.broadcast.publish(PRESENCE, "")
    await room.change("a")  # a card does not wait for presence
    await anna.until(lambda: any("participant: a" in f for f in anna.received), timeout=0.2)
    assert [f for f in anna.received if f.startswith("side")] == ["side side#1"]

    await asyncio.sleep(0.5)
    assert [f for f in anna.received if f.startswith("side")] == ["side side#1", "side side#2"]
    assert room.log.side_reads == 2  # twenty-one changes, two reads, two frames
    await room.hub.close()


async def test_a_joiner_gets_the_shared_snapshot_and_the_side_frames_since_without_a_new_one():
    room = Room()
    room.log, room.renderer = SideLog(), SideRenderer()
    watches = (PRESENCE,)
    room.stream = Stream(TOPIC, TOPIC, room.log.load, room.renderer, watches, side_whole=True)
    await room.change("a board worth sharing")
    anna, _ = await room.member(1)
    for n in (1, 2):
        await room.broadcast.publish(PRESENCE, "")
        await anna.until(lambda n=n: f"side side#{n}" in anna.received)
    await room.change("b")

    ben, _ = await room.member(2)  # a reconnect storm: one rendering of the board for all
    await ben.until(lambda: len(ben.received) >= 3)

    # What the members got since the snapshot, but of the whole side frames only the last.
    assert ben.received[:3] == [
        "snapshot 1 participant: a board worth sharing",
        "side side#2",
        "delta 2-2 participant: b",
    ]
    assert room.renderer.snapshots == 1
    await room.hub.close()


async def test_after_the_bus_was_away_side_state_is_read_again_too():
    room = Room()
    room.log, room.renderer = SideLog(), SideRenderer()
    room.stream = Stream(TOPIC, TOPIC, room.log.load, room.renderer, (PRESENCE,))
    anna, _ = await room.member(1)

    room.hub.catch_up_all()  # presence messages may have been lost with the bus

    await anna.until(lambda: "side side#1" in anna.received)
    await room.hub.close()
