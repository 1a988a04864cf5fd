"""The room socket: its door (who enters the room, as what) and the commands it
understands, each turned into a service call by the member who sent it.

Protocol: docs/protocol.md. What every socket does besides: members.py.
"""

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from ..domain.audience import MODERATOR, PARTICIPANT, Audience
from ..domain.errors import DomainError
from ..domain.permissions import Action, is_allowed
from ..services import board, conferences, curation, moderation, presence, results
from ..services.backends import Backends
from ..services.change import Applied
from ..store.records import ParticipantRecord, RoomRecord
from . import identity
from .members import (
    CLOSE_NOT_JOINED,
    CLOSE_ROOM_FULL,
    CLOSE_TOO_MANY_SOCKETS,
    CLOSE_UNKNOWN_ROOM,
    Admitted,
    Command,
    Commands,
    Handler,
    Refused,
    let_in,
    live_socket,
)
from .runtime import Runtime
from .streams import room_stream


class RoomSocket:
    """The room socket as a plain ASGI app.

    Starlette wraps a function endpoint in two more layers that stay suspended for the
    socket's whole life; a big room holds a thousand of them, so we take the socket as is.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await live_socket(WebSocket(scope, receive, send), room_door)


@dataclass(frozen=True, slots=True)
class RoomActor:
    """A participant acting in a room: what every room command's service is called with."""

    backends: Backends
    participant: ParticipantRecord
    room: RoomRecord

    def run(self, service: Callable[..., Awaitable[Applied]], *args, **options):
        return service(self.backends, self.participant, self.room, *args, **options)


async def room_door(websocket: WebSocket, rt: Runtime) -> Admitted[RoomActor]:
    """A participant of the room's conference enters it (counted as present), as a
    moderator if they moderate it; refused (4429) when they open sockets too fast or hold
    `sockets_per_room` open there already (members.let_in). A socket of theirs that
    closed here moments ago and has not left yet gives its place to this one
    (departures.py)."""
    room_id = int(websocket.path_params["room_id"])
    conference_id = await conferences.conference_of_room(rt.backends, room_id)
    if conference_id is None:
        raise Refused(CLOSE_UNKNOWN_ROOM)
    stream = room_stream(room_id, rt.room_renderer)
    participant_id, release = await let_in(websocket, rt, conference_id, stream.key)
    limit = rt.settings.sockets_per_room
    departed = rt.departures.take(stream.key, participant_id)
    try:
        entered = await presence.enter_room(
            rt.backends, participant_id, room_id, socket_limit=limit, replacing=departed is not None
        )
    except BaseException as error:
        release()
        if departed is not None:
            await departed()
        if not isinstance(error, DomainError):
            raise
        if error.code in ("unknown_room", "not_joined"):
            close = CLOSE_UNKNOWN_ROOM if error.code == "unknown_room" else CLOSE_NOT_JOINED
            raise Refused(close) from None
        code = CLOSE_TOO_MANY_SOCKETS if error.code == "too_many_sockets" else CLOSE_ROOM_FULL
        reply = rt.room_renderer.refusal(error, identity.language(websocket))
        raise Refused(code, reply, error) from None
    participant, room, role = entered.participant, _one_copy(entered.room), entered.role
    view = MODERATOR if is_allowed(role, Action.MODERATE_ROOM) else PARTICIPANT

    async def leave() -> None:
        await presence.leave_room(rt.backends, participant, room)

    actor = RoomActor(rt.backends, participant, room)
    audience = Audience(view, identity.language(websocket))
    return Admitted(stream, audience, participant.id, actor, COMMANDS, release, leave)


@functools.lru_cache(maxsize=1024)
def _one_copy(room: RoomRecord) -> RoomRecord:
    """Equal records of a room as one object: each socket keeps its room for its whole
    life, and every entry reads the room (its description too) anew."""
    return room


def _on_card(service, **fixed) -> Handler[RoomActor]:
    """A command that names one card and nothing else."""

    async def handle(a: RoomActor, c: Command) -> Applied:
        return await a.run(service, c.id("card", "unknown_card"), command_id=c.cid, **fixed)

    return handle


