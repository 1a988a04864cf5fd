"""Moderators by invite link; phases and the lock, live for the whole room."""

import httpx2
import pytest

from server.services import invites
from server.store.database import Database

from .bot import Member
from .helpers import MYK, backends_of, invite, moderator, redeem, room_with_moderator


async def test_moderator_moves_the_phase_and_every_member_sees_it(live):
    _, _, mia, anna = await room_with_moderator(live)
    assert 'data-phase="collect"' in anna.frames[0]

    cid = "phase-1"
    await mia.send({"command": "set_phase", "phase": "vote", "cid": cid})

    await anna.until(lambda m: 'data-phase="vote"' in m.frames[-1])
    await mia.until(lambda m: cid in m.replies)
    assert mia.replies[cid] is None
    assert 'id="moderation"' in mia.frames[0]
    assert not any('id="moderation"' in frame for frame in anna.frames)


async def test_no_new_cards_while_voting(live):
    _, column, mia, anna = await room_with_moderator(live)
    await mia.send({"command": "set_phase", "phase": "vote", "cid": "p"})
    await anna.until(lambda m: 'data-phase="vote"' in m.frames[-1])

    cid = await anna.post(column, "Zu spät")
    await anna.until(lambda m: cid in m.replies)

    assert anna.replies[cid] == "In dieser Phase können keine neuen Ideen gepostet werden."
    assert anna.texts(column) == []


async def test_a_locked_board_takes_only_the_moderators_cards(live):
    _, column, mia, anna = await room_with_moderator(live)
    await mia.send({"command": "lock_board", "locked": "yes", "cid": "l"})
    await anna.until(lambda m: 'data-locked="yes"' in m.frames[-1])

    refused = await anna.post(column, "Gesperrt?")
    await mia.post(column, "Zusammenfassung der Moderation")
    await anna.until(lambda m: refused in m.replies and len(m.texts(column)) == 1)

    assert anna.replies[refused] == "Die Moderation hat das Board gesperrt."
    assert anna.texts(column) == ["Zusammenfassung der Moderation"]


@pytest.mark.parametrize(
    "command",
    [{"command": "set_phase", "phase": "vote"}, {"command": "lock_board", "locked": "yes"}],
)
async def test_participants_and_moderators_of_other_rooms_may_not_moderate(live, command):
    room = live.rooms()["narrative-der-smart-city"]
    other_rooms_moderator = await moderator(live, "strategieentwicklung")
    anna = await Member.join(live.base, MYK, "Anna")
    for member in (other_rooms_moderator, anna):
        await member.enter(room)
        await member.send({**command, "cid": "m"})
        await member.until(lambda m: "m" in m.replies)
        assert member.replies["m"] == "Das ist Ihnen in diesem Raum nicht erlaubt."
        assert not any('id="moderation"' in frame for frame in member.frames)
    assert 'data-phase="collect"' in anna.frames[0]
    assert not any('data-phase="vote"' in f or 'data-locked="yes"' in f for f in anna.frames)


async def test_a_revoked_invite_ends_the_moderation(live):
    room = live.rooms()["narrative-der-smart-city"]
    mia = await Member.join(live.base, MYK, "Mia")
    token = invite(live, "narrative-der-smart-city")
    assert await redeem(live, mia, token) == 303
    database = Database(live.settings.database_url)
    invites.revoke(backends_of(database), int(token.split(".")[0]))
    database.close()

    await mia.enter(room)
    await mia.send({"command": "set_phase", "phase": "closed", "cid": "x"})
    await mia.until(lambda m: "x" in m.replies)

    assert mia.replies["x"] == "Das ist Ihnen in diesem Raum nicht erlaubt."
    assert await redeem(live, mia, token) == 404


async def test_a_revoked_moderator_loses_the_controls_on_the_open_page(live):
    room, column, mia, anna = await room_with_moderator(live)
    ben = await Member.join(live.base, MYK, "Ben")
    await ben.enter(room)  # another participant's socket stays as it is
    assert "Mia Moderation" in anna.members.values()
    invite_id = int(invite(live, "strategieentwicklung").split(".")[0]) - 1  # Mia's
    database = Database(live.settings.database_url)
    try:  # as the CLI does, from another process: no bus, the room's next event carries it
        assert invites.revoke(backends_of(database), invite_id).seq is not None
    finally:
        database.close()
    await anna.post(column, "Weiter geht's")

    with pytest.raises(Exception):  # noqa: B017 - the socket closes under Mia
        await mia.until(lambda m: False)
    assert mia.closed_with == 4012  # plenum.js loads the page again: a participant's
    await anna.until(lambda m: "Mia" in m.members.values())
    assert ben.closed_with is None and ben.socket.state.name == "OPEN"

    await mia.enter(room)
    assert 'id="moderation"' not in mia.frames[-1]
    # The shared snapshot's presence may be a second old; the summary after it is not.
    await mia.until(lambda m: "Mia" in m.members.values())


async def test_forged_or_unknown_links_are_refused(live):
    anna = await Member.join(live.base, MYK, "Anna")
    token = invite(live, "narrative-der-smart-city")
    invite_id, secret, signature = token.split(".")
    for bad in (f"{invite_id}.{secret}.{signature[:-2]}xx", f"99.{secret}.{signature}", "nonsense"):
        assert await redeem(live, anna, bad) == 404
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        page = await client.get(f"/c/{MYK}/moderate/nonsense")
    assert page.status_code == 404
    assert "ungültig oder wurde zurückgezogen" in page.text


async def test_invite_page_offers_the_suggested_name_to_a_newcomer(live):
    token = invite(live, "strategieentwicklung", name="Mia Moderatorin")
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        page = await client.get(f"/c/{MYK}/moderate/{token}")
        assert page.status_code == 200
        assert "Strategieentwicklung" in page.text and 'value="Mia Moderatorin"' in page.text
        accepted = await client.post(
            f"/c/{MYK}/moderate/{token}", data={"display_name": "Mia Moderatorin"}
        )
        assert accepted.status_code == 303
        assert accepted.headers["location"] == f"/c/{MYK}/rooms/strategieentwicklung"
        room_page = await client.get(accepted.headers["location"])
    assert 'id="moderation"' in room_page.text and "as-moderator" in room_page.text
