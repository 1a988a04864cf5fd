"""Two clocks in a breakout: a room's own timer is its moderator's facilitation countdown,
the breakout's end is the organiser's, kept per room. Neither changes the other, and only
the breakout's end (or the organiser closing the phase) sends people back."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from .bot import Member
from .helpers import (
    MYK,
    NARRATIVE,
    STRATEGY,
    banners,
    breakout_ends,
    conference_id,
    moderator,
    my_room,
    organiser,
    text_of,
    to_breakout_item,
)

PLAN = f"Anna;{NARRATIVE}\nBen;{STRATEGY}\n"


@pytest.fixture
def settings(settings):
    return replace(settings, breakout_tick_seconds=0.05)


def deadline_ms(member: Member, element_id: str) -> int:
    return int(member.find(element_id).get("data-deadline-ms"))


def minutes_from_now(ms: int) -> float:
    return (ms / 1000 - datetime.now(UTC).timestamp()) / 60


async def _breakout_with_a_moderator(live):
    """Olga opens a 30-minute breakout by plan; Mia moderates Narrative, where Anna is;
    Ben is in Strategieentwicklung. Everyone is in their room."""
    cid, rooms = conference_id(live), live.rooms()
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    mia = await moderator(live, NARRATIVE)
    anna = await Member.join(live.base, MYK, "Anna")
    ben = await Member.join(live.base, MYK, "Ben")
    for member in (anna, ben):
        await member.attend(cid)
    await to_breakout_item(live, olga)
    assert await olga.act("open_breakout", mode="plan", minutes="30", plan=PLAN) is None
    await anna.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{NARRATIVE}")
    await ben.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    for member, slug in ((mia, NARRATIVE), (anna, NARRATIVE), (ben, STRATEGY)):
        await member.enter(rooms[slug])
    return olga, mia, anna, ben, rooms


async def test_a_moderators_timer_runs_out_and_the_room_stays_in_its_breakout(live):
    olga, mia, anna, ben, rooms = await _breakout_with_a_moderator(live)
    narrative, strategy = rooms[NARRATIVE], rooms[STRATEGY]

    # The room counts down to the breakout's end; its own timer is off until Mia starts it.
    assert anna.find("breakout-clock").get("data-state") == "running"
    assert 29 < minutes_from_now(deadline_ms(anna, "breakout-clock")) <= 30
    assert anna.find("timer").get("data-state") == "off"
    assert "Breakout endet in" in text_of(anna, "breakout-clock")
    end = deadline_ms(anna, "breakout-clock")

    # Mia gives the room one minute to write: both clocks show, each with its label.
    assert await mia.act("timer", action="start", minutes="1") is None
    await anna.until(lambda m: m.find("timer").get("data-state") == "running")
    assert 0 < minutes_from_now(deadline_ms(anna, "timer")) <= 1
    assert "Timer:" in text_of(anna, "timer")
    assert deadline_ms(anna, "breakout-clock") == end
    await olga.until(
        lambda m: (
            m.find(f"summary-{narrative}").find_class("room-timer")[0].get("data-state")
            == "running"
        )
    )
    summary = olga.find(f"summary-{narrative}")
    assert int(summary.find_class("time-left")[0].get("data-deadline-ms")) == end

    # Mia's minute is up, and then Strategieentwicklung's breakout ends: that room closes
    # and Ben goes back; Narrative stays open in its breakout, with Anna and Mia in it.
    live.set_room(narrative, timer_deadline=datetime.now(UTC) - timedelta(seconds=1))
    breakout_ends(live, datetime.now(UTC) - timedelta(seconds=1), strategy)
    await ben.until(lambda m: m.find("breakout-return").get("data-ended"))
    assert ben.state().get("data-phase") == "closed"
    await olga.until(lambda m: "geschlossen" in text_of(m, f"breakout-room-{strategy}"))
    assert "geschlossen" not in text_of(olga, f"breakout-room-{narrative}")
    assert olga.find("breakout").find_class("breakout-state")[0].get("data-state") == "running"
    for member in (anna, mia):
        column = live.columns(narrative)[0]
        assert (
            await member.act("post_card", column=str(column), text=f"{member.name} schreibt")
            is None
        )
        assert member.state().get("data-phase") == "collect"
        assert member.find("breakout-return").get("data-ended") == ""
        assert member.find("breakout-clock").get("data-state") == "running"

    # Narrative's own end passes although Mia starts another timer: Anna and Mia go back.
    assert await mia.act("timer", action="start", minutes="10") is None
    breakout_ends(live, datetime.now(UTC) - timedelta(seconds=1), narrative)
    for member in (anna, mia):
        await member.until(lambda m: m.find("breakout-return").get("data-ended"))
        assert member.state().get("data-phase") == "closed"
    await olga.until(lambda m: "geschlossen" in text_of(m, f"breakout-room-{narrative}"))
    assert anna.find("timer").get("data-state") == "off"


async def test_the_organiser_extends_one_room_or_every_room_and_no_timer_moves(live):
    olga, mia, anna, ben, rooms = await _breakout_with_a_moderator(live)
    assert await mia.act("timer", action="start", minutes="5") is None
    for member in (anna, mia):
        await member.until(lambda m: m.find("timer").get("data-state") == "running")
    timer = deadline_ms(anna, "timer")
    narrative_end, strategy_end = (
        deadline_ms(anna, "breakout-clock"),
        deadline_ms(ben, "breakout-clock"),
    )
    await olga.until(lambda m: m.has("breakout-clock"))
    phase_end = deadline_ms(olga, "breakout-clock")

    # One room: only Ben's room ends later, and the plenary's end is its last room's.
    assert await olga.act("extend_breakout", room=str(rooms[STRATEGY]), minutes="5") is None
    await ben.until(lambda m: deadline_ms(m, "breakout-clock") == strategy_end + 5 * 60_000)
    await olga.until(lambda m: deadline_ms(m, "breakout-clock") == strategy_end + 5 * 60_000)
    assert deadline_ms(anna, "breakout-clock") == narrative_end
    assert phase_end == narrative_end

    # Every room: both end five minutes later; Mia's timer stays as she set it.
    assert await olga.act("extend_breakout", room="all", minutes="5") is None
    await anna.until(lambda m: deadline_ms(m, "breakout-clock") == narrative_end + 5 * 60_000)
    await ben.until(lambda m: deadline_ms(m, "breakout-clock") == strategy_end + 10 * 60_000)
    await olga.until(lambda m: deadline_ms(m, "breakout-clock") == strategy_end + 10 * 60_000)
    assert deadline_ms(anna, "timer") == timer

    refused = await olga.act("extend_breakout", room="all", minutes="0")
    assert refused == "Bitte geben Sie eine Dauer von 1 bis 180 Minuten an."


async def test_a_closed_room_shows_no_announcement_for_rooms_and_no_countdown(live):
    olga, mia, anna, ben, rooms = await _breakout_with_a_moderator(live)
    narrative = rooms[NARRATIVE]
    assert await olga.act("announce", text="Noch 10 Minuten", target="rooms") is None
    assert await olga.act("announce", text="Mittagessen ab 13 Uhr", target="everyone") is None
    await anna.until(lambda m: banners(m) == ["Mittagessen ab 13 Uhr", "Noch 10 Minuten"])
    assert await mia.act("timer", action="start", minutes="5") is None
    await anna.until(lambda m: m.find("timer").get("data-state") == "running")

    # The breakout ends for Narrative: what was said to the rooms is over there, and
    # neither clock runs; what was said to everyone still stands.
    breakout_ends(live, datetime.now(UTC) - timedelta(seconds=1), narrative)
    await anna.until(lambda m: m.find("breakout-return").get("data-ended"))
    assert banners(anna) == ["Mittagessen ab 13 Uhr"]
    assert anna.find("timer").get("data-state") == "off"
    assert anna.find("breakout-clock").get("data-state") == "off"

    # So it stays for someone who opens the closed room later, and for a later banner.
    assert await olga.act("announce", text="Noch 5 Minuten", target="rooms") is None
    await ben.until(lambda m: banners(m)[:1] == ["Noch 5 Minuten"])
    later = await Member.join(live.base, MYK, "Cara")
    await later.enter(narrative)
    assert banners(later) == ["Mittagessen ab 13 Uhr"]
    assert later.find("timer").get("data-state") == "off"
    assert later.find("breakout-clock").get("data-state") == "off"
