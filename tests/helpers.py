"""What many tests do to set up a day and look at it: people joining, an organiser signed
in, moderators by a real invite link, the conference's ids, a breakout's end, an export,
a socket that can be told to stall."""

import asyncio
import contextlib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import httpx2
import pytest
import zxingcpp
from lxml import etree
from PIL import Image, ImageDraw
from sqlalchemy import update
from sqlmodel import select
from starlette.testclient import TestClient

from server.domain.permissions import Role
from server.exports import ExportOptions, Format
from server.realtime.broadcast import MemoryBroadcast
from server.services import change, exports, invites, organisers, projectors
from server.services.backends import Backends
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT
from server.store import conferences
from server.store.database import Database
from server.store.tables import AgendaItem, BoardColumn, BreakoutRoomState, Conference, Room
from server.views.environment import Views

from .bot import Member

MYK = "regionalkonferenz-mayen-koblenz-2022"
NARRATIVE, STRATEGY = "narrative-der-smart-city", "strategieentwicklung"
PASSWORD = "ein-langes-passwort"


# --- The conference as stored ---


@contextlib.contextmanager
def at_noon_in_berlin() -> Iterator[None]:
    """Changes the server applies meanwhile happen today at 12:00 in the conference's time
    zone: an agenda item started then is late by its planned time of day, whenever the
    test runs (around midnight an item planned for 09:30 would start early)."""
    noon = datetime.combine(datetime.now(UTC).date(), time(12), ZoneInfo("Europe/Berlin"))

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return noon.astimezone(tz)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(change, "datetime", Clock)
        yield


