"""Whoever reads the server's log cannot moderate a room or watch a projector: the
secrets in moderator and projector links are masked in every log line, as the server
started from the command line writes them."""

from dataclasses import dataclass
from types import SimpleNamespace

import httpx2
import pytest
import websockets

from server.log_filters import masked
from server.services import invites, projectors
from server.settings import Settings
from server.store.database import Database

from ..bot import Member
from ..helpers import MYK, NARRATIVE, backends_of, conference_id, room_ids
from ..servers import ServerProcess

SECRET = "test-secret"  # ServerProcess's SECRET_KEY


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("/c/x/moderate/a.b-c_d", "/c/x/moderate/***"),
        ("/c/x/registration/1.a-b.c_d/enter", "/c/x/registration/***/enter"),
        ("/c/x/projector/a.b?lang=en", "/c/x/projector/***?lang=en"),
        ("/c/x/rooms/y/projector/a.b", "/c/x/rooms/y/projector/***"),
        ("/ws/rooms/3/projector?key=a.b&x=1", "/ws/rooms/3/projector?key=***&x=1"),
        ("/c/x/rooms/y?next=/console", "/c/x/rooms/y?next=/console"),
    ],
)
def test_secrets_in_links_are_masked_and_other_paths_kept(line, shown):
    assert masked(line) == shown


@pytest.fixture
def server(tmp_path):
    settings_env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'plenum.db'}"}
    started = ServerProcess(settings_env, tmp_path).start()
    try:
        yield started
    finally:
        started.terminate()


@dataclass(frozen=True)
class Links:
    """The secrets of one conference's links, made as the console and the CLI make them."""

    conference: int
    token: str  # a moderator's invite for the room "Narrative der Smart City"
    hall: str  # the conference's projector key
    room_key: str  # the room's projector key


def links_of(server: ServerProcess) -> Links:
    settings = Settings(database_url=server.env["DATABASE_URL"], secret_key=SECRET)
    conference = conference_id(SimpleNamespace(settings=settings))
    room = room_ids(settings)[NARRATIVE]
    database = Database(settings.database_url)
    try:
        signing = invites.signer(SECRET)
        token = invites.create(backends_of(database), signing, MYK, NARRATIVE, "Mia")
    finally:
        database.close()
    screens = projectors.signer(SECRET)
    return Links(
        conference,
        token,
        projectors.key_for(screens, projectors.CONFERENCE, conference),
        projectors.key_for(screens, projectors.ROOM, room),
    )


async def test_no_token_or_key_reaches_the_log(server):
    links = links_of(server)
    mia = await Member.join(server.base, MYK, "Mia")
    async with httpx2.AsyncClient(base_url=f"http://{server.base}") as client:
        moderate = f"/c/{MYK}/moderate/{links.token}"
        assert (await client.get(moderate)).status_code == 200
        accepted = await client.post(moderate, headers={"Cookie": mia.cookie})
        assert accepted.status_code == 303
        assert (await client.get(f"/c/{MYK}/projector/{links.hall}")).status_code == 200
        room_screen = f"/c/{MYK}/rooms/{NARRATIVE}/projector/{links.room_key}"
        assert (await client.get(room_screen)).status_code == 200
    socket = f"ws://{server.base}/ws/conferences/{links.conference}/projector?key={links.hall}"
    async with websockets.connect(socket, compression=None) as screen:
        assert (await screen.recv()).startswith("<!--plenum snapshot")
    server.terminate()

    log = server.log()
    for secret in (links.token, links.hall, links.room_key):
        assert secret not in log
    assert f'"GET /c/{MYK}/moderate/*** HTTP/1.1" 200' in log
    assert f'"POST /c/{MYK}/moderate/*** HTTP/1.1" 303' in log
    assert f'"GET /c/{MYK}/rooms/{NARRATIVE}/projector/*** HTTP/1.1" 200' in log
    assert f'"WebSocket /ws/conferences/{links.conference}/projector?key=***" [accepted]' in log
