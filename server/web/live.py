"""The room socket: identify, register with the hub, then turn messages into service calls.

Protocol: docs/protocol.md.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import ClassVar

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..domain.errors import DomainError
from ..domain.permissions import Action, is_allowed
from ..realtime.connection import MODERATOR, PARTICIPANT, Audience, Connection
from ..services import board, conferences, curation, moderation, presence, results
from ..services.room_change import Applied
from ..store.records import ParticipantRecord, RoomRecord
from ..views.frames import is_command_id
from . import identity
from .runtime import Runtime, runtime

log = logging.getLogger(__name__)

# Close codes: the 4xxx ones are final; 1013 (too slow) and 1012 (server restarting),
# sent when the hub drops a socket (realtime/connection.py), make htmx reconnect.
CLOSE_UNKNOWN_ROOM = 4404
CLOSE_NOT_JOINED = 4401
CLOSE_ROOM_FULL = 4409  # also: removed from the room by its moderator


class RoomSocket:
    """The room socket as a plain ASGI app.

    Starlette wraps a function endpoint in two more layers that stay suspended for the
    socket's whole life; a big room holds a thousand of them, so we take the socket as is.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await room_socket(WebSocket(scope, receive, send))


async def admit_to_room(
    websocket: WebSocket, rt: Runtime, enter: Callable[..., Awaitable[None]]
) -> tuple[RoomRecord, ParticipantRecord, str] | None:
    """Accept a room socket, find its room and participant and let `enter` admit them
    (as a member, or as a projector); None once the socket is closed with the reason."""
    # Accept before refusing: a refused handshake looks like a network error to the
    # browser, which would retry forever; a 44xx close code tells it to stop.
    await websocket.accept()
    room = await conferences.room_by_id(rt.backends, int(websocket.path_params["room_id"]))
    if room is None:
        await websocket.close(code=CLOSE_UNKNOWN_ROOM)
        return None
    pid = identity.participant_id(websocket, room.conference_id)
    participant = await conferences.participant(rt.backends, pid) if pid else None
    if participant is None:
        await websocket.close(code=CLOSE_NOT_JOINED)
        return None
    language = identity.language(websocket)
    try:
        await enter(rt.backends, participant, room)
    except DomainError as error:
        await websocket.send_text(rt.board_renderer.reply("enter", error, language))
        await websocket.close(code=CLOSE_ROOM_FULL)
        return None
    return room, participant, language


async def room_socket(websocket: WebSocket) -> None:
    rt = runtime(websocket)
    admitted = await admit_to_room(websocket, rt, presence.enter_room)
    if admitted is None:
        return
    room, participant, language = admitted
    role = await moderation.role(rt.backends, participant, room)
    view = MODERATOR if is_allowed(role, Action.MODERATE_ROOM) else PARTICIPANT
    connection = Connection(
        websocket.send_text,
        room.id,
        participant.id,
        Audience(view, language),
        backlog_limit=rt.settings.socket_backlog_bytes,
    )
    try:
        await rt.hub.join(connection)
        await RoomMember(websocket, rt, connection, participant, room).serve()
    finally:
        connection.drop()
        await rt.hub.leave(connection)
        await presence.leave_room(rt.backends, participant, room)


@dataclass(slots=True)
class RoomMember:
    """One open room socket of one participant, from registration to goodbye."""

    websocket: WebSocket
    rt: Runtime
    connection: Connection
    participant: ParticipantRecord
    room: RoomRecord | None  # None on the plenary's socket
    commands: ClassVar[dict] = {}  # what this socket understands (set below)

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
                text = await _receive(self.websocket)
                busy = True
                await self.handle(text)
                busy = False
        except WebSocketDisconnect:
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

    async def handle(self, text: str | None) -> None:
        """Apply one message and answer it: every message gets exactly one reply."""
        message = _read(text)
        cid = message.get("cid") if message is not None else None
        command_id = cid if is_command_id(cid) else None
        applied, error = None, None
        try:
            if message is None or (cid not in (None, "") and command_id is None):
                raise DomainError("bad_command")  # no command id to answer: not applied
            applied = await self.apply(message, command_id)
        except DomainError as refused:
            error = refused
        except Exception:
            command = message.get("command") if message is not None else None
            log.exception("%s: command %r failed", self.connection.stream, command)
            error = DomainError("server")
        renderer = self.rt.board_renderer
        language = self.connection.audience.language
        notice = applied.notice if applied is not None else None
        created = applied.created if applied is not None else None
        self.connection.deliver(renderer.reply(command_id, error, language, notice, created))

    async def apply(self, message: dict, command_id: str | None) -> Applied | None:
        command = message.get("command")
        if command == "resync":
            # Its reply goes out now; the socket's next numbered frame is the snapshot.
            self.rt.hub.resync(self.connection)
            return None
        handler = self.commands.get(command) if isinstance(command, str) else None
        if handler is None:
            raise DomainError("bad_command")
        return await handler(self, Command(message, command_id))


