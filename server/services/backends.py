from dataclasses import dataclass, field

from ..realtime.broadcast import Broadcast
from ..realtime.topics import conference_topic, presence_topic, room_topic
from ..store.database import Database


@dataclass(frozen=True)
class Backends:
    """The database and the bus, as every service needs them."""

    database: Database
    broadcast: Broadcast
    # Which conference each room belongs to, which never changes: read once per process.
    room_conferences: dict[int, int] = field(default_factory=dict, compare=False)

    async def announce(self, room_id: int, seq: int) -> None:
        """Tell every process that `room_id` has changed up to `seq` (after the commit)."""
        await self.broadcast.publish(room_topic(room_id), str(seq))

    async def announce_presence(self, room_id: int) -> None:
        """Tell every process that who is in `room_id` changed (after the commit)."""
        await self.broadcast.publish(presence_topic(room_id), "")

    # --- The plenary ---
    async def announce_plenary(self, conference_id: int, seq: int) -> None:
        """Tell every process that the conference's plenary has changed up to `seq`."""
        await self.broadcast.publish(conference_topic(conference_id), str(seq))
