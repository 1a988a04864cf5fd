"""Setting up a room with a moderator (by a real invite link) and participants."""

import httpx2

from server.services import invites
from server.store.database import Database

from .bot import Member
from .conftest import MYK


def invite(live, room_slug: str, name: str = "Mia") -> str:
    database = Database(live.settings.database_url)
    try:
        signing = invites.signer(live.settings.secret_key)
        return invites.create(database, signing, MYK, room_slug, name)
    finally:
        database.close()


async def redeem(live, member: Member, token: str) -> int:
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        answer = await client.post(f"/c/{MYK}/moderate/{token}", headers={"Cookie": member.cookie})
        return answer.status_code


async def moderator(live, room_slug: str = "narrative-der-smart-city") -> Member:
    mia = await Member.join(live.base, MYK, "Mia")
    assert await redeem(live, mia, invite(live, room_slug)) == 303
    return mia


async def room_with_moderator(live) -> tuple[int, int, Member, Member]:
    """Room id, its first column, and Mia (moderating) and Anna, both inside."""
    room = live.rooms()["narrative-der-smart-city"]
    mia = await moderator(live)
    anna = await Member.join(live.base, MYK, "Anna")
    await mia.enter(room)
    await anna.enter(room)
    return room, live.columns(room)[0], mia, anna
