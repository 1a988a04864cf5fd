"""A room edited in the console reaches the people on its board at once: its board comes
again, with the new settings, without a reload; other rooms' logs get nothing."""

import httpx2
from lxml import html
from sqlmodel import select

from server.store.database import Database
from server.store.tables import Event

from .bot import Member
from .helpers import MYK, NARRATIVE, STRATEGY, organiser

EDIT = f"/console/{MYK}/edit/rooms/{STRATEGY}"


async def test_people_on_an_edited_rooms_board_get_its_new_settings_at_once(live, crowd):
    strategy, narrative = live.rooms()[STRATEGY], live.rooms()[NARRATIVE]
    anna = crowd(await Member.join(live.base, MYK, "Anna"))
    ben = crowd(await Member.join(live.base, MYK, "Ben"))
    await anna.enter(strategy)
    await ben.enter(narrative)
    assert anna.state()["data-vote-budget"] == "5"
    olga = await organiser(live)
    async with httpx2.AsyncClient(
        base_url=f"http://{live.base}", headers={"Cookie": olga.cookie}
    ) as client:
        page = (await client.get(EDIT)).text
        form = html.fromstring(page).xpath("//form[contains(@class, 'room-editor')]")[0]
        sent = {**dict(form.form_values()), "vote_budget": "3", "max_votes_per_card": "1"}
        saved = await client.post(EDIT, data=sent)
        assert saved.status_code == 303, saved.text

    await anna.until(lambda m: m.state().get("data-vote-budget") == "3")
    assert anna.state()["data-max-per-card"] == "1"
    database = Database(live.settings.database_url)
    with database.session() as session:
        edited = session.exec(select(Event.room_id).where(Event.type == "room_edited")).all()
    database.close()
    assert edited == [strategy]
    assert ben.state()["data-vote-budget"] == "5"
