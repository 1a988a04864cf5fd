"""The conference's plenary socket (participants, the organiser's dashboard) and the
read-only projector sockets of the plenary and of a room. Same frames and the same hub as
the room socket (docs/protocol.md, "The plenary")."""

import logging
from dataclasses import dataclass
from typing import ClassVar

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from ..domain.errors import DomainError
from ..domain.permissions import Action, Role, is_allowed
from ..realtime.connection import MODERATOR, PARTICIPANT, Audience, Connection
from ..realtime.hub import Stream, room_stream
from ..realtime.topics import conference_topic, room_topic
from ..services import breakouts, conferences, plenary, projectors
from ..services.room_change import Applied
from ..store.plenary_view import load_plenary_update
from ..store.records import ConferenceRecord
from ..views.plenary import ORGANISER, PROJECTOR
from . import identity
from .live import CLOSE_NOT_JOINED, CLOSE_UNKNOWN_ROOM, Command, RoomMember
from .origin import CLOSE_FORBIDDEN
from .runtime import Runtime, runtime

log = logging.getLogger(__name__)


# A projector's connection belongs to nobody: no participant, no personal part.
SCREEN = 0


def plenary_stream(rt: Runtime, conference_id: int) -> Stream:
    def load(session, after, with_snapshot, personal_for, touched):
        people = personal_for - {SCREEN}
        return load_plenary_update(session, conference_id, after, with_snapshot, people)

    topic = conference_topic(conference_id)
    return Stream(f"plenary.{conference_id}", topic, load, rt.plenary_renderer)


def dashboard_stream(rt: Runtime, conference_id: int, room_ids: list[int]) -> Stream:
    """The plenary for organisers, woken also by every room's changes (room summaries)."""

    def load(session, after, with_snapshot, personal_for, touched):
        return load_plenary_update(
            session, conference_id, after, with_snapshot, personal_for, touched, dashboard=True
        )

    topic = conference_topic(conference_id)
    watches = tuple(room_topic(room_id) for room_id in room_ids)
    return Stream(f"dashboard.{conference_id}", topic, load, rt.plenary_renderer, watches)


class PlenarySocket:
    """`kind`: "plenary" (everyone joined) or "dashboard" (organisers)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await plenary_socket(WebSocket(scope, receive, send), self.kind)


async def plenary_socket(websocket: WebSocket, kind: str) -> None:
    rt = runtime(websocket)
    await websocket.accept()
    conference_id = int(websocket.path_params["conference_id"])
    conference = await plenary.conference_by_id(rt.backends, conference_id)
    if conference is None:
        await websocket.close(code=CLOSE_UNKNOWN_ROOM)
        return
    pid = identity.participant_id(websocket, conference.id)
    participant = await conferences.participant(rt.backends, pid) if pid else None
    if participant is None:
        await websocket.close(code=CLOSE_NOT_JOINED)
        return
    role = await plenary.role(rt.backends, participant, conference.id)
    language = identity.language(websocket)
    if kind == "dashboard" and not is_allowed(role, Action.VIEW_DASHBOARD):
        await websocket.close(code=CLOSE_FORBIDDEN)
        return
    if kind == "dashboard":
        room_ids = await plenary.room_ids(rt.backends, conference.id)
        stream, view = dashboard_stream(rt, conference.id, room_ids), ORGANISER
    else:
        stream, view = plenary_stream(rt, conference.id), _plenary_view(role)
    connection = Connection(
        websocket.send_text,
        None,
        participant.id,
        Audience(view, language),
        backlog_limit=rt.settings.socket_backlog_bytes,
    )
    counted = kind == "plenary"
    try:
        if counted:
            await breakouts.arrive(rt.backends, participant, conference.id)
        await rt.hub.join(connection, stream)
        await PlenaryMember(websocket, rt, connection, participant, None, conference).serve()
    finally:
        connection.drop()
        await rt.hub.leave(connection)
        if counted:
            await breakouts.depart(rt.backends, participant, conference.id)


def _plenary_view(role: Role) -> str:
    return MODERATOR if is_allowed(role, Action.MODERATE_QUESTIONS) else PARTICIPANT


@dataclass(slots=True)
class PlenaryMember(RoomMember):
    conference: ConferenceRecord | None = None


class ProjectorMember(RoomMember):
    """Read-only: only "resync" is understood."""

    __slots__ = ()
    commands: ClassVar[dict] = {}


class ProjectorSocket:
    """The plenary on a screen in the hall (`kind` conference) or a room's board on a
    screen in the room (`kind` room): read-only, counted nowhere. The link's signed key
    opens it, not an identity (4401 without one that opens this conference or room)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        rt = runtime(websocket)
        await websocket.accept()
        room = self.kind == projectors.ROOM
        ident = int(websocket.path_params["room_id" if room else "conference_id"])
        key = websocket.query_params.get("key")
        if not projectors.opens(rt.projector_signer, key, self.kind, ident):
            await websocket.close(code=CLOSE_NOT_JOINED)
            return
        audience = Audience(PROJECTOR, identity.language(websocket))
        if room:
            stream = room_stream(ident, rt.hub.renderer, rt.hub.room_loader)
        else:
            stream = plenary_stream(rt, ident)
        limit = rt.settings.socket_backlog_bytes
        room_id = ident if room else None
        connection = Connection(websocket.send_text, room_id, SCREEN, audience, backlog_limit=limit)
        try:
            await rt.hub.join(connection, stream)
            await ProjectorMember(websocket, rt, connection, None, None).serve()
        finally:
            connection.drop()
            await rt.hub.leave(connection)


