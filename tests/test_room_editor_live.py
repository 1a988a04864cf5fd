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


async def _anna_in_strategy_ben_in_narrative(live, crowd):
    strategy, narrative = live.rooms()[STRATEGY], live.rooms()[NARRATIVE]
    anna = crowd(await Member.join(live.base, MYK, "Anna"))
    ben = crowd(await Member.join(live.base, MYK, "Ben"))
    await anna.enter(strategy)
    await ben.enter(narrative)
    return strategy, narrative, anna, ben


async def _room_form(client) -> dict[str, str]:
    """The strategy room's form in the console, as it would be sent unchanged."""
    page = (await client.get(EDIT)).text
    form = html.fromstring(page).xpath("//form[contains(@class, 'room-editor')]")[0]
    return dict(form.form_values())


async def test_people_on_an_edited_rooms_board_get_its_new_settings_at_once(live, crowd):
    strategy, narrative, anna, ben = await _anna_in_strategy_ben_in_narrative(live, crowd)
    assert anna.state()["data-vote-budget"] == "5"
    olga = await organiser(live)
    async with httpx2.AsyncClient(
        base_url=f"http://{live.base}", headers={"Cookie": olga.cookie}
    ) as client:
        sent = {**await _room_form(client), "vote_budget": "3", "max_votes_per_card": "1"}
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


async def test_a_new_prompt_and_title_reach_the_board_and_every_room_hears_of_the_new_room(
    live, crowd
):
    """A prompt added while people are in the room is a column on their board at once,
    with its field to post into; the new title is the board's heading. Every other room
    (Ben's) lists the room that was added in the meantime, without a reload."""
    strategy, narrative, anna, ben = await _anna_in_strategy_ben_in_narrative(live, crowd)
    columns_before = len(live.columns(strategy))
    olga = await organiser(live)
    async with httpx2.AsyncClient(
        base_url=f"http://{live.base}", headers={"Cookie": olga.cookie}
    ) as client:
        sent = await _room_form(client)
        n = int(sent["prompts"])
        sent.update(
            {
                "title": "Strategie und Umsetzung",
                "prompts": str(n + 1),
                f"prompts-{n}-title": "Wer setzt es um?",
                f"prompts-{n}-key": "umsetzung",
                f"prompts-{n}-new": "1",
            }
        )
        saved = await client.post(EDIT, data=sent)
        assert saved.status_code == 303, saved.text

        added = await client.post(
            f"/console/{MYK}/edit/rooms",
            data={
                "title": "Mobilität",
                "slug": "mobilitaet",
                "capacity": "30",
                "prompt": "Was fehlt?",
            },
        )
        assert added.status_code == 303, added.text

    [new_column] = [c for c in live.columns(strategy)][columns_before:]
    await anna.until(lambda m: m.has(f"post-{new_column}"))
    assert len(live.columns(strategy)) == columns_before + 1
    assert _text(anna.find(f"column-{new_column}-title")) == "Wer setzt es um?"
    assert _text(anna.find("room-header").find("h1")) == "Strategie und Umsetzung"
    await ben.until(lambda m: "Mobilität" in _text(m.find("room-programme")))
    assert ben.find(f"room-programme-{narrative}").find("strong") is not None  # you are here
    await anna.post(new_column, "Die Stabsstelle Digitales")
    await anna.until(lambda m: m.newest_text(new_column) == "Die Stabsstelle Digitales")


def _text(element) -> str:
    return " ".join(element.text_content().split())
