"""A member who stops reading is dropped; the others get every change without waiting.

The real hub, database, bus and renderer; only the two sockets are stand-ins, one of
which never finishes a send (as a browser that stopped reading, once the kernel's
buffers are full).
"""

import asyncio

from sqlmodel import select

from server.domain.audience import Audience
from server.domain.participants import Joining
from server.realtime.broadcast import MemoryBroadcast
from server.realtime.connection import Connection
from server.realtime.hub import Hub
from server.services import board
from server.services.backends import Backends
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT
from server.store import boards, conferences
from server.store.database import Database
from server.store.tables import Room
from server.views.board import RoomRenderer
from server.views.environment import Views
from server.web.streams import room_stream

from .helpers import FakeSocket

AUDIENCE = Audience("participant", "de")


async def test_a_stalled_member_is_dropped_and_the_others_get_every_card(database_url):
    database = Database(database_url)
    database.migrate()
    backends = Backends(database, MemoryBroadcast())
    load_into(backends, [PROJECT_ROOT / "sessions_config"])
    hub = Hub(database, backends.broadcast, tick=0.001)
    room, author = database.run_write(_room_and_author)
    stream = room_stream(room.id, RoomRenderer(Views()))
    column = min(database.run_read(lambda s: boards.board_state(s, room.id)).column_ids)

    quick, stalled = FakeSocket(), FakeSocket()
    stalled.gate = asyncio.Event()  # never set: this member stopped reading
    quick_connection = Connection(quick.send, 1, AUDIENCE, backlog_limit=4096)
    stalled_connection = Connection(stalled.send, 2, AUDIENCE, backlog_limit=4096)
    await hub.join(quick_connection, stream)
    await hub.join(stalled_connection, stream)

    for n in range(30):
        await board.post_card(backends, author, room, column, f"Idee {n} " + "x" * 300, None)
        await asyncio.sleep(0.003)
    await quick.until(
        lambda: sum(frame.count('class="card-text"') for frame in quick.received) >= 30
    )

    assert stalled_connection.dropped
    assert not quick_connection.dropped
    assert stalled.received == []
    await hub.close()
    database.close()


def _room_and_author(session):
    room_row = session.exec(select(Room).where(Room.slug == "narrative-der-smart-city")).one()
    room = conferences.room_by_id(session, room_row.id)
    return room, conferences.add_participant(session, room.conference_id, Joining("Anna", None))
