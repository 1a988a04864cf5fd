"""Frames no client of the protocol sends: each ends with a close code that says why (or
with the `bad_command` reply the protocol promises), one line in the log and never a
traceback; the server goes on serving everyone else."""

import logging
from pathlib import Path

import pytest
import websockets

from server.cli import MAX_MESSAGE_BYTES
from server.settings import Settings
from server.web.live import COMMANDS
from server.web.plenary_live import PLENARY_COMMANDS

from ..bot import Member
from ..helpers import MYK, conference_id, moderator, organiser
from .settings import with_limits

NESTED = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # The type fuzz below sends a few hundred commands at once.
    return with_limits(tmp_path, command="1000 per minute", moderate="1000 per minute")


def _traceback_free(caplog: pytest.LogCaptureFixture) -> None:
    assert not [record for record in caplog.records if record.exc_info], caplog.text
    assert "Traceback" not in caplog.text


async def _still_serving(live, room_id: int) -> None:
    """A member who comes next gets in and posts as usual."""
    ben = await Member.join(live.base, MYK, "Ben")
    await ben.enter(room_id)
    assert await ben.act("post_card", column=live.columns(room_id)[0], text="Noch da") is None
    await ben.leave()


async def _closed_with(member: Member) -> int | None:
    with pytest.raises(websockets.ConnectionClosed):
        await member.until(lambda m: False, timeout=5)
    return member.closed_with


UNREAD = [(b"\x00\x01", 1003), ("x" * (MAX_MESSAGE_BYTES + 1), 1009)]
UNREAD.append((b'{"command": "resync", "cid": "\xff"}', 1007))  # text, but not UTF-8


async def test_a_frame_the_server_does_not_read_closes_with_its_code_and_one_log_line(live, caplog):
    caplog.set_level(logging.WARNING)
    room_id = live.rooms()["narrative-der-smart-city"]
    for frame, code in UNREAD:
        caplog.clear()
        anna = await Member.join(live.base, MYK, "Anna")
        await anna.enter(room_id)

        await anna.socket.send(frame, text=code == 1007)

        assert await _closed_with(anna) == code
        await _still_serving(live, room_id)
        (line,) = caplog.records  # uvicorn's for 1007, ours for the others
        assert line.levelno == (logging.ERROR if code == 1007 else logging.WARNING)
        _traceback_free(caplog)


async def test_text_that_is_not_a_command_is_answered_and_the_socket_stays(live, caplog):
    room_id = live.rooms()["narrative-der-smart-city"]
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.enter(room_id)
    frames = [NESTED, "[1,2]", '"post_card"', "{", '{"command": [1], "cid": "c-1"}']

    for frame in frames:
        await anna.socket.send(frame)
    await anna.until(lambda m: len([f for f in m.frames if "plenum reply" in f]) == len(frames))

    assert [f.split("-->")[0] for f in anna.frames if "plenum reply" in f] == [
        *["<!--plenum reply * error bad_command"] * 4,
        "<!--plenum reply c-1 error bad_command",
    ]
    assert await anna.act("post_card", column=live.columns(room_id)[0], text="Noch da") is None
    _traceback_free(caplog)


# Each field a command takes, with values no form sends.
FIELDS = [
    *("card", "cards", "column", "text", "name", "cluster", "phase", "locked", "highlighted"),
    *("action", "minutes", "takeaway", "step", "participant", "target", "room", "person"),
    *("announcement", "question", "on", "ranking", "choice-1", "mode", "plan", "order"),
    "position-1",
]
ODD_VALUES = [[[1]], {"a": [1]}, None, 1.5, -1, 10**30, [None], "1,x", ""]


async def test_fields_of_any_type_are_refused_as_input_never_as_a_server_error(live, caplog):
    room_id = live.rooms()["narrative-der-smart-city"]
    mia = await moderator(live)
    await mia.enter(room_id)
    olga = await organiser(live)
    await olga.attend(conference_id(live), "dashboard")

    sent = []
    for member, commands in ((mia, COMMANDS), (olga, PLENARY_COMMANDS)):
        for command in commands.handlers:
            for value in ODD_VALUES:
                fields = dict.fromkeys(FIELDS, value)
                sent.append((member, await member.command(command, **fields)))
    for member, cid in sent:
        await member.until(lambda m, cid=cid: cid in m.replies, timeout=30)

    codes = {member.codes.get(cid) for member, cid in sent}
    assert "server" not in codes and "rate_limited" not in codes
    _traceback_free(caplog)
