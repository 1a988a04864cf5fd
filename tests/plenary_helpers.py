"""Setting up the plenary: an organiser signed in for real, participants, conference ids."""

import httpx2
from sqlmodel import select

from server.services import organisers, projectors
from server.store.database import Database
from server.store.tables import AgendaItem, Conference

from .bot import Member
from .conftest import MYK

PASSWORD = "ein-langes-passwort"


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


async def organiser(live, username: str = "olga") -> Member:
    """An organiser's browser: account made, signed in, the conference opened once."""
    database = Database(live.settings.database_url)
    try:
        organisers.create(database, username, "Olga Organisation", PASSWORD)
    finally:
        database.close()
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        answer = await client.post("/login", data={"username": username, "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        assert (await client.get(f"/c/{MYK}")).status_code == 200
        return Member(live.base, f"plenum_session={client.cookies['plenum_session']}", "Olga")


def text_of(member: Member, element_id: str) -> str:
    found = member.find(element_id)
    return " ".join(found.text_content().split()) if found is not None else ""


def banners(member: Member) -> list[str]:
    found = member.find("banners")
    if found is None:
        return []
    return [" ".join(b.text_content().split()) for b in found.find_class("banner-text")]


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
