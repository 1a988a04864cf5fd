"""The room socket against a real uvicorn: what members of a room see, and what not."""

import asyncio
import json
import re

import httpx2
import pytest
import websockets
from sqlmodel import select

from server.domain import rooms as room_rules
from server.store.database import Database
from server.store.tables import Card, Event

from .bot import Member
from .helpers import MYK


async def _members(live, *names: str) -> list[Member]:
    return [await Member.join(live.base, MYK, name, "Mayen") for name in names]


async def test_posted_card_reaches_every_member_of_the_room_and_no_other_room(live):
    rooms = live.rooms()
    narrative, strategy = rooms["narrative-der-smart-city"], rooms["strategieentwicklung"]
    column = live.columns(narrative)[0]
    anna, ben, carla = await _members(live, "Anna", "Ben", "Carla")
    await anna.enter(narrative)
    await ben.enter(narrative)
    await carla.enter(strategy)

    cid = await anna.post(column, "Bürgerbeteiligung digital und analog")

    await anna.until(lambda m: "Bürgerbeteiligung digital und analog" in m.texts(column))
    await ben.until(lambda m: "Bürgerbeteiligung digital und analog" in m.texts(column))
    await anna.until(lambda m: cid in m.replies)
    assert anna.replies[cid] is None
    with pytest.raises(TimeoutError):
        await carla.until(lambda m: any("Bürgerbeteiligung" in f for f in m.frames), timeout=0.5)


async def test_snapshot_shows_cards_posted_before_joining(live):
    room = live.rooms()["strategieentwicklung"]
    first, second = live.columns(room)[:2]
    anna, ben = await _members(live, "Anna", "Ben")
    await anna.enter(room)
    await anna.post(first, "Leitbild zuerst")
    await anna.post(second, "Maßnahmen priorisieren")
    await anna.until(lambda m: m.texts(second) == ["Maßnahmen priorisieren"])

    await ben.enter(room)

    # The snapshot may be the one Anna got, followed at once by the deltas since.
    def both_cards(member) -> bool:
        return member.texts(first) == ["Leitbild zuerst"] and member.texts(second) == [
            "Maßnahmen priorisieren"
        ]

    await ben.until(both_cards)


async def test_presence_shows_joins_and_leaves_live(live):
    room = live.rooms()["narrative-der-smart-city"]
    anna, ben = await _members(live, "Anna", "Ben")
    await anna.enter(room)
    assert list(anna.members.values()) == ["Anna (Mayen)"]

    await ben.enter(room)
    await anna.until(lambda m: len(m.members) == 2)
    assert "Anna" in ben.members[min(ben.members)]

    await ben.leave()
    await anna.until(lambda m: len(m.members) == 1)


async def test_a_big_room_shows_how_many_and_the_names_on_request(live, monkeypatch):
    monkeypatch.setattr(room_rules, "NAMES_SHOWN_UP_TO", 1)
    room = live.rooms()["narrative-der-smart-city"]
    anna, ben = await _members(live, "Anna", "Ben")
    await anna.enter(room)
    assert list(anna.members.values()) == ["Anna (Mayen)"]

    await ben.enter(room)
    for member in (anna, ben):  # ben's snapshot may be the shared one: a summary follows
        await member.until(lambda m: m.find("members").get("data-names") == "on-request")
        assert member.members == {}
    assert anna.find("presence-count").text == "2 Personen anwesend"
    names = await anna.get(f"/c/{MYK}/rooms/narrative-der-smart-city/members")
    assert names.status_code == 200 and names.headers["cache-control"] == "no-store"
    assert re.findall(r'data-participant="\d+">([^<]+)<', names.text) == ["Anna ", "Ben "]
    assert "2 Namen geladen" in names.text and "remove_member" not in names.text

    await ben.leave()
    await anna.until(lambda m: m.find("members").get("data-names") == "shown")
    assert list(anna.members.values()) == ["Anna (Mayen)"]


async def test_the_names_on_request_are_for_the_conference_only(live):
    (anna,) = await _members(live, "Anna")
    stranger = await anna.get(f"/c/{MYK}/rooms/narrative-der-smart-city/members")
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        nobody = await client.get(f"/c/{MYK}/rooms/narrative-der-smart-city/members")
        nowhere = await client.get(f"/c/{MYK}/rooms/no-such-room/members")
    assert stranger.status_code == 200  # joined: may look, without being in the room
    assert (nobody.status_code, nowhere.status_code) == (403, 404)


async def test_retried_command_applies_once(live):
    room = live.rooms()["narrative-der-smart-city"]
    column = live.columns(room)[0]
    (anna,) = await _members(live, "Anna")
    await anna.enter(room)

    await anna.post(column, "Nur einmal", cid="retry-1")
    await anna.post(column, "Nur einmal", cid="retry-1")
    await anna.until(lambda m: len(m.replies) == 1 and m.texts(column) == ["Nur einmal"])
    await anna.leave()
    await anna.enter(room)
    await anna.post(column, "Nur einmal", cid="retry-1")
    await anna.until(lambda m: "retry-1" in m.replies)

    assert anna.texts(column) == ["Nur einmal"]
    assert _cards(live) == ["Nur einmal"]


async def test_reconnecting_member_converges_to_the_database(live):
    room = live.rooms()["erfolgreiche-akteursnetzwerke"]
    column = live.columns(room)[0]
    anna, ben = await _members(live, "Anna", "Ben")
    await anna.enter(room)
    await ben.enter(room)
    await ben.leave()
    for n in range(5):
        await anna.post(column, f"Idee {n}")
    await anna.until(lambda m: len(m.texts(column)) == 5)

    await ben.enter(room)  # a snapshot, maybe the cached one and the deltas since
    await ben.until(lambda m: len(m.texts(column)) == 5)

    assert ben.texts(column) == [f"Idee {n}" for n in range(5)]
    assert ben.card_ids() == anna.card_ids()


