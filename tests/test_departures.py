"""A closed socket leaves a few seconds later, unless its person comes straight back: a
reload or a network blip goes unnoticed, a whole room reconnecting writes no leaves."""

import asyncio
import dataclasses

import pytest
from sqlmodel import select

from server.settings import Settings
from server.store.database import Database
from server.store.tables import Participant, PlenaryPresence, Presence
from server.web.departures import Departures

from .bot import Member
from .helpers import MYK, NARRATIVE, conference_id, moderator
from .servers import ServerThread

# --- The waiting departures -----------------------------------------------------------------


async def test_a_departure_runs_after_the_grace_unless_a_new_socket_takes_it():
    departures = Departures(grace_seconds=0.2)
    left: list[str] = []

    def leaving(name: str):
        async def leave() -> None:
            left.append(name)

        return leave

    departures.later("room:1", 7, leaving("first tab"))
    departures.later("room:1", 7, leaving("second tab"))
    departures.later("room:2", 7, leaving("another room"))
    taken = departures.take("room:1", 7)  # the oldest goes to the new socket
    assert departures.take("room:1", 8) is None  # nobody else's
    await asyncio.sleep(0.4)
    assert sorted(left) == ["another room", "second tab"]

    await taken()  # the new socket was refused after all: its caller runs it
    assert left[-1] == "first tab"
    assert departures.take("room:1", 7) is None


async def test_at_shutdown_every_waiting_departure_runs_and_one_that_fails_is_logged(caplog):
    departures = Departures(grace_seconds=60)
    left: list[int] = []

    async def leave() -> None:
        left.append(1)

    async def broken() -> None:
        raise RuntimeError("database gone")

    departures.later("room:1", 7, leave)
    departures.later("room:1", 8, broken)
    await departures.close()
    assert left == [1]
    assert "a departure failed" in caplog.text and "database gone" in caplog.text
    assert departures.take("room:1", 7) is None


# --- On a real server, with the default grace -------------------------------------------------


@pytest.fixture
async def graceful(settings: Settings):
    """The app with a grace long enough to come back in (the tests' own is short)."""
    server = ServerThread(dataclasses.replace(settings, departure_grace_seconds=2.0))
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


def _participant_id(server, display_name: str) -> int:
    database = Database(server.settings.database_url)
    with database.session() as session:
        found = session.exec(
            select(Participant.id).where(Participant.display_name == display_name)
        ).one()
    database.close()
    return found


def _connections(server, table, **key: int) -> int:
    database = Database(server.settings.database_url)
    with database.session() as session:
        conditions = [getattr(table, column) == value for column, value in key.items()]
        row = session.exec(select(table.connections).where(*conditions)).first()
    database.close()
    return row or 0


async def test_a_reload_in_a_room_goes_unnoticed_and_a_real_leave_follows_the_grace(graceful):
    room = graceful.rooms()[NARRATIVE]
    anna = await Member.join(graceful.base, MYK, "Anna", "Mayen")
    ben = await Member.join(graceful.base, MYK, "Ben", "Ulm")
    await anna.enter(room)
    await ben.enter(room)
    await anna.until(lambda m: len(m.members) == 2)
    ben_id = next(pid for pid, name in anna.members.items() if name.startswith("Ben"))

    await ben.leave()  # the page reloads: its socket closes ...
    await ben.enter(room)  # ... and the new page's opens
    await ben.until(lambda m: len(m.members) == 2)
    with pytest.raises(TimeoutError):  # Anna never sees him go
        await anna.until(lambda m: ben_id not in m.members, timeout=3)
    assert _connections(graceful, Presence, room_id=room, participant_id=ben_id) == 1

    await ben.leave()  # now he goes
    await anna.until(lambda m: ben_id not in m.members, timeout=5)
    assert _connections(graceful, Presence, room_id=room, participant_id=ben_id) == 0


async def test_whom_a_moderator_puts_out_is_gone_at_once(graceful):
    room = graceful.rooms()[NARRATIVE]
    mia = await moderator(graceful)
    anna = await Member.join(graceful.base, MYK, "Anna", "Mayen")
    ben = await Member.join(graceful.base, MYK, "Ben", "Ulm")
    for member in (mia, anna, ben):
        await member.enter(room)
    await anna.until(lambda m: len(m.members) == 3)
    ben_id = next(pid for pid, name in anna.members.items() if name.startswith("Ben"))

    assert await mia.act("remove_member", participant=ben_id) is None
    # Within the next presence frame, not after the grace.
    await anna.until(lambda m: ben_id not in m.members, timeout=1.8)
    assert _connections(graceful, Presence, room_id=room, participant_id=ben_id) == 0
    with pytest.raises(Exception):  # noqa: B017 - refused at the door, as before
        await ben.enter(room)


async def test_a_reload_of_the_plenary_keeps_its_place(graceful):
    conference = conference_id(graceful)
    anna = await Member.join(graceful.base, MYK, "Anna", "Mayen")
    await anna.attend(conference)
    anna_id = _participant_id(graceful, "Anna")
    key = {"conference_id": conference, "participant_id": anna_id}
    assert _connections(graceful, PlenaryPresence, **key) == 1

    await anna.leave()
    await anna.attend(conference)
    assert _connections(graceful, PlenaryPresence, **key) == 1  # the new one took its place
    await asyncio.sleep(2.5)  # past the grace: the first socket's departure was taken
    assert _connections(graceful, PlenaryPresence, **key) == 1

    await anna.leave()
    for _ in range(50):
        if _connections(graceful, PlenaryPresence, **key) == 0:
            break
        await asyncio.sleep(0.1)
    assert _connections(graceful, PlenaryPresence, **key) == 0