@contextlib.contextmanager
def shipped_conference_in(database_url: str) -> Iterator[Database]:
    """A database at the newest schema holding the shipped Mayen-Koblenz conference."""
    database = Database(database_url)
    try:
        database.migrate()
        load_into(backends_of(database), [PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml"])
        yield database
    finally:
        database.close()


def backends_of(database: Database) -> Backends:
    """The database with a bus nobody else hears, as the command line has by default."""
    return Backends(database, MemoryBroadcast())


def room_ids(settings, slug: str = MYK) -> dict[str, int]:
    database = Database(settings.database_url)
    with database.session() as s:
        conference = s.exec(select(Conference).where(Conference.slug == slug)).one()
        rows = s.exec(select(Room).where(Room.conference_id == conference.id))
        result = {r.slug: r.id for r in rows}
    database.close()
    return result


def column_ids(settings, room_id: int) -> list[int]:
    database = Database(settings.database_url)
    with database.session() as s:
        rows = s.exec(
            select(BoardColumn).where(BoardColumn.room_id == room_id).order_by(BoardColumn.position)
        )
        result = [c.id for c in rows]
    database.close()
    return result


def conference_id(live, slug: str = MYK) -> int:
    database = Database(live.settings.database_url)
    with database.session() as s:
        found = s.exec(select(Conference.id).where(Conference.slug == slug)).one()
    database.close()
    return found


def agenda(live, slug: str = MYK) -> list[tuple[int, str, str]]:
    """(id, kind, title) of each agenda item, in order."""
    database = Database(live.settings.database_url)
    with database.session() as s:
        cid = s.exec(select(Conference.id).where(Conference.slug == slug)).one()
        rows = s.exec(
            select(AgendaItem).where(AgendaItem.conference_id == cid).order_by(AgendaItem.position)
        )
        found = [(row.id, row.kind, row.title) for row in rows]
    database.close()
    return found


# --- People through the test client ---


def join(client: TestClient, name: str, slug: str = MYK, organisation: str = "") -> str:
    """Join as a new person; returns that person's session cookie header value."""
    client.cookies.clear()
    response = client.post(
        f"/c/{slug}/join",
        data={"display_name": name, "organisation": organisation},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return f"plenum_session={client.cookies['plenum_session']}"


def make_organiser(settings, username="mia", name="Mia Orga", password=PASSWORD) -> None:
    database = Database(settings.database_url)
    database.migrate()
    try:
        organisers.create(backends_of(database), username, name, password)
    finally:
        database.close()


def sign_in(client: TestClient, username="mia", password=PASSWORD, next_path=""):
    return client.post(
        "/login",
        data={"username": username, "password": password, "next": next_path},
        follow_redirects=False,
    )


def organiser_cookie(client: TestClient, settings, username="mia", name="Mia Orga") -> str:
    make_organiser(settings, username, name)
    client.cookies.clear()
    assert sign_in(client, username).status_code == 303
    return f"plenum_session={client.cookies['plenum_session']}"


# --- People on a live server: moderators by a real invite link, an organiser, screens ---


def invite(live, room_slug: str, name: str = "Mia") -> str:
    database = Database(live.settings.database_url)
    try:
        signing = invites.signer(live.settings.secret_key)
        return invites.create(backends_of(database), signing, MYK, room_slug, name)
    finally:
        database.close()


async def redeem(live, member: Member, token: str) -> int:
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        answer = await client.post(f"/c/{MYK}/moderate/{token}", headers={"Cookie": member.cookie})
        return answer.status_code


async def moderator(live, room_slug: str = NARRATIVE) -> Member:
    mia = await Member.join(live.base, MYK, "Mia")
    assert await redeem(live, mia, invite(live, room_slug)) == 303
    return mia


async def room_with_moderator(live) -> tuple[int, int, Member, Member]:
    """Room id, its first column, and Mia (moderating) and Anna, both inside."""
    room = live.rooms()[NARRATIVE]
    mia = await moderator(live)
    anna = await Member.join(live.base, MYK, "Anna")
    await mia.enter(room)
    await anna.enter(room)
    return room, live.columns(room)[0], mia, anna


async def organiser(live, username: str = "olga") -> Member:
    """An organiser's browser: account made, signed in, the conference opened once."""
    make_organiser(live.settings, username, "Olga Organisation")
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        answer = await client.post("/login", data={"username": username, "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        assert (await client.get(f"/c/{MYK}")).status_code == 200
        return Member(live.base, f"plenum_session={client.cookies['plenum_session']}", "Olga")


def screen_socket(live, kind: str, ident: int) -> str:
    """A projector's socket path, with the key its link carries."""
    key = projectors.key_for(projectors.signer(live.settings.secret_key), kind, ident)
    path = "conferences" if kind == projectors.CONFERENCE else "rooms"
    return f"/ws/{path}/{ident}/projector?key={key}"


async def screen(live, kind: str, ident: int, name: str = "Beamer") -> Member:
    """A screen in the hall on a projector link: no cookie, no participant."""
    member = Member(live.base, "", name)
    await member.open(screen_socket(live, kind, ident))
    return member


# --- What a member sees ---


def text_of(member: Member, element_id: str) -> str:
    found = member.find(element_id)
    return " ".join(found.text_content().split()) if found is not None else ""


def banners(member: Member) -> list[str]:
    found = member.find("banners")
    if found is None:
        return []
    return [" ".join(b.text_content().split()) for b in found.find_class("banner-text")]


def my_room(member: Member) -> str | None:
    mine = member.find("my-plenary")
    return mine.get("data-href") if mine is not None else None


def room_line(member: Member, room_id: int) -> str:
    """A room as this member sees it while breakouts run: the organisers' line in the
    breakout part, everyone else's tile among the rooms."""
    return text_of(member, f"breakout-room-{room_id}") or text_of(member, f"room-{room_id}")


# --- Breakouts ---


async def to_breakout_item(live, olga: Member) -> None:
    item = next(i for i in agenda(live) if i[1] == "breakout")
    assert await olga.act("move_agenda", target=str(item[0])) is None


def breakout_ends(live, when: datetime, room_id: int | None = None) -> None:
    """Move the running breakout's end for one room (or all), as time passing would."""
    database = Database(live.settings.database_url)
    rows = update(BreakoutRoomState).where(BreakoutRoomState.closed_at.is_(None))
    if room_id is not None:
        rows = rows.where(BreakoutRoomState.room_id == room_id)
    database.run_write(lambda s: s.execute(rows.values(deadline=when)))
    database.close()


# --- Exports ---


def export_file(database: Database, fmt: Format, **options) -> exports.ExportFile:
    """MYK's export as the organiser gets it, not yet read."""
    conference = database.run_read(lambda s: conferences.conference_by_slug(s, MYK))
    wanted = ExportOptions(format=fmt, **{"language": "de", **options})
    views = Views()
    return exports.open_export(
        backends_of(database),
        Role.ORGANISER,
        conference,
        wanted,
        views.translator(wanted.language),
        views.env.get_template("report.html"),
    )


def export(database: Database, fmt: Format, **options) -> bytes:
    return b"".join(export_file(database, fmt, **options).chunks)


# --- Sockets ---


class FakeSocket:
    def __init__(self) -> None:
        self.received: list[str] = []
        self.gate: asyncio.Event | None = None  # when set up, sends wait for it
        self._arrived = asyncio.Event()

    async def send(self, frame: str) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.received.append(frame)
        self._arrived.set()

    async def until(self, condition: Callable[[], bool], timeout: float = 5) -> None:
        """Wait until `condition()` holds, checked whenever a frame arrives."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._arrived.clear()
                await self._arrived.wait()


# --- QR codes ---


def read_qr(picture: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(picture)]


def svg_picture(svg: bytes, pixels: int = 8) -> Image.Image:
    """Draws segno's SVG as a scanner would see it: its dark modules are one stroked path
    of rows, 'M'/'m' moving, 'h' drawing a run one module high."""
    root = etree.fromstring(svg)
    size = int(root.get("viewBox").split()[2])
    path = root.find("{http://www.w3.org/2000/svg}path[@stroke]").get("d")
    picture = Image.new("L", (size * pixels, size * pixels), 255)
    draw = ImageDraw.Draw(picture)
    x = y = 0.0
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            top = int(y) * pixels
            right = (x + float(first)) * pixels - 1
            draw.rectangle((x * pixels, top, right, top + pixels - 1), fill=0)
            x += float(first)
    return picture