# --- Commands of the plenary socket ---


async def _move_agenda(m: PlenaryMember, c: Command) -> Applied:
    return await plenary.move_agenda(
        m.rt.backends, m.participant, m.conference, c.text("target"), c.cid
    )


async def _announce(m: PlenaryMember, c: Command) -> Applied:
    return await plenary.announce(
        m.rt.backends,
        m.participant,
        m.conference,
        c.text(),
        c.text("target"),
        c.message.get("room"),
        c.message.get("minutes"),
        c.cid,
    )


async def _end_announcement(m: PlenaryMember, c: Command) -> Applied:
    ident = c.id("announcement", "unknown_announcement")
    return await plenary.end_announcement(m.rt.backends, m.participant, m.conference, ident, c.cid)


async def _ask(m: PlenaryMember, c: Command) -> Applied:
    return await plenary.ask(m.rt.backends, m.participant, m.conference, c.text(), c.cid)


def _vote(withdraw: bool):
    async def handle(m: PlenaryMember, c: Command) -> Applied:
        ident = c.id("question", "unknown_question")
        return await plenary.vote_question(
            m.rt.backends, m.participant, m.conference, ident, c.cid, withdraw=withdraw
        )

    return handle


async def _moderate_question(m: PlenaryMember, c: Command) -> Applied:
    ident = c.id("question", "unknown_question")
    action = c.text("action")
    return await plenary.moderate_question(
        m.rt.backends, m.participant, m.conference, ident, action, c.cid
    )


async def _pre_moderation(m: PlenaryMember, c: Command) -> Applied:
    on = c.flag("on")
    return await plenary.set_pre_moderation(m.rt.backends, m.participant, m.conference, on, c.cid)


async def _rank(m: PlenaryMember, c: Command) -> Applied:
    value = c.message.get("ranking")
    ranking = value if isinstance(value, list) else [c.text(f"choice-{n}") for n in (1, 2, 3)]
    ranking = [str(slug) for slug in ranking if slug]
    return await plenary.rank_topics(m.rt.backends, m.participant, m.conference, ranking, c.cid)


async def _open_breakout(m: PlenaryMember, c: Command) -> Applied:
    return await breakouts.open_breakout(
        m.rt.backends,
        m.participant,
        m.conference,
        c.text("mode"),
        c.text("minutes"),
        c.text("plan") or None,
        c.cid,
    )


async def _close_breakout(m: PlenaryMember, c: Command) -> Applied:
    return await breakouts.close_breakout(m.rt.backends, m.participant, m.conference.id, c.cid)


async def _extend(m: PlenaryMember, c: Command) -> Applied:
    return await breakouts.extend(
        m.rt.backends,
        m.participant,
        m.conference,
        c.text("room"),
        c.text("minutes"),
        c.cid,
    )


async def _conduct(m: PlenaryMember, c: Command) -> Applied:
    return await breakouts.conduct(
        m.rt.backends, m.participant, m.conference, c.text("phase"), c.cid
    )


async def _move_person(m: PlenaryMember, c: Command) -> Applied:
    person = c.id("person", "unknown_person")
    return await breakouts.move_person(
        m.rt.backends, m.participant, m.conference, person, c.text("room"), c.cid
    )


async def _arrange_report(m: PlenaryMember, c: Command) -> Applied:
    value = c.message.get("order")
    if isinstance(value, list):
        order = value
    else:
        positions = []
        for key, position in c.message.items():
            if key.startswith("position-") and str(position).strip():
                try:
                    positions.append((int(position), key.removeprefix("position-")))
                except ValueError:
                    raise DomainError("report_unknown_room") from None
        order = [room for _, room in sorted(positions)]
    return await plenary.arrange_report(m.rt.backends, m.participant, m.conference, order, c.cid)


async def _show_report(m: PlenaryMember, c: Command) -> Applied:
    target = c.text("target")
    return await plenary.show_report(m.rt.backends, m.participant, m.conference, target, c.cid)


PlenaryMember.commands = {
    "move_agenda": _move_agenda,
    "announce": _announce,
    "end_announcement": _end_announcement,
    "ask": _ask,
    "vote_question": _vote(False),
    "unvote_question": _vote(True),
    "moderate_question": _moderate_question,
    "qa_pre_moderation": _pre_moderation,
    "rank_topics": _rank,
    "open_breakout": _open_breakout,
    "close_breakout": _close_breakout,
    "extend_breakout": _extend,
    "conduct": _conduct,
    "move_person": _move_person,
    "arrange_report": _arrange_report,
    "show_report": _show_report,
}
