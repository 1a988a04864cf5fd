"""A conference of two days with parallel workshops, live: the plenary says what runs now
in every track and what follows, lists the programme day by day with each workshop's
track and room, and a room shows the same."""

from dataclasses import replace

import httpx2
import pytest

from .bot import Member
from .helpers import PASSWORD, conference_id, make_organiser, text_of
from .test_conference_files import TWO_DAYS

KONGRESS = "kongress"


@pytest.fixture
def settings(settings, tmp_path):
    folder = tmp_path / "sessions_config"
    folder.mkdir()
    (folder / f"{KONGRESS}.yaml").write_text(TWO_DAYS, encoding="utf-8")
    return replace(settings, sessions_config=(*settings.sessions_config, folder))


async def _organiser(live) -> Member:
    make_organiser(live.settings, "olga", "Olga Organisation")
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        answer = await client.post("/login", data={"username": "olga", "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        assert (await client.get(f"/c/{KONGRESS}")).status_code == 200
        return Member(live.base, f"plenum_session={client.cookies['plenum_session']}", "Olga")


def _items(member: Member) -> list[str]:
    return [" ".join(li.text_content().split()) for li in member.find("agenda-all").iter("li")]


async def test_parallel_workshops_are_now_together_and_the_programme_goes_day_by_day(live, crowd):
    cid = conference_id(live, KONGRESS)
    olga = crowd(await _organiser(live))
    anna = crowd(await Member.join(live.base, KONGRESS, "Anna"))
    await olga.attend(cid, "dashboard")
    await anna.attend(cid)

    headings = [" ".join(h.text_content().split()) for h in anna.find("agenda-all").iter("h3")]
    assert headings == ["Dienstag, 26. April 2022", "Mittwoch, 27. April 2022"]
    workshop = next(text for text in _items(anna) if "Daten teilen" in text)
    assert "Track: Inkubator Daten" in workshop and "im Raum „Daten“" in workshop
    room_link = anna.find("agenda-all").xpath(".//a[@class='agenda-room']")[0]
    assert room_link.get("href") == f"/c/{KONGRESS}/rooms/daten"

    assert await olga.act("move_agenda", target="next") is None
    await anna.until(lambda m: "Jetzt: Eröffnung" in text_of(m, "agenda-now"))
    assert "Danach: Daten teilen · Mobilität (geplant ab 14:30 Uhr)" in text_of(anna, "agenda-now")

    assert await olga.act("move_agenda", target="next") is None
    await anna.until(lambda m: "Jetzt: Daten teilen · Mobilität" in text_of(m, "agenda-now"))
    current = anna.find("agenda-all").xpath(".//li[@aria-current='step']")
    assert [li.get("id") for li in current] == [
        li.get("id") for li in anna.find("agenda-all").iter("li") if "workshop" in li.get("class")
    ]
    assert "Danach: Rückblick (geplant am Mittwoch, 27. April 2022 ab 09:00 Uhr)" in text_of(
        anna, "agenda-now"
    )

    ben = crowd(await Member.join(live.base, KONGRESS, "Ben"))
    page = await ben.room_page(KONGRESS, "daten")
    await ben.enter(page.room_id)
    await ben.until(lambda m: m.find("room-programme") is not None)
    assert "Jetzt: Daten teilen · Mobilität" in text_of(ben, "room-programme")
