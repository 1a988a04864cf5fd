"""The projector views, for a screen in the hall: the plenary's (now and next, what goes
with the running item: the pinned and open questions, the breakout, the report;
announcements) and a room's board. They open by a projector link (tests/
test_projector_links.py), follow the day live, show only what every participant may see,
and offer nothing to type or click."""

import httpx2
from lxml import html as lxml_html

from server.services.projectors import CONFERENCE, ROOM

from .bot import Member
from .helpers import (
    MYK,
    agenda,
    banners,
    conference_id,
    moderator,
    organiser,
    screen,
    screen_socket,
    text_of,
)

NARRATIVE = "narrative-der-smart-city"
CONTROLS = ("<form", "<input", "<textarea", "<select", "<button")


def has_controls(html: str) -> bool:
    return any(tag in html for tag in CONTROLS)


def questions(member: Member) -> list[str]:
    found = member.find("qa")
    return [q.find_class("question-text")[0].text_content() for q in found.find_class("question")]


async def get(live, path: str, cookie: str = "") -> httpx2.Response:
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        return await client.get(path, headers={"Cookie": cookie} if cookie else {})


def live_part(page: httpx2.Response):
    """The projector itself (`#live`), without the site's header and its language switch."""
    return lxml_html.fromstring(page.text).get_element_by_id("live")


async def test_the_projector_pages_offer_no_controls(live):
    rooms = live.rooms()
    olga = await organiser(live)
    console = await get(live, f"/console/{MYK}", olga.cookie)
    tree = lxml_html.fromstring(console.text)
    paths = [a.get("href") for a in tree.get_element_by_id("projectors").iter("a")]
    assert len(paths) == 1 + len(rooms)

    anna = await Member.join(live.base, MYK, "Anna")
    await anna.enter(rooms[NARRATIVE])
    await anna.post(live.columns(rooms[NARRATIVE])[0], "Geschichten aus dem Alltag")
    await anna.until(lambda m: len(m.card_ids()) == 1)
    plenary = await get(live, paths[0])
    assert plenary.status_code == 200
    part = live_part(plenary)
    cid = conference_id(live)
    assert part.get("ws-connect").startswith(f"/ws/conferences/{cid}/projector?key=")
    assert not part.xpath(".//form | .//input | .//textarea | .//select | .//button")

    board_path = next(p for p in paths if f"/rooms/{NARRATIVE}/" in p)
    board = await get(live, board_path)
    assert board.status_code == 200
    part = live_part(board)
    assert part.get("ws-connect").startswith(f"/ws/rooms/{rooms[NARRATIVE]}/projector?key=")
    assert "Geschichten aus dem Alltag" in part.text_content()
    assert not part.xpath(".//form | .//input | .//textarea | .//select | .//button")


async def test_the_plenary_projector_follows_the_day_and_shows_only_what_is_public(live):
    cid = conference_id(live)
    items = agenda(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    beamer = await screen(live, CONFERENCE, cid)
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)

    # The organiser moves the agenda: the projector shows now and next.
    assert await olga.act("move_agenda", target="next") is None
    await beamer.until(lambda m: "Jetzt" in text_of(m, "agenda-now"))
    assert items[0][2] in text_of(beamer, "agenda-now")
    assert f"Danach: {items[1][2]}" in text_of(beamer, "agenda-now")

    # Announcements: the ones for everyone, not the ones for the rooms only.
    assert await olga.act("announce", text="Nur in den Räumen", target="rooms") is None
    assert await olga.act("announce", text="Kaffee steht bereit", target="everyone") is None
    await beamer.until(lambda m: banners(m) == ["Kaffee steht bereit"])

    # Questions: the pinned one on top; hidden ones leave it, waiting ones never reach it.
    assert await anna.act("ask", text="Wer bezahlt das?") is None
    assert await anna.act("ask", text="Ein Zwischenruf") is None
    await olga.until(lambda m: len(questions(m)) == 2)
    ids = {
        q.find_class("question-text")[0].text_content(): q.get("data-question")
        for q in olga.find("qa").find_class("question")
    }
    hide = {"question": ids["Ein Zwischenruf"], "action": "hide"}
    assert await olga.act("moderate_question", **hide) is None
    pin = {"question": ids["Wer bezahlt das?"], "action": "pin"}
    assert await olga.act("moderate_question", **pin) is None
    await beamer.until(lambda m: m.has("pinned-question"))
    assert "Wer bezahlt das?" in text_of(beamer, "pinned-question")
    assert questions(beamer) == ["Wer bezahlt das?"]

    assert await olga.act("qa_pre_moderation", on="yes") is None
    waiting = await anna.command("ask", text="Noch nicht freigegeben")
    await anna.until(lambda m: waiting in m.notices)
    assert await olga.act("move_agenda", target="next") is None
    await beamer.until(lambda m: f"Danach: {items[2][2]}" in text_of(m, "agenda-now"))
    assert questions(beamer) == ["Wer bezahlt das?"]
    for text in ("Nur in den Räumen", "Noch nicht freigegeben"):
        assert not any(text in frame for frame in beamer.frames)
    assert not any(has_controls(frame) for frame in beamer.frames)

    # Read-only, even with an organiser's cookie on the hall's computer.
    assert await beamer.act("ask", text="Vom Beamer") == (
        "Diese Nachricht hat der Server nicht verstanden."
    )
    olgas_screen = Member(olga.base, olga.cookie, "Olga")
    await olgas_screen.open(screen_socket(live, CONFERENCE, cid))
    assert await olgas_screen.act("move_agenda", target="next") == (
        "Diese Nachricht hat der Server nicht verstanden."
    )
    assert "Anna" in text_of(olga, "people")


