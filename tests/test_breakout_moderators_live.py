"""Moderators in breakouts: in every assignment mode whoever moderates a room goes to that
room, takes none of its places and is never moved by the algorithm; the organiser may
still move them on purpose."""

from dataclasses import replace

import pytest

from .bot import Member
from .helpers import (
    MYK,
    NARRATIVE,
    STRATEGY,
    conference_id,
    invite,
    my_room,
    organiser,
    redeem,
    room_line,
    text_of,
    to_breakout_item,
)

MODES = ("self", "random", "manual", "plan", "preference")
NETWORKS = "erfolgreiche-akteursnetzwerke"


@pytest.fixture
def settings(settings):
    return replace(settings, breakout_tick_seconds=0.05)


async def _moderator(live, name: str, room_slug: str) -> Member:
    member = await Member.join(live.base, MYK, name)
    assert await redeem(live, member, invite(live, room_slug, name)) == 303
    return member


def person_row(olga: Member, member: Member) -> str:
    return text_of(olga, f"person-{member.find('my-plenary').get('data-me')}")


@pytest.mark.parametrize("mode", MODES)
async def test_a_moderator_goes_to_the_room_they_moderate_in_every_mode(live, mode):
    # Two places for two participants: had Mia taken one, someone would be left out.
    cid, rooms = conference_id(live), live.rooms()
    for slug, places in ((NARRATIVE, 1), (STRATEGY, 1), (NETWORKS, 0)):
        live.set_room(rooms[slug], capacity=places)
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    mia = await _moderator(live, "Mia", NARRATIVE)
    anna = await Member.join(live.base, MYK, "Anna")
    ben = await Member.join(live.base, MYK, "Ben")
    for member in (mia, anna, ben):
        await member.attend(cid)
    # Mia wishes for, and the plan names her for, another room: neither moves her.
    for member in (mia, anna, ben):
        assert await member.act("rank_topics", **{"choice-1": STRATEGY}) is None
    await to_breakout_item(live, olga)
    plan = f"Mia;{STRATEGY}\nAnna;{NARRATIVE}\n"
    assert await olga.act("open_breakout", mode=mode, minutes="30", plan=plan) is None

    await mia.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{NARRATIVE}")
    assert "Sie moderieren den Raum:" in text_of(mia, "my-plenary")
    await olga.until(lambda m: "Moderation" in person_row(m, mia))
    assert "Narrative der Smart City" in person_row(olga, mia)
    assert "Moderation: Mia" in room_line(olga, rooms[NARRATIVE])
    await mia.enter(rooms[NARRATIVE])

    # The participants take the two places, one of them in Mia's room.
    for member, slug in ((anna, NARRATIVE), (ben, STRATEGY)):
        if mode == "manual":
            me = member.find("my-plenary").get("data-me")
            assert await olga.act("move_person", person=me, room=str(rooms[slug])) is None
        elif mode == "self":
            await Member(member.base, member.cookie, member.name).enter(rooms[slug])
    await anna.until(lambda m: my_room(m) is not None)
    await ben.until(lambda m: my_room(m) is not None)
    here = anna if my_room(anna) == f"/c/{MYK}/rooms/{NARRATIVE}" else ben
    await here.enter(rooms[NARRATIVE])
    await mia.until(lambda m: len(m.members) == 2)
    for slug in (NARRATIVE, STRATEGY):
        await olga.until(lambda m, slug=slug: "1 von 1 Plätzen" in room_line(m, rooms[slug]))
    assert "Moderation: Mia" in room_line(olga, rooms[NARRATIVE])


async def test_a_moderator_arriving_late_is_sent_to_their_room_and_takes_no_place(live):
    cid, rooms = conference_id(live), live.rooms()
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    await to_breakout_item(live, olga)
    assert await olga.act("open_breakout", mode="random", minutes="30") is None
    await anna.until(lambda m: my_room(m) is not None)

    leyla = await _moderator(live, "Leyla", STRATEGY)
    await leyla.attend(cid)
    await leyla.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    await olga.until(lambda m: "Moderation: Leyla" in room_line(m, rooms[STRATEGY]))
    placed = sum("1 von 60" in room_line(olga, room_id) for room_id in rooms.values())
    assert placed == 1  # Anna alone takes a place


async def test_the_organiser_may_move_a_moderator_and_back_into_their_own_room(live):
    cid, rooms = conference_id(live), live.rooms()
    olga = await organiser(live)
    await olga.attend(cid, "dashboard")
    mia = await _moderator(live, "Mia", NARRATIVE)
    await mia.attend(cid)
    await to_breakout_item(live, olga)
    assert await olga.act("open_breakout", mode="manual", minutes="30") is None
    await mia.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{NARRATIVE}")
    await olga.until(lambda m: "Moderation" in person_row(m, mia))
    me = mia.find("my-plenary").get("data-me")
    assert "Wer einen Raum moderiert, geht in diesen Raum" in text_of(olga, "people")

    # Elsewhere on purpose: a participant there, on one of its places.
    assert await olga.act("move_person", person=me, room=str(rooms[STRATEGY])) is None
    await mia.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{STRATEGY}")
    await olga.until(lambda m: "1 von 60 Plätzen" in room_line(m, rooms[STRATEGY]))
    assert "Moderation" not in person_row(olga, mia)
    assert "Moderation: Mia" not in room_line(olga, rooms[NARRATIVE])

    # Back in her own room, outside its places again.
    assert await olga.act("move_person", person=me, room=str(rooms[NARRATIVE])) is None
    await mia.until(lambda m: my_room(m) == f"/c/{MYK}/rooms/{NARRATIVE}")
    await olga.until(lambda m: "0 von 60 Plätzen" in room_line(m, rooms[STRATEGY]))
    assert "0 von 60 Plätzen" in room_line(olga, rooms[NARRATIVE])
    assert "Moderation: Mia" in room_line(olga, rooms[NARRATIVE])
    refused = await olga.act("move_person", person=me, room=str(rooms[NARRATIVE]))
    assert refused.startswith("Diese Person ist bereits im Raum")
