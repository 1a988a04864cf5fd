"""What every live socket does, whatever it follows: admission, following its stream,
turning messages into commands and answering each, leaving.

A socket kind (room, plenary, dashboard, projector) only says how it lets someone in:
its door returns an `Admitted` or raises `Refused`. Protocol: docs/protocol.md.
"""

import asyncio
import functools
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from starlette.types import Message
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..domain.audience import MODERATOR, ORGANISER, PROJECTOR, Audience
from ..domain.errors import DomainError
from ..realtime.connection import REMOVED, Connection
from ..realtime.hub import Stream
from ..services import conferences
from ..services.change import Applied
from ..socket_protocol import WRITE_TEXT
from ..store.records import ParticipantRecord
from ..views.frames import is_command_id
from . import identity, signin
from .departures import Leave
from .runtime import Runtime, runtime

log = logging.getLogger(__name__)

# Close codes: the 4xxx ones are final; 1013 (too slow) and 1012 (server restarting),
# sent when the hub drops a socket (realtime/connection.py), make clients reconnect.
CLOSE_UNKNOWN_ROOM = 4404  # also: an unknown conference
CLOSE_NOT_JOINED = 4401  # also: a projector key that does not open this
CLOSE_ROOM_FULL = 4409  # also: removed from the room by its moderator
CLOSE_TOO_MANY_SOCKETS = 4429  # this participant holds Settings.sockets_per_room open there
# A frame the server does not read closes the socket with the WebSocket code that says
# why, and one line in the log. Binary frames are ours to refuse; a message past
# ws_max_size the WebSocket layer closes with 1009 before we see it (we log it), a text
# frame that is not UTF-8 with 1007 (uvicorn logs it).
CLOSE_NOT_TEXT = 1003
CLOSE_TOO_BIG = 1009

# The rate limits (Settings.rate_limits) a message counts under.
POST = "post"  # a participant's command that stores new text
COMMAND = "command"  # any other message of a participant or a projector
MODERATE = "moderate"  # every message of a moderator or organiser
SOCKET = "socket"  # a participant opening a room or plenary socket
# How long a socket is not read after a message was refused for its rate limit.
PAUSE_WHEN_LIMITED_SECONDS = 0.25
# How long a socket refused with 4429 waits for its handshake's answer and refusal, at
# random: a script piling up sockets a few dozen at a time is slowed down, its batches
# arriving spread out, so the handshakes it makes the server parse (about a millisecond
# each) do not crowd out the room. One tab too many hears it a second later; a socket
# opened faster than the "socket" rate limit allows waits up to when it could have been
# let in, but at most REFUSAL_HOLD_MAX_SECONDS (below the 10 s that client libraries
# such as websockets give a handshake by default), so a script that keeps trying is down
# to a batch every few seconds. At most REFUSALS_HELD_MAX wait at a time: one that does
# not wait for answers is refused at once, and cannot pile up waiting sockets instead.
REFUSE_SOCKETS_AFTER_SECONDS = (0.5, 1.5)
REFUSAL_HOLD_MAX_SECONDS = 8.0
REFUSALS_HELD_MAX = 256

A = TypeVar("A")  # who acts on a socket: a room's member, a plenary's, or nobody


@dataclass(frozen=True, slots=True)
class Command:
    """A message from the browser: htmx sends form fields as top-level JSON keys."""

    message: dict
    cid: str | None

    def text(self, key: str = "text") -> str:
        """A form field's text; a value no form sends (a list, an object) counts as none."""
        value = self.message.get(key, "")
        return str(value) if isinstance(value, str | int | float) else ""

    def id(self, key: str, error_code: str) -> int:
        found = _id(self.message.get(key))
        if found is None:
            raise DomainError(error_code)
        return found

    def ids(self, key: str = "cards") -> list[int]:
        """Card ids, as a list or a comma-separated string (the moderator's selection)."""
        value = self.message.get(key)
        parts = value if isinstance(value, list) else self.text(key).split(",")
        ids = [_id(part) for part in parts if not isinstance(part, str) or part.strip()]
        if None in ids:
            raise DomainError("unknown_card")
        if not ids:
            raise DomainError("no_cards_selected")
        return list(dict.fromkeys(ids))[:200]

    def flag(self, key: str) -> bool:
        return self.message.get(key) in ("yes", True, "true", "on")


