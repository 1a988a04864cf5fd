"""The projector views, for a screen in the hall: the plenary's (now and next, the pinned
question, the open questions, announcements) and a room's board. Anyone who joined may
open them, except a room's projector for someone its moderator removed; they follow the
day live, show only what every participant may see, and offer nothing to type or click."""

import httpx2
import pytest
import websockets
from lxml import html as lxml_html

from .bot import Member
from .conftest import MYK
from .moderated import moderator
from .plenary_helpers import agenda, banners, conference_id, organiser, text_of

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


async def test_the_projector_pages_are_for_people_who_joined_and_offer_no_controls(live):
    rooms = live.rooms()
    for path in (f"/c/{MYK}/projector", f"/c/{MYK}/rooms/{NARRATIVE}/projector"):
        stranger = await get(live, path)
        assert stranger.status_code == 303
        assert stranger.headers["location"] == f"/c/{MYK}?next={path}"
    assert (await get(live, f"/c/{MYK}/rooms/no-such-room/projector")).status_code == 404

    anna = await Member.join(live.base, MYK, "Anna")
    await anna.enter(rooms[NARRATIVE])
    await anna.post(live.columns(rooms[NARRATIVE])[0], "Geschichten aus dem Alltag")
    await anna.until(lambda m: len(m.card_ids()) == 1)
    beamer = await Member.join(live.base, MYK, "Beamer")
    plenary = await get(live, f"/c/{MYK}/projector", beamer.cookie)
    assert plenary.status_code == 200
    part = live_part(plenary)
    assert part.get("ws-connect") == f"/ws/conferences/{conference_id(live)}/projector"
    assert not part.xpath(".//form | .//input | .//textarea | .//select | .//button")

    board = await get(live, f"/c/{MYK}/rooms/{NARRATIVE}/projector", beamer.cookie)
    assert board.status_code == 200
    part = live_part(board)
    assert part.get("ws-connect") == f"/ws/rooms/{rooms[NARRATIVE]}/projector"
    assert "Geschichten aus dem Alltag" in part.text_content()
    assert not part.xpath(".//form | .//input | .//textarea | .//select | .//button")

    # Sockets too: no identity, no projector.
    for path in (
        f"/ws/conferences/{conference_id(live)}/projector",
        f"/ws/rooms/{rooms[NARRATIVE]}/projector",
    ):
        async with websockets.connect(f"ws://{live.base}{path}") as socket:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await socket.recv()
        assert closed.value.rcvd.code == 4401


async def test_the_plenary_projector_follows_the_day_and_shows_only_what_is_public(live):
    cid = conference_id(live)
    items = agenda(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    beamer = await Member.join(live.base, MYK, "Beamer")
    await beamer.attend(cid, "projector")
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

    # Read-only, even for an organiser's screen; and not counted among those present.
    assert await beamer.act("ask", text="Vom Beamer") == (
        "Diese Nachricht hat der Server nicht verstanden."
    )
    olgas_screen = Member(olga.base, olga.cookie, "Olga")
    await olgas_screen.attend(cid, "projector")
    assert await olgas_screen.act("move_agenda", target="next") == (
        "Diese Nachricht hat der Server nicht verstanden."
    )
    assert "Beamer" not in text_of(olga, "people") and "Anna" in text_of(olga, "people")


async def test_a_room_projector_shows_the_board_live_without_hidden_or_waiting_cards(live):
    room = live.rooms()[NARRATIVE]
    column = live.columns(room)[0]
    mia = await moderator(live, NARRATIVE)
    await mia.enter(room)
    beamer = await Member.join(live.base, MYK, "Beamer")
    await beamer.open(f"/ws/rooms/{room}/projector")
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


async def test_whom_a_moderator_removed_cannot_watch_the_room_page_or_projector(live):
    room = live.rooms()[NARRATIVE]
    mia = await moderator(live, NARRATIVE)
    await mia.enter(room)
    ben = await Member.join(live.base, MYK, "Ben")
    await ben.enter(room)
    await mia.until(lambda m: "Ben" in m.members.values())
    ben_id = next(pid for pid, name in mia.members.items() if name == "Ben")
    assert await mia.act("remove_member", participant=str(ben_id)) is None

    screen = Member(ben.base, ben.cookie, "Ben")
    with pytest.raises(websockets.ConnectionClosed):
        await screen.open(f"/ws/rooms/{room}/projector")
    assert screen.closed_with == 4409
    assert screen.replies["enter"] == "Die Moderation hat Sie aus diesem Raum entfernt."
    for path in (f"/c/{MYK}/rooms/{NARRATIVE}/projector", f"/c/{MYK}/rooms/{NARRATIVE}"):
        page = await get(live, path, ben.cookie)  # the room's own page neither
        assert page.status_code == 403
        assert "Die Moderation hat Sie aus diesem Raum entfernt." in page.text
