"""The room socket: identify, register with the hub, then turn messages into service calls.

Protocol: docs/protocol.md.
"""

import asyncio
import json
import logging
from contextlib import suppress
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..domain.errors import DomainError
from ..domain.permissions import Action, is_allowed
from ..realtime.connection import MODERATOR, PARTICIPANT, Audience, Connection
from ..services import board, conferences, moderation, presence
from ..store.records import ParticipantRecord, RoomRecord
from . import identity
from .runtime import Runtime, runtime

log = logging.getLogger(__name__)

# Close codes: the 4xxx ones are final; 1013 (too slow) and 1012 (server restarting),
# sent when the hub drops a socket (realtime/connection.py), make htmx reconnect.
CLOSE_UNKNOWN_ROOM = 4404
CLOSE_NOT_JOINED = 4401
CLOSE_ROOM_FULL = 4409


class RoomSocket:
    """The room socket as a plain ASGI app.

    Starlette wraps a function endpoint in two more layers that stay suspended for the
    socket's whole life; a big room holds a thousand of them, so we take the socket as is.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await room_socket(WebSocket(scope, receive, send))


async def room_socket(websocket: WebSocket) -> None:
    rt = runtime(websocket)
    # Accept before refusing: a refused handshake looks like a network error to the
    # browser, which would retry forever; a 44xx close code tells it to stop.
    await websocket.accept()
    room = await conferences.room_by_id(rt.backends, int(websocket.path_params["room_id"]))
    if room is None:
        await websocket.close(code=CLOSE_UNKNOWN_ROOM)
        return
    pid = identity.participant_id(websocket, room.conference_id)
    participant = await conferences.participant(rt.backends, pid) if pid else None
    if participant is None:
        await websocket.close(code=CLOSE_NOT_JOINED)
        return
    language = identity.language(websocket)
    try:
        await presence.enter_room(rt.backends, participant, room)
    except DomainError as error:
        await websocket.send_text(rt.board_renderer.reply("enter", error, language))
        await websocket.close(code=CLOSE_ROOM_FULL)
        return
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
    room: RoomRecord

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
                text = await self.websocket.receive_text()
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

    async def handle(self, text: str) -> None:
        try:
            message = json.loads(text)
            command = message["command"] if isinstance(message, dict) else None
        except (ValueError, KeyError):
            message, command = {}, None
        command_id = str(message.get("cid") or "")[:64]
        if command == "resync":
            self.rt.hub.resync(self.connection)
            return
        try:
            await self.apply(command, message, command_id)
            error = None
        except DomainError as refused:
            error = refused
        except Exception:
            log.exception("room %s: command %r failed", self.room.id, command)
            error = DomainError("server")
        reply = self.rt.board_renderer.reply(command_id, error, self.connection.audience.language)
        self.connection.deliver(reply)

    async def apply(self, command: str | None, message: dict, command_id: str) -> None:
        backends = self.rt.backends
        if command == "post_card":
            column_id = _int(message.get("column"), "unknown_column")
            text = str(message.get("text", ""))
            await board.post_card(
                backends, self.participant, self.room, column_id, text, command_id
            )
        elif command == "set_phase":
            phase = str(message.get("phase", ""))
            await moderation.change_phase(backends, self.participant, self.room, phase)
        elif command == "lock_board":
            locked = message.get("locked") in ("yes", True)
            await moderation.lock_board(backends, self.participant, self.room, locked)
        else:
            raise DomainError("bad_command")


def _int(value: object, error_code: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(error_code) from None