async def test_a_room_projector_shows_the_board_live_without_hidden_or_waiting_cards(live):
    room = live.rooms()[NARRATIVE]
    column = live.columns(room)[0]
    mia = await moderator(live, NARRATIVE)
    await mia.enter(room)
    beamer = await screen(live, ROOM, room)
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.enter(room)
    await mia.until(lambda m: len(m.members) == 2)
    assert "Beamer" not in " ".join(mia.members.values())  # not counted as present

    await anna.post(column, "Geschichten aus dem Alltag")
    await beamer.until(lambda m: m.texts(column) == ["Geschichten aus dem Alltag"])
    card = beamer.card_ids()[0]
    assert await mia.act("hide_card", card=card) is None
    await beamer.until(lambda m: m.card(card) is None)

    live.set_room(room, pre_moderation=True)
    waiting = await anna.post(column, "Wartet auf Freigabe")
    await anna.until(lambda m: waiting in m.notices)
    await mia.post(column, "Von der Moderation")
    await beamer.until(lambda m: m.texts(column) == ["Von der Moderation"])
    assert await mia.act("unhide_card", card=card) is None
    await beamer.until(lambda m: len(m.texts(column)) == 2)
    assert not any("Wartet auf Freigabe" in frame for frame in beamer.frames)

    # The plenary reaches the room's screen too: a banner, and the end of breakouts,
    # after which the screen stays on the (now read-only) board.
    olga = await organiser(live)
    await olga.attend(conference_id(live), "dashboard")
    banner = {"text": "Noch 5 Minuten", "target": "room", "room": str(room)}
    assert await olga.act("announce", **banner) is None
    await beamer.until(lambda m: banners(m) == ["Noch 5 Minuten"])
    breakout = next(item for item in agenda(live) if item[1] == "breakout")
    assert await olga.act("move_agenda", target=str(breakout[0])) is None
    assert await olga.act("open_breakout", mode="manual", minutes="20") is None
    assert await olga.act("close_breakout") is None
    await beamer.until(lambda m: m.find("breakout-return").get("data-ended"))
    assert beamer.find("breakout-return").get("data-href") is None  # plenum.js stays put
    assert "beendet" in text_of(beamer, "breakout-return")

    assert not any(has_controls(frame) for frame in beamer.frames)
    assert await beamer.act("post_card", column=str(column), text="Vom Beamer") == (
        "Diese Nachricht hat der Server nicht verstanden."
    )


async def test_whom_a_moderator_removed_cannot_open_the_room_page(live):
    room = live.rooms()[NARRATIVE]
    mia = await moderator(live, NARRATIVE)
    await mia.enter(room)
    ben = await Member.join(live.base, MYK, "Ben")
    await ben.enter(room)
    await mia.until(lambda m: "Ben" in m.members.values())
    ben_id = next(pid for pid, name in mia.members.items() if name == "Ben")
    assert await mia.act("remove_member", participant=str(ben_id)) is None

    page = await get(live, f"/c/{MYK}/rooms/{NARRATIVE}", ben.cookie)
    assert page.status_code == 403
    assert "Die Moderation hat Sie aus diesem Raum entfernt." in page.text
    assert "/projector" not in page.text  # the room's projector link is its moderators'