async def test_a_gap_in_the_sequence_is_answered_with_a_snapshot_and_what_came_since(live):
    room = live.rooms()["narrative-der-smart-city"]
    column = live.columns(room)[0]
    anna, ben = await _members(live, "Anna", "Ben")
    await anna.enter(room)
    await ben.enter(room)
    ben.seq -= 1  # pretend ben missed a frame
    seen = len(ben.frames)

    await anna.post(column, "Nach der Lücke")

    await ben.until(lambda m: m.resyncs == 1 and "Nach der Lücke" in m.texts(column))
    kinds = [frame.split()[1] for frame in ben.frames[seen:]]
    assert "snapshot" in kinds[kinds.index("reply") :]  # its resync answered, then a board
    assert ben.texts(column) == ["Nach der Lücke"]


async def test_markup_in_cards_arrives_inert(live):
    room = live.rooms()["narrative-der-smart-city"]
    column = live.columns(room)[0]
    anna, ben = await _members(live, "Anna", "Ben")
    await anna.enter(room)
    await ben.enter(room)

    await anna.post(column, "<script>alert(1)</script><img src=x onerror=alert(2)>")
    await ben.until(lambda m: len(m.texts(column)) == 1)

    delta = ben.frames[-1]
    assert "<script>" not in delta and "<img" not in delta
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in delta
    assert ben.texts(column) == ["<script>alert(1)</script><img src=x onerror=alert(2)>"]


async def test_too_long_card_is_refused_to_its_author_only(live):
    room = live.rooms()["narrative-der-smart-city"]
    column = live.columns(room)[0]
    anna, ben = await _members(live, "Anna", "Ben")
    await anna.enter(room)
    await ben.enter(room)

    cid = await anna.post(column, "x" * 501)
    await anna.until(lambda m: cid in m.replies)

    assert anna.replies[cid] == "Die Idee ist 501 Zeichen lang; erlaubt sind höchstens 500."
    assert _cards(live) == []
    with pytest.raises(TimeoutError):
        await ben.until(lambda m: any("reply" in f for f in m.frames), timeout=0.3)


async def test_unknown_command_gets_a_clear_error(live):
    room = live.rooms()["narrative-der-smart-city"]
    (anna,) = await _members(live, "Anna")
    await anna.enter(room)

    await anna.send({"command": "launch_rocket", "cid": "c1"})
    await anna.socket.send("not json")
    await anna.until(lambda m: "c1" in m.replies)

    assert anna.replies["c1"] == "Diese Nachricht hat der Server nicht verstanden."


async def test_socket_from_a_foreign_origin_is_refused(live):
    (anna,) = await _members(live, "Anna")
    room = live.rooms()["narrative-der-smart-city"]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(
            f"ws://{live.base}/ws/rooms/{room}",
            additional_headers={"Cookie": anna.cookie},
            origin="https://evil.example",
        )
    assert refused.value.response.status_code == 403


async def test_socket_without_joining_is_refused(live):
    room = live.rooms()["narrative-der-smart-city"]
    async with websockets.connect(f"ws://{live.base}/ws/rooms/{room}") as socket:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
    assert closed.value.rcvd.code == 4401


async def test_compression_is_never_negotiated(live):
    (anna,) = await _members(live, "Anna")
    room = live.rooms()["narrative-der-smart-city"]
    async with websockets.connect(
        f"ws://{live.base}/ws/rooms/{room}",
        additional_headers={"Cookie": anna.cookie},
        compression="deflate",
    ) as socket:
        assert "Sec-WebSocket-Extensions" not in socket.response.headers


async def test_full_room_refuses_one_more_but_not_a_second_tab(live, settings):
    from server.store.tables import Room

    room = live.rooms()["narrative-der-smart-city"]
    database = Database(settings.database_url)
    database.run_write(lambda s: setattr(s.get(Room, room), "capacity", 1))
    anna, ben = await _members(live, "Anna", "Ben")
    await anna.enter(room)

    second_tab = Member(anna.base, anna.cookie, "Anna")
    await second_tab.enter(room)
    async with websockets.connect(
        f"ws://{live.base}/ws/rooms/{room}", additional_headers={"Cookie": ben.cookie}
    ) as socket:
        refusal = await asyncio.wait_for(socket.recv(), 5)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
    assert "Dieser Raum ist voll" in refusal
    assert closed.value.rcvd.code == 4409
    database.close()


async def test_events_are_numbered_without_gaps(live, settings):
    room = live.rooms()["narrative-der-smart-city"]
    column = live.columns(room)[0]
    members = await _members(live, "Anna", "Ben", "Carla")
    for member in members:
        await member.enter(room)
    await asyncio.gather(*(m.post(column, f"von {m.name} {n}") for m in members for n in range(5)))
    await members[0].until(lambda m: len(m.texts(column)) == 15)

    database = Database(settings.database_url)
    seqs = database.run_read(
        lambda s: list(s.exec(select(Event.seq).where(Event.room_id == room).order_by(Event.seq)))
    )
    database.close()
    assert seqs == list(range(1, len(seqs) + 1))
    for member in members:
        await member.until(lambda m: len(m.texts(column)) == 15)
        assert member.card_ids() == members[0].card_ids()


def _cards(live) -> list[str]:
    database = Database(live.settings.database_url)
    texts = database.run_read(lambda s: list(s.exec(select(Card.text).order_by(Card.id))))
    database.close()
    return texts


def test_protocol_messages_are_json_objects_with_a_command():
    # The bot speaks the documented shape; keep it honest.
    assert json.loads(json.dumps({"command": "post_card", "cid": "x", "column": "1", "text": "t"}))
