"""The streams a socket can follow, each with its loader and its renderer. Every socket
takes its stream from here and hands it to `Hub.join`; the hub has no defaults of its own."""

import functools

from ..realtime.hub import Stream
from ..realtime.topics import conference_topic, presence_topic, room_topic
from ..store.plenary_records import PlenaryUpdate
from ..store.plenary_view import load_plenary_update
from ..store.room_live import RoomLiveUpdate, load_room_live
from ..views.board import RoomRenderer
from ..views.plenary import PlenaryRenderer

# A projector's connection belongs to nobody: no participant, no personal part.
SCREEN = 0
# Seconds between two presence frames of a room: arrivals and departures within it (a
# whole room reconnecting after a blip) come as one frame, and a reconnect within it,
# seen by nobody, changes nothing on screen.
PRESENCE_INTERVAL = 1.0


# Built once per room (or conference) and renderer, and shared by its sockets: a socket
# keeps its stream for its whole life, and a big room has thousands.
@functools.cache
def room_stream(room_id: int, renderer: RoomRenderer) -> Stream[RoomLiveUpdate]:
    """A room's board with the plenary's banners, for its members and its projector;
    who is present comes outside the seq, at most once per PRESENCE_INTERVAL."""
    presence = presence_topic(room_id)

    def load(session, after, with_snapshot, personal_for, touched) -> RoomLiveUpdate:
        changed = presence in touched
        return load_room_live(session, room_id, after, with_snapshot, personal_for, changed)

    topic = room_topic(room_id)
    watches = (presence,)
    return Stream(topic, topic, load, renderer, watches, PRESENCE_INTERVAL, side_whole=True)


@functools.cache
def plenary_stream(conference_id: int, renderer: PlenaryRenderer) -> Stream[PlenaryUpdate]:
    """A conference's plenary, for everyone joined and for its projector."""

    def load(session, after, with_snapshot, personal_for, _touched) -> PlenaryUpdate:
        people = personal_for - {SCREEN}
        return load_plenary_update(session, conference_id, after, with_snapshot, people)

    topic = conference_topic(conference_id)
    return Stream(f"plenary.{conference_id}", topic, load, renderer)


def dashboard_stream(
    conference_id: int, room_ids: list[int], renderer: PlenaryRenderer
) -> Stream[PlenaryUpdate]:
    """The plenary for organisers, woken also by every room's changes (room summaries)."""

    def load(session, after, with_snapshot, personal_for, touched) -> PlenaryUpdate:
        return load_plenary_update(
            session, conference_id, after, with_snapshot, personal_for, touched, dashboard=True
        )

    topic = conference_topic(conference_id)
    watches = tuple(room_topic(room_id) for room_id in room_ids)
    watches += tuple(presence_topic(room_id) for room_id in room_ids)  # the counts
    return Stream(f"dashboard.{conference_id}", topic, load, renderer, watches)
