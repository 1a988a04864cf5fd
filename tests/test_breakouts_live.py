"""Breakouts, live: the organiser opens them by preference, people land in their rooms,
the time runs out, everyone is sent back; late joiners and dropouts; the dashboard follows
every room through the fan-out; report-back shows each room's results."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from .bot import Member
from .conftest import MYK
from .moderated import moderator
from .plenary_helpers import agenda, conference_id, organiser, text_of

NARRATIVE, STRATEGY = "narrative-der-smart-city", "strategieentwicklung"


@pytest.fixture
def settings(settings):
    return replace(settings, breakout_tick_seconds=0.05)


def my_room(member: Member) -> str | None:
    mine = member.find("my-plenary")
    return mine.get("data-href") if mine is not None else None


async def _to_breakout_item(live, olga: Member) -> None:
    item = next(i for i in agenda(live) if i[1] == "breakout")
    assert await olga.act("move_agenda", target=str(item[0])) is None


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
    await _to_breakout_item(live, olga)

    assert await olga.act("open_breakout", mode="preference", minutes="30") is None
    await anna.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    await ben.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{NARRATIVE}")
    assert anna.find("timer").get("data-state") == "running"

    # Each goes to their room; the other room is not theirs while breakouts run.
    assert await _refused_entry(live, anna, rooms[NARRATIVE]) == 4409
    await anna.enter(rooms[STRATEGY])
    await ben.enter(rooms[NARRATIVE])
    assert anna.find("timer").get("data-state") == "running"
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

    # Time is up in every room (as if 30 minutes had passed): rooms close, all go back.
    past = datetime.now(UTC) - timedelta(seconds=1)
    for room_id in rooms.values():
        live.set_room(room_id, timer_deadline=past)
    for member in (anna, ben):
        await member.until(lambda m: m.state().get("data-phase") == "closed")
        await member.until(lambda m: m.find("breakout-return").get("data-ended"))
        assert member.find("breakout-return").get("data-href") == f"/c/{MYK}"
    await olga.until(lambda m: "beendet" in text_of(m, "breakout"))


async def _refused_entry(live, member: Member, room_id: int) -> int:
    import websockets

    intruder = Member(member.base, member.cookie, member.name)
    with pytest.raises(websockets.ConnectionClosed):
        await intruder.enter(room_id)
    return intruder.closed_with


async def test_a_late_joiner_is_placed_by_the_same_mode_and_a_dropout_returns(live):
    cid = conference_id(live)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    await _to_breakout_item(live, olga)
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
    await _to_breakout_item(live, olga)
    await anna.until(lambda m: m.has("my-plenary"))
    me = anna.find("my-plenary").get("data-me")
    assert await olga.act("open_breakout", mode="manual", minutes="20") is None
    await olga.until(lambda m: "noch keinem Raum" in text_of(m, f"person-{me}"))
    assert "noch keinem Raum" in text_of(olga, f"person-{me}")

    assert await olga.act("move_person", person=me, room=str(rooms[STRATEGY])) is None
    await anna.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    await olga.until(lambda m: "Strategieentwicklung" in text_of(m, f"person-{me}"))

    await anna.enter(rooms[STRATEGY])
    before = anna.find("timer").get("data-deadline-ms")
    assert await olga.act("extend_breakout", room=str(rooms[STRATEGY]), minutes="5") is None
    await anna.until(lambda m: m.find("timer").get("data-deadline-ms") != before)
    assert int(anna.find("timer").get("data-deadline-ms")) - int(before) == 5 * 60 * 1000

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
