"""Projector links: the organisers' console gives one for the plenary and one per room,
a room's moderator finds their room's on the room page. A screen in the hall opens them
without joining: no participant is made, nothing counts as attendance or presence, and
a link opens only what it was made for."""

import re

import httpx2
import pytest
import websockets
from lxml import html as lxml_html
from sqlalchemy import func
from sqlmodel import select

from server.store.database import Database
from server.store.tables import Participant

from .bot import Member
from .helpers import MYK, conference_id, moderator, organiser, text_of

NARRATIVE, STRATEGY = "narrative-der-smart-city", "strategieentwicklung"


async def get(live, path: str, cookie: str = "") -> httpx2.Response:
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        return await client.get(path, headers={"Cookie": cookie} if cookie else {})


def participants(live) -> int:
    database = Database(live.settings.database_url)
    with database.session() as s:
        found = s.exec(select(func.count()).select_from(Participant)).one()
    database.close()
    return found


def socket_path(page: httpx2.Response) -> str:
    return lxml_html.fromstring(page.text).get_element_by_id("live").get("ws-connect")


async def console_links(live, olga: Member) -> dict[str, str]:
    """Projector paths on the console: "plenary" and each room's slug."""
    page = await get(live, f"/console/{MYK}", olga.cookie)
    assert page.status_code == 200
    links = dict(re.findall(rf'href="(/c/{MYK}/(?:rooms/([a-z-]+)/)?projector/[^"]+)"', page.text))
    return {(slug or "plenary"): path for path, slug in links.items()}


async def refused(live, path: str) -> int:
    screen = Member(live.base, "", "Beamer")
    with pytest.raises(websockets.ConnectionClosed):
        await screen.open(path)
    return screen.closed_with


async def test_a_projector_link_needs_no_joining_and_never_counts_as_attendance(live):
    cid, rooms = conference_id(live), live.rooms()
    olga = await organiser(live)
    links = await console_links(live, olga)
    assert set(links) == {"plenary", *rooms}
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    before = participants(live)

    page = await get(live, links["plenary"])  # a hall computer: no cookie at all
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    screen = Member(live.base, "", "Beamer")
    await screen.open(socket_path(page))
    assert "Das Programm hat noch nicht begonnen." in text_of(screen, "agenda-now")
    board = await get(live, links[NARRATIVE])
    assert board.status_code == 200
    wall = Member(live.base, "", "Wand")
    await wall.open(socket_path(board))

    await olga.attend(cid, "dashboard")
    assert await olga.act("move_agenda", target="next") is None
    await screen.until(lambda m: "Jetzt" in text_of(m, "agenda-now"))
    assert participants(live) == before
    assert "Beamer" not in text_of(olga, "people") and "Anna" in text_of(olga, "people")
    await anna.enter(rooms[NARRATIVE])
    await anna.until(lambda m: len(m.members) == 1)  # the wall is not among those present


async def test_a_projector_link_opens_only_what_it_was_made_for(live):
    cid, rooms = conference_id(live), live.rooms()
    olga = await organiser(live)
    links = await console_links(live, olga)
    narrative_key = links[NARRATIVE].rsplit("/", 1)[1]
    plenary_key = links["plenary"].rsplit("/", 1)[1]

    for path in (
        f"/c/{MYK}/rooms/{STRATEGY}/projector/{narrative_key}",
        f"/c/{MYK}/projector/{narrative_key}",
        f"/c/{MYK}/projector/{plenary_key}x",
    ):
        assert (await get(live, path)).status_code == 404, path
    for path in (
        f"/ws/rooms/{rooms[STRATEGY]}/projector?key={narrative_key}",
        f"/ws/conferences/{cid}/projector?key={narrative_key}",
        f"/ws/conferences/{cid}/projector",
        f"/ws/rooms/{rooms[NARRATIVE]}/projector",
    ):
        assert await refused(live, path) == 4401, path

    # The old way, joining and opening the projector as oneself, is gone: one way in.
    anna = await Member.join(live.base, MYK, "Anna")
    for path in (f"/c/{MYK}/projector", f"/c/{MYK}/rooms/{NARRATIVE}/projector"):
        assert (await get(live, path, anna.cookie)).status_code == 404, path
    assert await refused(live, f"/ws/conferences/{cid}/projector") == 4401


async def test_the_room_page_gives_its_projector_link_to_the_rooms_moderators_only(live):
    olga = await organiser(live)
    links = await console_links(live, olga)
    mia = await moderator(live, NARRATIVE)
    anna = await Member.join(live.base, MYK, "Anna")
    as_moderator = await get(live, f"/c/{MYK}/rooms/{NARRATIVE}", mia.cookie)
    as_participant = await get(live, f"/c/{MYK}/rooms/{NARRATIVE}", anna.cookie)
    assert f'href="{links[NARRATIVE]}"' in as_moderator.text
    assert "/projector" not in as_participant.text
    lobby = await get(live, f"/c/{MYK}", anna.cookie)
    assert "/projector" not in lobby.text
