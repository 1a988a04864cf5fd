"""The plenary follows what happens now: the current item's activity comes first (the
Q&A during talks and the panel, the breakout during breakouts, the report during
report-back), the wishes go once breakouts open, a pinned question leaves when the
agenda moves on, and only organisers read how late the programme runs."""

import httpx2
from lxml import html as lxml_html

from .bot import Member
from .helpers import MYK, agenda, at_noon_in_berlin, conference_id, organiser, text_of


async def lobby_parts(live, member: Member) -> list[str]:
    """The lobby's parts below the programme strip, in the order of the page."""
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        page = await client.get(f"/c/{MYK}", headers={"Cookie": member.cookie})
    assert page.status_code == 200
    parts = lxml_html.fromstring(page.text).get_element_by_id("plenary-parts")
    return [part.get("data-part") for part in parts.xpath("./*[@data-part]")]


def item_of(live, kind: str) -> str:
    return str(next(item for item in agenda(live) if item[1] == kind)[0])


def questions_listed(member: Member) -> list[str]:
    listed = member.find("qa").xpath(".//ol[@class='questions']/li[@data-question]")
    return [q.get("data-question") for q in listed]


async def test_the_current_items_activity_comes_first_on_the_page_and_live(live):
    cid = conference_id(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    assert anna.find("agenda").get("data-focus") == ""
    assert (await lobby_parts(live, anna))[0] == "qa"  # nothing in focus: the usual order

    for kind, focus in (
        ("welcome", ""),
        ("panel", "qa"),
        ("keynote", "qa"),
        ("breakout", "breakout rooms"),
        ("report_back", "report"),
        ("break", ""),
    ):
        assert await olga.act("move_agenda", target=item_of(live, kind)) is None
        await anna.until(lambda m, focus=focus: m.find("agenda").get("data-focus") == focus)
        parts = await lobby_parts(live, anna)
        first = focus.split() or ["qa"]
        assert parts[: len(first)] == first, kind
        assert sorted(parts) == ["breakout", "qa", "report", "rooms"]


async def test_the_ask_form_belongs_to_the_questions_and_the_wishes_go_once_breakouts_open(live):
    cid = conference_id(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        page = await client.get(f"/c/{MYK}", headers={"Cookie": anna.cookie})
    parts = lxml_html.fromstring(page.text).get_element_by_id("plenary-parts")
    qa = parts.xpath("./*[@data-part='qa']")[0]
    assert qa.xpath(".//form//input[@name='command'][@value='ask']")
    assert qa.xpath(".//*[@id='qa']")

    await anna.until(lambda m: m.has("my-wishes"))  # one's own part follows the snapshot
    wishes = anna.find("my-wishes")
    assert wishes.xpath(".//input[@name='command'][@value='rank_topics']")
    assert await anna.act("rank_topics", **{"choice-1": "strategieentwicklung"}) is None
    await anna.until(lambda m: "gespeichert" in text_of(m, "my-wishes"))
    chosen = anna.find("my-wishes").xpath(".//select[@name='choice-1']/option[@selected]")
    assert [option.get("value") for option in chosen] == ["strategieentwicklung"]

    assert await olga.act("move_agenda", target=item_of(live, "breakout")) is None
    assert await olga.act("open_breakout", mode="random", minutes="20") is None
    await anna.until(lambda m: m.find("my-plenary").get("data-go"))
    assert not anna.find("my-wishes").xpath(".//form")


async def test_moving_the_agenda_unpins_the_question_and_no_question_is_listed_twice(live):
    cid = conference_id(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    assert await olga.act("move_agenda", target=item_of(live, "panel")) is None
    assert await anna.act("ask", text="Wer bezahlt das?") is None
    assert await anna.act("ask", text="Wie beteiligen wir Ältere?") is None
    await anna.until(lambda m: len(questions_listed(m)) == 2)
    first, second = questions_listed(anna)

    assert await olga.act("moderate_question", question=first, action="pin") is None
    await anna.until(lambda m: m.has("pinned-question"))
    assert "Wer bezahlt das?" in text_of(anna, "pinned-question")
    assert questions_listed(anna) == [second]  # shown pinned, not again in the list
    await olga.until(lambda m: m.has("pinned-question"))
    assert questions_listed(olga) == [second]

    assert await olga.act("move_agenda", target="next") is None
    for member in (anna, olga):
        await member.until(lambda m: not m.has("pinned-question"))
        assert sorted(questions_listed(member)) == sorted([first, second])


async def test_only_organisers_read_how_late_the_programme_runs(live):
    cid = conference_id(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    # At noon, the welcome planned for 09:30 starts late.
    with at_noon_in_berlin():
        assert await olga.act("move_agenda", target="next") is None
    await anna.until(lambda m: "Jetzt" in text_of(m, "agenda-now"))
    await olga.until(lambda m: "Jetzt" in text_of(m, "agenda-now"))
    assert "später als geplant" in text_of(olga, "agenda-now")
    assert "später als geplant" not in text_of(anna, "agenda-now")
