"""The lobby's list of rooms is live: whoever enters or leaves a room changes its count
on every open plenary page, organisers included, rendered once for everyone."""

from .bot import Member
from .helpers import MYK, conference_id, organiser, text_of

NARRATIVE, STRATEGY = "narrative-der-smart-city", "strategieentwicklung"


def count_in(member: Member, room_id: int) -> str:
    tile = member.find(f"room-{room_id}")
    return " ".join(tile.find_class("room-count")[0].text_content().split())


async def test_room_counts_in_the_lobby_follow_people_into_and_out_of_rooms(live):
    cid, rooms = conference_id(live), live.rooms()
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)
    assert count_in(anna, rooms[NARRATIVE]) == "0 Personen im Raum"

    ben = await Member.join(live.base, MYK, "Ben")
    cara = await Member.join(live.base, MYK, "Cara")
    await ben.enter(rooms[NARRATIVE])
    await cara.enter(rooms[NARRATIVE])
    await anna.until(lambda m: count_in(m, rooms[NARRATIVE]) == "2 Personen im Raum")
    assert count_in(anna, rooms[STRATEGY]) == "0 Personen im Raum"

    await ben.leave()
    await anna.until(lambda m: count_in(m, rooms[NARRATIVE]) == "1 Person im Raum")

    # An organiser looking into a room is there too.
    olga = await organiser(live)
    await olga.enter(rooms[STRATEGY])
    await anna.until(lambda m: count_in(m, rooms[STRATEGY]) == "1 Person im Raum")
    assert "Raum betreten" in text_of(anna, "rooms")
