"""The plenary, live: the organiser moves the agenda and sends announcements; each reaches
exactly the people it is meant for, on the plenary's socket or in their room."""

import pytest

from .bot import Member
from .helpers import MYK, agenda, banners, conference_id, organiser, text_of


@pytest.fixture
async def day(live):
    olga = await organiser(live)
    anna = await Member.join(live.base, MYK, "Anna")
    ben = await Member.join(live.base, MYK, "Ben")
    cid = conference_id(live)
    await olga.attend(cid, "dashboard")
    await anna.attend(cid)
    return cid, olga, anna, ben


async def test_the_organiser_moves_the_agenda_and_everyone_sees_now_and_next(live, day):
    cid, olga, anna, ben = day
    items = agenda(live)
    await ben.attend(cid)
    assert "noch nicht begonnen" in text_of(anna, "agenda-now")

    assert await olga.act("move_agenda", target="next") is None
    for member in (olga, anna, ben):
        await member.until(lambda m: "Jetzt" in text_of(m, "agenda-now"))
        assert items[0][2] in text_of(member, "agenda-now")
        assert f"Danach: {items[1][2]}" in text_of(member, "agenda-now")
        current = member.find(f"agenda-{items[0][0]}")
        assert current.get("aria-current") == "step"

    panel = next(item for item in items if item[1] == "panel")
    assert await olga.act("move_agenda", target=str(panel[0])) is None
    await anna.until(lambda m: panel[2] in text_of(m, "agenda-now"))
    assert "Danach: Pause" in text_of(anna, "agenda-now")


async def test_participants_cannot_move_the_agenda(day):
    _, _, anna, _ = day
    assert (
        await anna.act("move_agenda", target="next")
        == "Das ist Ihnen in diesem Raum nicht erlaubt."
    )


async def test_an_announcement_to_one_room_reaches_that_room_only(live, day):
    cid, olga, anna, ben = day
    rooms = live.rooms()
    narrative, strategy = rooms["narrative-der-smart-city"], rooms["strategieentwicklung"]
    cara = await Member.join(live.base, MYK, "Cara")
    await ben.enter(narrative)
    await cara.enter(strategy)

    error = await olga.act(
        "announce", text="Noch 5 Minuten", target="room", room=str(narrative), minutes=""
    )
    assert error is None
    await ben.until(lambda m: banners(m) == ["Noch 5 Minuten"])
    # Everyone else has moved on past that seq and shows nothing.
    await olga.until(lambda m: banners(m) == ["Noch 5 Minuten"])
    assert await olga.act("announce", text="Für alle", target="everyone") is None
    for member in (anna, ben, cara):
        await member.until(lambda m: "Für alle" in banners(m))
    assert banners(anna) == ["Für alle"]
    assert banners(cara) == ["Für alle"]
    assert banners(ben) == ["Für alle", "Noch 5 Minuten"]


async def test_an_announcement_to_all_rooms_is_not_shown_in_the_plenary(live, day):
    cid, olga, anna, ben = day
    await ben.enter(live.rooms()["strategieentwicklung"])
    assert await olga.act("announce", text="In allen Räumen", target="rooms") is None
    await ben.until(lambda m: banners(m) == ["In allen Räumen"])
    assert await olga.act("announce", text="Plenum und Räume", target="everyone") is None
    await anna.until(lambda m: banners(m) == ["Plenum und Räume"])
    await ben.until(lambda m: len(banners(m)) == 2)


async def test_an_ended_announcement_disappears_everywhere_and_joiners_see_the_active_ones(
    live, day
):
    cid, olga, anna, ben = day
    assert await olga.act("announce", text="Pause bis 11:45", target="everyone") is None
    await anna.until(lambda m: banners(m) == ["Pause bis 11:45"])
    await ben.enter(live.rooms()["strategieentwicklung"])
    assert banners(ben) == ["Pause bis 11:45"]  # in the room's first snapshot

    await olga.until(lambda m: banners(m) == ["Pause bis 11:45"])
    banner = olga.find("banners").find_class("banner")[0]
    ident = banner.get("data-banner")
    assert await olga.act("end_announcement", announcement=ident) is None
    for member in (anna, ben):
        await member.until(lambda m: banners(m) == [])
    assert await anna.act("announce", text="Ich auch", target="everyone") == (
        "Das ist Ihnen in diesem Raum nicht erlaubt."
    )