def _id(value: object) -> int | None:
    """An id as the element ids carry it (`card-42`: 42 or "42"); None for anything else,
    numbers past what the database holds included."""
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        return None
    return value


Handler = Callable[[A, Command], Awaitable[Applied | None]]


@dataclass(frozen=True, slots=True)
class Commands(Generic[A]):
    """What a socket kind understands: a handler per command, and which of them store new
    text (cards, comments, questions, ...): those count under the "post" rate limit."""

    handlers: Mapping[str, Handler[A]]
    posts: frozenset[str] = frozenset()

    def rule(self, command: object) -> str:
        return POST if isinstance(command, str) and command in self.posts else COMMAND


def _nothing() -> None:
    return None


@dataclass(slots=True)
class Admitted(Generic[A]):
    """Someone let in: what their socket follows, who acts on it and with which commands,
    and how to undo what letting them in did: `release` the socket they hold (at once),
    `leave` their presence (after the departure grace, unless they come straight back:
    departures.py)."""

    stream: Stream
    audience: Audience
    participant_id: int
    actor: A
    commands: Commands[A]
    release: Callable[[], None] = field(default=_nothing)
    leave: Leave | None = None


class Refused(Exception):
    """Not let in: the socket closes with `code`, after `reply` when there is one;
    `error` is why, when the participant was told."""

    def __init__(
        self, code: int, reply: str | None = None, error: DomainError | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        self.reply = reply
        self.error = error

    def hold_seconds(self) -> float:
        """How long the socket waits for its refusal (REFUSE_SOCKETS_AFTER_SECONDS)."""
        if self.code != CLOSE_TOO_MANY_SOCKETS:
            return 0.0
        if self.error is not None and self.error.code == "rate_limited":
            wait = min(float(self.error.params["seconds"]), REFUSAL_HOLD_MAX_SECONDS)
            return random.uniform(max(wait / 2, REFUSE_SOCKETS_AFTER_SECONDS[0]), wait)
        return random.uniform(*REFUSE_SOCKETS_AFTER_SECONDS)


refusals_waiting = 0  # refused sockets of this process waiting for their refusal now


Door = Callable[[WebSocket, Runtime], Awaitable[Admitted]]


async def participant_of(
    websocket: WebSocket, rt: Runtime, conference_id: int
) -> ParticipantRecord:
    """Who this socket's cookie names in this conference (4401 for nobody)."""
    pid = await signin.participant_id(websocket, conference_id)
    participant = await conferences.participant(rt.backends, pid) if pid else None
    if participant is None:
        raise Refused(CLOSE_NOT_JOINED)
    return participant


async def let_in(
    websocket: WebSocket, rt: Runtime, conference_id: int, stream_key: str
) -> tuple[int, Callable[[], None]]:
    """The participant id this socket's cookie names in the conference (4401 for none),
    holding one of their sockets on the stream; `release` lets it go again. The door
    reads who they are, in the transaction that enters them where it can.

    Refused (4429) when they open sockets faster than the "socket" rate limit allows or
    already hold `sockets_per_room` here: both are checked before the database is asked
    anything about them, so a pile of sockets from one person costs a handshake each.
    """
    pid = await signin.participant_id(websocket, conference_id)
    if pid is None:
        raise Refused(CLOSE_NOT_JOINED)
    try:
        (await rt.limits.hit(SOCKET, "participant", pid)).raise_if_refused()
        release = rt.hub.hold(stream_key, pid, rt.settings.sockets_per_room)
    except DomainError as error:
        reply = rt.room_renderer.refusal(error, identity.language(websocket))
        raise Refused(CLOSE_TOO_MANY_SOCKETS, reply, error) from None
    return pid, release


async def admit(websocket: WebSocket, rt: Runtime, door: Door) -> Admitted | None:
    """Let the socket's door decide, then accept it; None once it is closed with the
    reason.

    The door decides before the handshake is answered, so a refused socket held for its
    refusal costs nothing more until the hold ends: a pile of them answers (accept,
    reply, close) spread over the hold rather than all at once. Accepted before it is
    refused, though: a refused handshake looks like a network error to the browser,
    which would retry forever; a 44xx close code tells it to stop.
    """
    try:
        admitted = await door(websocket, rt)
    except Refused as refused:
        await hold_refused(refused.hold_seconds())
        await websocket.accept()
        if refused.reply is not None:
            await websocket.send_text(refused.reply)
        await websocket.close(code=refused.code)
        return None
    try:
        await websocket.accept()
    except BaseException:
        _undo(rt, admitted)  # gone before the answer: as if it had left at once
        raise
    return admitted


async def hold_refused(seconds: float) -> None:
    """Wait `seconds` before a refusal, unless REFUSALS_HELD_MAX sockets wait already."""
    global refusals_waiting
    if seconds <= 0 or refusals_waiting >= REFUSALS_HELD_MAX:
        return
    refusals_waiting += 1
    try:
        await asyncio.sleep(seconds)
    finally:
        refusals_waiting -= 1


# The scope key under which the app's outermost layer (app.Plenum) offers to serve an
# admitted socket itself, once the middleware is done with it: a list to put the rest of
# the socket's life in.
SERVE_AFTER_ADMISSION = "plenum.serve_after_admission"


async def live_socket(websocket: WebSocket, door: Door) -> None:
    """A socket's whole life: admitted, it follows its stream and is served until it
    leaves or is dropped; then it leaves the hub and whatever its door entered.

    Admission needs the middleware (sessions, the origin check); serving does not, and a
    socket served inside it would keep each layer's coroutine suspended for its whole
    life, per socket. So where the app offers it, the serving is handed out and runs
    once the middleware has returned.
    """
    rt = runtime(websocket)
    admitted = await admit(websocket, rt, door)
    if admitted is None:
        return
    after = websocket.scope.get(SERVE_AFTER_ADMISSION)
    if after is not None:
        after.append(functools.partial(_serve, websocket, rt, admitted))
    else:
        await _serve(websocket, rt, admitted)


async def _serve(websocket: WebSocket, rt: Runtime, admitted: Admitted) -> None:
    # Admitted, the socket's handshake headers and session are read no more (a browser
    # sends a dozen headers, a kilobyte or two, kept per socket for its life otherwise).
    websocket.scope["headers"] = ()
    websocket.scope["session"] = {}
    connection = Connection(
        websocket.send_text,
        admitted.participant_id,
        admitted.audience,
        backlog_limit=rt.settings.socket_backlog_bytes,
        write=websocket.scope.get("extensions", {}).get(WRITE_TEXT),
    )
    try:
        await rt.hub.join(connection, admitted.stream)
        await Member(websocket, rt, connection, admitted.actor, admitted.commands).serve()
    finally:
        connection.drop()
        await rt.hub.leave(connection)
        if admitted.leave is not None and connection.close_with == REMOVED:
            admitted.release()
            await admitted.leave()  # put out by a moderator: gone for good, at once
        else:
            _undo(rt, admitted)


def _undo(rt: Runtime, admitted: Admitted) -> None:
    """Let go of the socket's hold, and of its presence once the departure grace is over."""
    admitted.release()
    if admitted.leave is not None:
        rt.departures.later(admitted.stream.key, admitted.participant_id, admitted.leave)


@dataclass(slots=True)
class Member(Generic[A]):
    """One open socket, from registration to goodbye."""

    websocket: WebSocket
    rt: Runtime
    connection: Connection
    actor: A
    commands: Commands[A]

    async def serve(self) -> None:
        """Receive until the browser leaves, or until the hub drops the socket (too slow,
        or the server is shutting down).

        Receiving happens in this (uvicorn's) task: a task per socket for it would cost
        memory on every connection, while dropping a slow one is rare.
        """
        task = asyncio.current_task()
        busy = False

        def stop_receiving() -> None:
            if not busy:  # a command under way finishes; the loop then sees the drop
                task.cancel()

        self.connection.on_drop = stop_receiving
        try:
            while not self.connection.dropped:
                # Starlette's receive, not a helper coroutine: a thousand idle sockets
                # wait here, and every coroutine in the chain is kept per socket.
                message = await self.websocket.receive()
                text = _text(message)
                busy = True
                limited = await self.handle(text)
                busy = False
                if limited:
                    # Not read for a moment: a script flooding refused messages then
                    # waits in its own buffers and costs the server a few replies a
                    # second, not thousands; a person's next message waits unnoticed.
                    await asyncio.sleep(PAUSE_WHEN_LIMITED_SECONDS)
        except WebSocketDisconnect as gone:
            if gone.code == CLOSE_TOO_BIG:
                log.warning("%s: closed %d, %s", self.connection.stream, gone.code, gone.reason)
            return
        except Unreadable as unreadable:
            code, reason = unreadable.args
            log.warning("%s: closed %d, %s", self.connection.stream, code, reason)
            with suppress(Exception):
                await self.websocket.close(code, reason)
            return
        except asyncio.CancelledError:
            if not self.connection.dropped:
                raise
            task.uncancel()
        finally:
            self.connection.on_drop = None  # leaving must not cancel the clean-up
        with suppress(Exception):
            code, reason = self.connection.close_with  # too slow, or the server restarts
            await asyncio.wait_for(self.websocket.close(code, reason), timeout=1)

    async def handle(self, text: str) -> bool:
        """Apply one message and answer it: every message gets exactly one reply. True
        when it was refused for its sender's rate limit."""
        message = _read(text)
        cid = message.get("cid") if message is not None else None
        command_id = cid if is_command_id(cid) else None
        applied, error = None, None
        try:
            await self.count(message)
            if message is None or (cid not in (None, "") and command_id is None):
                raise DomainError("bad_command")  # no command id to answer: not applied
            applied = await self.apply(message, command_id)
        except DomainError as refused:
            error = refused
        except Exception:
            command = message.get("command") if message is not None else None
            log.exception("%s: command %r failed", self.connection.stream, command)
            error = DomainError("server")
        renderer = self.rt.room_renderer
        language = self.connection.audience.language
        notice = applied.notice if applied is not None else None
        created = applied.created if applied is not None else None
        self.connection.deliver(renderer.reply(command_id, error, language, notice, created))
        return error is not None and error.code == "rate_limited"

    async def apply(self, message: dict, command_id: str | None) -> Applied | None:
        command = message.get("command")
        if command == "resync":
            # Its reply goes out now; the socket's next numbered frame is the snapshot.
            self.rt.hub.resync(self.connection)
            return None
        handler = self.commands.handlers.get(command) if isinstance(command, str) else None
        if handler is None:
            raise DomainError("bad_command")
        return await handler(self.actor, Command(message, command_id))

    async def count(self, message: dict | None) -> None:
        """Every message counts against its sender's rate limit, resync and unreadable
        ones too; past it, the message is refused with the wait and nothing is applied.

        Moderators and organisers have a rule of their own, far above what curating in a
        hurry takes. A projector has no person behind it: its address counts instead.
        """
        view = self.connection.audience.view
        if view in (MODERATOR, ORGANISER):
            rule = MODERATE
        else:
            rule = self.commands.rule(message.get("command") if message is not None else None)
        if view == PROJECTOR:
            key = ("address", self.websocket.client.host if self.websocket.client else "")
        else:
            key = ("participant", self.connection.participant_id)
        (await self.rt.limits.hit(rule, *key)).raise_if_refused()


class Unreadable(Exception):
    """A frame this server does not read: the socket closes with (code, reason)."""


def _text(message: Message) -> str:
    """A received message's text."""
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message["code"], message.get("reason"))
    text = message.get("text")
    if text is None:
        raise Unreadable(CLOSE_NOT_TEXT, "text frames only")
    return text


def _read(text: str) -> dict | None:
    """A message is a JSON object; anything else (nested past the parser's depth too)
    is answered as not understood."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return message if isinstance(message, dict) else None
