"""The room socket: identify, register with the hub, then turn messages into service calls.

Protocol: docs/protocol.md.
"""

import asyncio
import json
import logging
from contextlib import suppress

from starlette.websockets import WebSocket, WebSocketDisconnect

from ..domain.errors import DomainError
from ..realtime.connection import Audience, Connection
from ..services import board, conferences, presence
from ..store.records import ParticipantRecord, RoomRecord
from . import identity
from .runtime import Runtime, runtime

log = logging.getLogger(__name__)

# Close codes: the 4xxx ones are final; 1013 ("try again later") makes htmx reconnect.
CLOSE_UNKNOWN_ROOM = 4404
CLOSE_NOT_JOINED = 4401
CLOSE_ROOM_FULL = 4409
CLOSE_TOO_SLOW = 1013


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
    connection = Connection(
        websocket.send_text,
        room.id,
        participant.id,
        Audience("participant", language),
        backlog_limit=rt.settings.socket_backlog_bytes,
    )
    try:
        await rt.hub.join(connection)
        await _serve(websocket, rt, connection, participant, room)
    finally:
        connection.drop()
        await rt.hub.leave(connection)
        await presence.leave_room(rt.backends, participant, room)


async def _serve(
    websocket: WebSocket,
    rt: Runtime,
    connection: Connection,
    participant: ParticipantRecord,
    room: RoomRecord,
) -> None:
    """Receive until the browser leaves, or until the hub gives up on a socket too slow."""
    receiver = asyncio.create_task(_receive(websocket, rt, connection, participant, room))
    dropped = asyncio.create_task(connection.dropped.wait())
    done, _ = await asyncio.wait({receiver, dropped}, return_when=asyncio.FIRST_COMPLETED)
    if receiver in done:
        dropped.cancel()
        receiver.result()
        return
    receiver.cancel()
    with suppress(Exception):
        await asyncio.wait_for(websocket.close(code=CLOSE_TOO_SLOW), timeout=1)


async def _receive(
    websocket: WebSocket,
    rt: Runtime,
    connection: Connection,
    participant: ParticipantRecord,
    room: RoomRecord,
) -> None:
    with suppress(WebSocketDisconnect):
        while True:
            text = await websocket.receive_text()
            await _handle(text, rt, connection, participant, room)


async def _handle(
    text: str, rt: Runtime, connection: Connection, participant: ParticipantRecord, room: RoomRecord
) -> None:
    try:
        message = json.loads(text)
        command = message["command"] if isinstance(message, dict) else None
    except (ValueError, KeyError):
        message, command = {}, None
    command_id = str(message.get("cid") or "")[:64]
    if command == "resync":
        rt.hub.resync(connection)
        return
    try:
        if command == "post_card":
            column_id = _int(message.get("column"))
            text_value = str(message.get("text", ""))
            await board.post_card(rt.backends, participant, room, column_id, text_value, command_id)
        else:
            raise DomainError("bad_command")
        error = None
    except DomainError as refused:
        error = refused
    except Exception:
        log.exception("room %s: command %r failed", room.id, command)
        error = DomainError("server")
    connection.deliver(rt.board_renderer.reply(command_id, error, connection.audience.language))


def _int(value: object) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError("unknown_column") from None