async def _post_card(a: RoomActor, c: Command) -> Applied:
    column = c.id("column", "unknown_column")
    return await a.run(board.post_card, column, c.text(), c.cid)


async def _edit_card(a: RoomActor, c: Command) -> Applied:
    card = c.id("card", "unknown_card")
    return await a.run(board.edit_card, card, c.text(), c.cid)


async def _comment(a: RoomActor, c: Command) -> Applied:
    card = c.id("card", "unknown_card")
    return await a.run(board.add_comment, card, c.text(), c.cid)


async def _highlight(a: RoomActor, c: Command) -> Applied:
    card = c.id("card", "unknown_card")
    flag = c.flag("highlighted")
    return await a.run(curation.highlight, card, flag, c.cid)


async def _set_phase(a: RoomActor, c: Command) -> Applied:
    phase = c.text("phase")
    return await a.run(moderation.change_phase, phase, c.cid)


async def _lock_board(a: RoomActor, c: Command) -> Applied:
    flag = c.flag("locked")
    return await a.run(moderation.lock_board, flag, c.cid)


async def _timer(a: RoomActor, c: Command) -> Applied:
    action, minutes = c.text("action"), c.message.get("minutes")
    return await a.run(moderation.set_timer, action, minutes, c.cid)


async def _move_cards(a: RoomActor, c: Command) -> Applied:
    column = c.id("column", "unknown_column")
    return await a.run(curation.move, c.ids(), column, c.cid)


async def _merge_cards(a: RoomActor, c: Command) -> Applied:
    return await a.run(curation.merge, c.ids(), c.cid)


async def _group_cards(a: RoomActor, c: Command) -> Applied:
    name = c.text("name")
    return await a.run(curation.group, c.ids(), name, c.cid)


async def _cluster_cards(a: RoomActor, c: Command) -> Applied:
    """Into the chosen cluster, or out of any cluster when none is chosen."""
    cluster = c.id("cluster", "unknown_cluster") if c.text("cluster") else None
    ids = c.ids()
    return await a.run(curation.add_to_cluster, ids, cluster, c.cid)


async def _rename_cluster(a: RoomActor, c: Command) -> Applied:
    cluster = c.id("cluster", "unknown_cluster")
    name = c.text("name")
    return await a.run(curation.rename_cluster, cluster, name, c.cid)


async def _ungroup(a: RoomActor, c: Command) -> Applied:
    cluster = c.id("cluster", "unknown_cluster")
    return await a.run(curation.ungroup, cluster, c.cid)


async def _undo(a: RoomActor, c: Command) -> Applied:
    return await a.run(curation.undo, c.cid)


async def _add_takeaway(a: RoomActor, c: Command) -> Applied:
    return await a.run(results.add, c.text(), c.cid)


async def _promote(a: RoomActor, c: Command) -> Applied:
    card = c.id("card", "unknown_card") if c.text("card") else None
    cluster = None if card is not None else c.id("cluster", "unknown_cluster")
    return await a.run(results.promote, card, cluster, c.cid)


async def _edit_takeaway(a: RoomActor, c: Command) -> Applied:
    takeaway = c.id("takeaway", "unknown_takeaway")
    return await a.run(results.edit, takeaway, c.text(), c.cid)


async def _move_takeaway(a: RoomActor, c: Command) -> Applied:
    takeaway = c.id("takeaway", "unknown_takeaway")
    step = 1 if c.text("step") == "down" else -1
    return await a.run(results.move, takeaway, step, c.cid)


async def _remove_takeaway(a: RoomActor, c: Command) -> Applied:
    takeaway = c.id("takeaway", "unknown_takeaway")
    return await a.run(results.remove, takeaway, c.cid)


async def _remove_member(a: RoomActor, c: Command) -> Applied:
    target_id = c.id("participant", "unknown_member")
    target = await conferences.participant(a.backends, target_id)
    return await a.run(moderation.remove_member, target, c.cid)


# Every command a room socket understands (docs/protocol.md lists their fields); those
# that store new text count under the "post" rate limit.
COMMANDS: Commands[RoomActor] = Commands(
    {
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
    },
    posts=frozenset({"post_card", "comment", "add_takeaway"}),
)