async def _receive(websocket: WebSocket) -> str | None:
    """The next message's text; None for a binary message (answered as not understood)."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message["code"], message.get("reason"))
    return message.get("text")


def _read(text: str | None) -> dict | None:
    """A message is a JSON object; anything else is answered as not understood."""
    try:
        message = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


@dataclass(frozen=True, slots=True)
class Command:
    """A message from the browser: htmx sends form fields as top-level JSON keys."""

    message: dict
    cid: str | None

    def text(self, key: str = "text") -> str:
        return str(self.message.get(key, ""))

    def id(self, key: str, error_code: str) -> int:
        try:
            return int(self.message.get(key))
        except (TypeError, ValueError):
            raise DomainError(error_code) from None

    def ids(self, key: str = "cards") -> list[int]:
        """Card ids, as a list or a comma-separated string (the moderator's selection)."""
        value = self.message.get(key)
        parts = value if isinstance(value, list) else str(value or "").split(",")
        try:
            ids = [int(part) for part in parts if str(part).strip()]
        except ValueError:
            raise DomainError("unknown_card") from None
        if not ids:
            raise DomainError("no_cards_selected")
        return list(dict.fromkeys(ids))[:200]

    def flag(self, key: str) -> bool:
        return self.message.get(key) in ("yes", True, "true", "on")


Handler = Callable[[RoomMember, Command], Awaitable[Applied]]


def _on_card(service, **fixed) -> Handler:
    """A command that names one card and nothing else."""

    async def handle(m: RoomMember, c: Command) -> Applied:
        card = c.id("card", "unknown_card")
        return await service(m.rt.backends, m.participant, m.room, card, command_id=c.cid, **fixed)

    return handle


async def _post_card(m: RoomMember, c: Command) -> Applied:
    column = c.id("column", "unknown_column")
    return await board.post_card(m.rt.backends, m.participant, m.room, column, c.text(), c.cid)


async def _edit_card(m: RoomMember, c: Command) -> Applied:
    card = c.id("card", "unknown_card")
    return await board.edit_card(m.rt.backends, m.participant, m.room, card, c.text(), c.cid)


async def _comment(m: RoomMember, c: Command) -> Applied:
    card = c.id("card", "unknown_card")
    return await board.add_comment(m.rt.backends, m.participant, m.room, card, c.text(), c.cid)


async def _highlight(m: RoomMember, c: Command) -> Applied:
    card = c.id("card", "unknown_card")
    flag = c.flag("highlighted")
    return await curation.highlight(m.rt.backends, m.participant, m.room, card, flag, c.cid)


async def _set_phase(m: RoomMember, c: Command) -> Applied:
    phase = c.text("phase")
    return await moderation.change_phase(m.rt.backends, m.participant, m.room, phase, c.cid)


async def _lock_board(m: RoomMember, c: Command) -> Applied:
    flag = c.flag("locked")
    return await moderation.lock_board(m.rt.backends, m.participant, m.room, flag, c.cid)


async def _timer(m: RoomMember, c: Command) -> Applied:
    action, minutes = c.text("action"), c.message.get("minutes")
    return await moderation.set_timer(m.rt.backends, m.participant, m.room, action, minutes, c.cid)


async def _move_cards(m: RoomMember, c: Command) -> Applied:
    column = c.id("column", "unknown_column")
    return await curation.move(m.rt.backends, m.participant, m.room, c.ids(), column, c.cid)


async def _merge_cards(m: RoomMember, c: Command) -> Applied:
    return await curation.merge(m.rt.backends, m.participant, m.room, c.ids(), c.cid)


async def _group_cards(m: RoomMember, c: Command) -> Applied:
    name = c.text("name")
    return await curation.group(m.rt.backends, m.participant, m.room, c.ids(), name, c.cid)


async def _cluster_cards(m: RoomMember, c: Command) -> Applied:
    """Into the chosen cluster, or out of any cluster when none is chosen."""
    cluster = c.id("cluster", "unknown_cluster") if c.text("cluster") else None
    ids = c.ids()
    return await curation.add_to_cluster(m.rt.backends, m.participant, m.room, ids, cluster, c.cid)


async def _rename_cluster(m: RoomMember, c: Command) -> Applied:
    cluster = c.id("cluster", "unknown_cluster")
    name = c.text("name")
    return await curation.rename_cluster(m.rt.backends, m.participant, m.room, cluster, name, c.cid)


async def _ungroup(m: RoomMember, c: Command) -> Applied:
    cluster = c.id("cluster", "unknown_cluster")
    return await curation.ungroup(m.rt.backends, m.participant, m.room, cluster, c.cid)


async def _undo(m: RoomMember, c: Command) -> Applied:
    return await curation.undo(m.rt.backends, m.participant, m.room, c.cid)


async def _add_takeaway(m: RoomMember, c: Command) -> Applied:
    return await results.add(m.rt.backends, m.participant, m.room, c.text(), c.cid)


async def _promote(m: RoomMember, c: Command) -> Applied:
    card = c.id("card", "unknown_card") if c.text("card") else None
    cluster = None if card is not None else c.id("cluster", "unknown_cluster")
    return await results.promote(m.rt.backends, m.participant, m.room, card, cluster, c.cid)


async def _edit_takeaway(m: RoomMember, c: Command) -> Applied:
    takeaway = c.id("takeaway", "unknown_takeaway")
    return await results.edit(m.rt.backends, m.participant, m.room, takeaway, c.text(), c.cid)


async def _move_takeaway(m: RoomMember, c: Command) -> Applied:
    takeaway = c.id("takeaway", "unknown_takeaway")
    step = 1 if c.text("step") == "down" else -1
    return await results.move(m.rt.backends, m.participant, m.room, takeaway, step, c.cid)


async def _remove_takeaway(m: RoomMember, c: Command) -> Applied:
    takeaway = c.id("takeaway", "unknown_takeaway")
    return await results.remove(m.rt.backends, m.participant, m.room, takeaway, c.cid)


async def _remove_member(m: RoomMember, c: Command) -> Applied:
    target_id = c.id("participant", "unknown_member")
    target = await conferences.participant(m.rt.backends, target_id)
    return await moderation.remove_member(m.rt.backends, m.participant, m.room, target, c.cid)


# Every command a room socket understands (docs/protocol.md lists their fields).
COMMANDS: dict[str, Handler] = {
    "post_card": _post_card,
    "edit_card": _edit_card,
    "delete_card": _on_card(board.delete_card),
    "comment": _comment,
    "vote": _on_card(board.vote),
    "unvote": _on_card(board.vote, withdraw=True),
    "hide_card": _on_card(curation.set_status, action="hide"),
    "unhide_card": _on_card(curation.set_status, action="unhide"),
    "approve_card": _on_card(curation.set_status, action="approve"),
    "highlight": _highlight,
    "move_cards": _move_cards,
    "merge_cards": _merge_cards,
    "group_cards": _group_cards,
    "cluster_cards": _cluster_cards,
    "rename_cluster": _rename_cluster,
    "ungroup": _ungroup,
    "undo": _undo,
    "set_phase": _set_phase,
    "lock_board": _lock_board,
    "timer": _timer,
    "add_takeaway": _add_takeaway,
    "promote": _promote,
    "edit_takeaway": _edit_takeaway,
    "move_takeaway": _move_takeaway,
    "remove_takeaway": _remove_takeaway,
    "remove_member": _remove_member,
}
RoomMember.commands = COMMANDS
