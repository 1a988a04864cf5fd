"""Breakouts, live: the organiser opens them by preference, people land in their rooms,
the time runs out, everyone is sent back; late joiners and dropouts; the dashboard follows
every room through the fan-out; report-back shows each room's results."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from .bot import Member
from .helpers import (
    MYK,
    NARRATIVE,
    STRATEGY,
    breakout_ends,
    conference_id,
    moderator,
    my_room,
    organiser,
    room_line,
    room_with_moderator,
    text_of,
    to_breakout_item,
)


@pytest.fixture
def settings(settings):
    return replace(settings, breakout_tick_seconds=0.05)


async def test_a_breakout_by_preference_from_opening_to_the_way_back(live):
    cid, rooms = conference_id(live), live.rooms()
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    ben = await Member.join(live.base, MYK, "Ben")
    for member, first in ((anna, STRATEGY), (ben, NARRATIVE)):
        await member.attend(cid)
        assert await member.act("rank_topics", **{"choice-1": first}) is None
    assert await anna.act("open_breakout", mode="preference", minutes="30") == (
        "Das ist Ihnen in diesem Raum nicht erlaubt."
    )
    refused = await olga.act("open_breakout", mode="preference", minutes="30")
    assert refused.startswith("Breakouts lassen sich nur")
    await to_breakout_item(live, olga)

    assert await olga.act("open_breakout", mode="preference", minutes="30") is None
    await anna.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    await ben.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{NARRATIVE}")
    assert anna.find("breakout-clock").get("data-state") == "running"

    # Each goes to their room; the other room is not theirs while breakouts run. The room
    # counts down to the breakout's end; its own timer is its moderator's, and off.
    assert await _refused_entry(live, anna, rooms[NARRATIVE]) == 4409
    await anna.enter(rooms[STRATEGY])
    await ben.enter(rooms[NARRATIVE])
    assert anna.find("breakout-clock").get("data-state") == "running"
    assert anna.find("timer").get("data-state") == "off"
    await olga.until(lambda m: m.find(f"summary-{rooms[STRATEGY]}").get("data-room") is not None)
    await olga.until(
        lambda m: (
            m.find(f"summary-{rooms[STRATEGY]}").find_class("present")[0].get("data-count") == "1"
        )
    )

    # The organiser conducts every room's phase; a room's members see it.
    assert await olga.act("conduct", phase="vote") is None
    await anna.until(lambda m: m.state().get("data-phase") == "vote")
    await olga.until(
        lambda m: (
            m.find(f"summary-{rooms[NARRATIVE]}").find_class("phase")[0].get("data-phase") == "vote"
        )
    )

    # The breakout's end passes in every room (as if 30 minutes had passed): rooms close,
    # all go back.
    breakout_ends(live, datetime.now(UTC) - timedelta(seconds=1))
    for member in (anna, ben):
        await member.until(lambda m: m.state().get("data-phase") == "closed")
        await member.until(lambda m: m.find("breakout-return").get("data-ended"))
        assert member.find("breakout-return").get("data-href") == f"/c/{MYK}"
    await olga.until(lambda m: "beendet" in text_of(m, "breakout"))


async def _refused_entry(live, member: Member, room_id: int) -> int:
    return (await _refusal(member, room_id))[0]


async def _refusal(member: Member, room_id: int) -> tuple[int, str]:
    """A second socket of the member knocks at the room: the close code and the reason."""
    import websockets

    intruder = Member(member.base, member.cookie, member.name)
    with pytest.raises(websockets.ConnectionClosed):
        await intruder.enter(room_id)
    return intruder.closed_with, intruder.replies.get("enter") or ""


async def test_in_self_selection_people_choose_by_entering_and_a_full_room_says_so(live):
    cid, rooms = conference_id(live), live.rooms()
    narrative, strategy = rooms[NARRATIVE], rooms[STRATEGY]
    live.set_room(narrative, capacity=1)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    ben = await Member.join(live.base, MYK, "Ben")
    for member in (anna, ben):
        await member.attend(cid)
    await to_breakout_item(live, olga)
    assert await olga.act("open_breakout", mode="self", minutes="30") is None

    # Nobody is placed: each is asked to choose, every room offers its places.
    await ben.until(lambda m: "0 von 1 Plätzen" in room_line(m, narrative))
    await ben.until(lambda m: text_of(m, "my-plenary") != "")
    assert my_room(ben) is None
    assert "Wählen Sie selbst einen Raum" in text_of(ben, "my-plenary")
    assert "Diesen Raum wählen" in room_line(ben, narrative)
    # One list of rooms for participants: the tiles (with their descriptions) say it all.
    assert ben.has(f"room-{narrative}") and not ben.has(f"breakout-room-{narrative}")

    # Anna goes into the small room (in a second tab): that is her choice, and it is full.
    anna_in_room = Member(anna.base, anna.cookie, "Anna")
    await anna_in_room.enter(narrative)
    await anna.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{NARRATIVE}")
    await ben.until(lambda m: "1 von 1 Plätzen" in room_line(m, narrative))
    assert "voll" in room_line(ben, narrative)
    assert "Diesen Raum wählen" not in room_line(ben, narrative)
    assert "Diesen Raum wählen" in room_line(ben, strategy)
    code, reason = await _refusal(ben, narrative)
    assert code == 4409
    assert reason.startswith("Dieser Raum ist voll (Plätze: 1)")

    # The choice is final while breakouts run: Anna may come back but not switch, and
    # her place stays hers while she is out.
    await anna_in_room.leave()
    assert await _refusal(anna, strategy) == (
        4409,
        "Ihr Raum für die Breakout-Sessions ist ein anderer. Bitte gehen Sie dorthin.",
    )
    assert (await _refusal(ben, narrative))[0] == 4409
    await anna_in_room.enter(narrative)
    await Member(ben.base, ben.cookie, "Ben").enter(strategy)
    await ben.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    await olga.until(lambda m: "1 von 60 Plätzen" in room_line(m, strategy))

    # The room's moderator is never kept out of a full room.
    mia = await moderator(live, NARRATIVE)
    await mia.enter(narrative)
    await anna_in_room.until(lambda m: len(m.members) == 2)


async def test_a_late_joiner_is_placed_by_the_same_mode_and_a_dropout_returns(live):
    cid = conference_id(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    await to_breakout_item(live, olga)
    assert await olga.act("open_breakout", mode="random", minutes="20") is None
    await anna.until(lambda m: my_room(m) is not None)
    placed = my_room(anna)

    cara = await Member.join(live.base, MYK, "Cara")
    await cara.attend(cid)
    await cara.until(lambda m: my_room(m) is not None)

    await anna.leave()
    again = Member(anna.base, anna.cookie, "Anna")
    await again.attend(cid)
    await again.until(lambda m: my_room(m) is not None)
    assert my_room(again) == placed  # comes back to the same room


async def test_manual_mode_the_organiser_moves_people_and_extends_one_room(live):
    cid, rooms = conference_id(live), live.rooms()
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    await to_breakout_item(live, olga)
    await anna.until(lambda m: m.has("my-plenary"))
    me = anna.find("my-plenary").get("data-me")
    assert await olga.act("open_breakout", mode="manual", minutes="20") is None
    await olga.until(lambda m: "noch keinem Raum" in text_of(m, f"person-{me}"))
    assert "noch keinem Raum" in text_of(olga, f"person-{me}")

    assert await olga.act("move_person", person=me, room=str(rooms[STRATEGY])) is None
    await anna.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    await olga.until(lambda m: "Strategieentwicklung" in text_of(m, f"person-{me}"))

    # On her way from the plenary to the room she is away a moment; in the room, present.
    await anna.leave()
    await olga.until(lambda m: "nicht verbunden" in text_of(m, f"person-{me}"))
    await anna.enter(rooms[STRATEGY])
    await olga.until(lambda m: "nicht verbunden" not in text_of(m, f"person-{me}"))
    before = anna.find("breakout-clock").get("data-deadline-ms")
    assert await olga.act("extend_breakout", room=str(rooms[STRATEGY]), minutes="5") is None
    await anna.until(lambda m: m.find("breakout-clock").get("data-deadline-ms") != before)
    assert int(anna.find("breakout-clock").get("data-deadline-ms")) - int(before) == 5 * 60 * 1000
    assert anna.find("timer").get("data-state") == "off"  # the room's own timer is not touched

    assert await olga.act("close_breakout") is None
    await anna.until(lambda m: m.find("breakout-return").get("data-ended"))


async def test_report_back_shows_each_room_with_its_moderator_and_results(live):
    cid, rooms = conference_id(live), live.rooms()
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    mia = await moderator(live, NARRATIVE)
    await mia.enter(rooms[NARRATIVE])
    assert await mia.act("add_takeaway", text="Geschichten statt Technik") is None
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)

    order = {f"position-{rooms[NARRATIVE]}": "1", f"position-{rooms[STRATEGY]}": "2"}
    assert await olga.act("arrange_report", **order) is None
    await anna.until(lambda m: "Narrative der Smart City" in text_of(m, "report"))
    assert "Geschichten statt Technik" in text_of(anna, "report")
    assert "Moderation: Mia" in text_of(anna, "report")
    assert "Raum 1 von 2" in text_of(anna, "report")
    assert await olga.act("show_report", target="next") is None
    await anna.until(lambda m: "Strategieentwicklung" in text_of(m, "report"))


async def test_a_plan_puts_people_in_its_rooms_and_a_broken_plan_opens_nothing(live):
    cid = conference_id(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna Schmidt")
    ben = await Member.join(live.base, MYK, "Ben")
    for member in (anna, ben):
        await member.attend(cid)
    await to_breakout_item(live, olga)

    broken = f"Name;Raum\nAnna Schmidt;{STRATEGY}\nBen;smart-city\n"
    error = await olga.act("open_breakout", mode="plan", minutes="20", plan=broken)
    assert error.startswith("Der Plan enthält 1 Fehler; es wurde niemand verteilt.")
    assert "Zeile 3: Den Raum „smart-city“ gibt es nicht." in error
    assert olga.find("breakout").find_class("breakout-state")[0].get("data-state") == "none"

    # As Excel writes it: a byte order mark, `;`, CRLF; names in any case and spacing.
    plan = f"\ufeffName;Raum\r\n  anna   SCHMIDT ;{STRATEGY}\r\nben;{NARRATIVE};\r\n"
    assert await olga.act("open_breakout", mode="plan", minutes="20", plan=plan) is None
    await anna.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    await ben.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{NARRATIVE}")
    assert "Nach Plan" in text_of(ben, "breakout")


async def test_report_back_counts_a_clusters_dots_once_beside_loose_cards(live):
    cid = conference_id(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    room, column, mia, anna = await room_with_moderator(live)
    texts = ("Offene Daten", "Ein Datenportal", "Geschichten erzählen")
    for text in texts:
        assert await anna.act("post_card", column=str(column), text=text) is None
    await mia.until(lambda m: len(m.card_ids()) == 3)
    ids = dict(zip(texts, sorted(mia.card_ids()), strict=True))
    cards = f"{ids['Offene Daten']},{ids['Ein Datenportal']}"
    assert await mia.act("group_cards", cards=cards, name="Daten") is None
    assert await mia.act("set_phase", phase="vote") is None
    # The cluster gets 3 dots (2 + 1), the loose card 2.
    for text in ("Offene Daten", "Offene Daten", "Ein Datenportal", "Geschichten erzählen"):
        assert await anna.act("vote", card=str(ids[text])) is None
    assert await mia.act("vote", card=str(ids["Geschichten erzählen"])) is None

    assert await olga.act("arrange_report", **{f"position-{room}": "1"}) is None
    await anna.attend(cid)
    await anna.until(lambda m: "Narrative der Smart City" in text_of(m, "report"))
    (ranked,) = anna.find("report").find_class("report-top")
    top = [" ".join(item.text_content().split()) for item in ranked]
    assert top == ["Daten · 3 Punkte", "Geschichten erzählen · 2 Punkte"]
