"""The conference's plenary socket (participants, the organiser's dashboard) and the
read-only projector sockets of the plenary and of a room: their doors, and the plenary's
commands. Same frames and the same hub as the room socket (docs/protocol.md, "The
plenary"); what every socket does besides: members.py."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from ..domain.audience import MODERATOR, ORGANISER, PARTICIPANT, PROJECTOR, Audience
from ..domain.errors import DomainError
from ..domain.permissions import Action, Role, is_allowed
from ..services import breakouts, conferences, plenary, projectors
from ..services.backends import Backends
from ..services.change import Applied
from ..store.records import ConferenceRecord, ParticipantRecord
from . import identity
from .members import (
    CLOSE_NOT_JOINED,
    CLOSE_TOO_MANY_SOCKETS,
    CLOSE_UNKNOWN_ROOM,
    Admitted,
    Command,
    Commands,
    Refused,
    let_in,
    live_socket,
    participant_of,
)
from .origin import CLOSE_FORBIDDEN
from .runtime import Runtime
from .streams import SCREEN, dashboard_stream, plenary_stream, room_stream

PLENARY = "plenary"  # everyone joined: counted as in the plenary
DASHBOARD = "dashboard"  # organisers only


class PlenarySocket:
    """`kind`: PLENARY or DASHBOARD."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        await live_socket(websocket, plenary_door if self.kind == PLENARY else dashboard_door)


@dataclass(frozen=True, slots=True)
class PlenaryActor:
    """A participant acting in the plenary (a member without a room): what every plenary
    command's service is called with."""

    backends: Backends
    participant: ParticipantRecord
    conference: ConferenceRecord

    def run(self, service: Callable[..., Awaitable[Applied]], *args, **options):
        return service(self.backends, self.participant, self.conference, *args, **options)


async def _plenary_entry(websocket: WebSocket, rt: Runtime) -> tuple[PlenaryActor, Role, str]:
    conference_id = int(websocket.path_params["conference_id"])
    conference = await plenary.conference_by_id(rt.backends, conference_id)
    if conference is None:
        raise Refused(CLOSE_UNKNOWN_ROOM)
    participant = await participant_of(websocket, rt, conference.id)
    role = await plenary.role(rt.backends, participant, conference.id)
    return PlenaryActor(rt.backends, participant, conference), role, identity.language(websocket)


async def plenary_door(websocket: WebSocket, rt: Runtime) -> Admitted[PlenaryActor]:
    """Everyone joined to the conference; counted as in the plenary while connected;
    refused (4429) when they open sockets too fast or hold `sockets_per_room` open here
    already (members.let_in). A socket of theirs that closed here moments ago and has not
    left yet gives its place to this one (departures.py): they arrived already."""
    conference_id = int(websocket.path_params["conference_id"])
    stream = plenary_stream(conference_id, rt.plenary_renderer)
    # No reads before the door: a cookie names a participant only in a real conference.
    participant_id, release = await let_in(websocket, rt, conference_id, stream.key)
    language = identity.language(websocket)
    limit = rt.settings.sockets_per_room
    departed = rt.departures.take(stream.key, participant_id)
    try:
        participant = await conferences.participant(rt.backends, participant_id)
        if participant is None:
            raise Refused(CLOSE_NOT_JOINED)
        conference = await plenary.conference_by_id(rt.backends, conference_id)
        if conference is None:
            raise Refused(CLOSE_UNKNOWN_ROOM)
        role = await plenary.role(rt.backends, participant, conference.id)
        if departed is None:
            await breakouts.arrive(rt.backends, participant, conference.id, socket_limit=limit)
    except BaseException as error:
        release()
        if departed is not None:
            await departed()
        if not isinstance(error, DomainError) or error.code != "too_many_sockets":
            raise
        reply = rt.room_renderer.refusal(error, language)
        raise Refused(CLOSE_TOO_MANY_SOCKETS, reply, error) from None

    async def leave() -> None:
        await breakouts.depart(rt.backends, participant, conference.id)

    actor = PlenaryActor(rt.backends, participant, conference)
    audience = Audience(_plenary_view(role), language)
    return Admitted(stream, audience, participant.id, actor, PLENARY_COMMANDS, release, leave)


async def dashboard_door(websocket: WebSocket, rt: Runtime) -> Admitted[PlenaryActor]:
    """Organisers only (4403 for anyone else); counted nowhere."""
    actor, role, language = await _plenary_entry(websocket, rt)
    if not is_allowed(role, Action.VIEW_DASHBOARD):
        raise Refused(CLOSE_FORBIDDEN)
    conference = actor.conference
    room_ids = await plenary.room_ids(rt.backends, conference.id)
    stream = dashboard_stream(conference.id, room_ids, rt.plenary_renderer)
    audience = Audience(ORGANISER, language)
    return Admitted(stream, audience, actor.participant.id, actor, PLENARY_COMMANDS)


def _plenary_view(role: Role) -> str:
    return MODERATOR if is_allowed(role, Action.MODERATE_QUESTIONS) else PARTICIPANT


class ProjectorSocket:
    """The plenary on a screen in the hall (`kind` conference) or a room's board on a
    screen in the room (`kind` room): read-only, counted nowhere. The link's signed key
    opens it, not an identity (4401 without one that opens this conference or room)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await live_socket(WebSocket(scope, receive, send), self.door)

    async def door(self, websocket: WebSocket, rt: Runtime) -> Admitted[None]:
        room = self.kind == projectors.ROOM
        ident = int(websocket.path_params["room_id" if room else "conference_id"])
        key = websocket.query_params.get("key")
        if not projectors.opens(rt.projector_signer, key, self.kind, ident):
            raise Refused(CLOSE_NOT_JOINED)
        if room:
            stream = room_stream(ident, rt.room_renderer)
            conference_id = await conferences.conference_of_room(rt.backends, ident)
        else:
            stream = plenary_stream(ident, rt.plenary_renderer)
            conference_id = ident
        # A hall's screen keeps no cookie: it speaks the conference's language.
        conference = await conferences.find_by_id(rt.backends, conference_id or 0)
        fallback = conference.language if conference is not None else None
        audience = Audience(PROJECTOR, identity.language(websocket, fallback))
        return Admitted(stream, audience, SCREEN, None, READ_ONLY)


READ_ONLY: Commands[None] = Commands({})  # only "resync", which every socket understands


# --- Commands of the plenary socket ---


async def _move_agenda(a: PlenaryActor, c: Command) -> Applied:
    return await a.run(plenary.move_agenda, c.text("target"), c.cid)


async def _announce(a: PlenaryActor, c: Command) -> Applied:
    return await a.run(
        plenary.announce,
        c.text(),
        c.text("target"),
        c.message.get("room"),
        c.message.get("minutes"),
        c.cid,
    )


async def _end_announcement(a: PlenaryActor, c: Command) -> Applied:
    ident = c.id("announcement", "unknown_announcement")
    return await a.run(plenary.end_announcement, ident, c.cid)


async def _ask(a: PlenaryActor, c: Command) -> Applied:
    return await a.run(plenary.ask, c.text(), c.cid)


def _vote(withdraw: bool):
    async def handle(a: PlenaryActor, c: Command) -> Applied:
        ident = c.id("question", "unknown_question")
        return await a.run(plenary.vote_question, ident, c.cid, withdraw=withdraw)

    return handle


async def _moderate_question(a: PlenaryActor, c: Command) -> Applied:
    ident = c.id("question", "unknown_question")
    action = c.text("action")
    return await a.run(plenary.moderate_question, ident, action, c.cid)


async def _pre_moderation(a: PlenaryActor, c: Command) -> Applied:
    on = c.flag("on")
    return await a.run(plenary.set_pre_moderation, on, c.cid)


async def _rank(a: PlenaryActor, c: Command) -> Applied:
    value = c.message.get("ranking")
    ranking = value if isinstance(value, list) else [c.text(f"choice-{n}") for n in (1, 2, 3)]
    ranking = [str(slug) for slug in ranking if slug]
    return await a.run(plenary.rank_topics, ranking, c.cid)


async def _open_breakout(a: PlenaryActor, c: Command) -> Applied:
    return await a.run(
        breakouts.open_breakout,
        c.text("mode"),
        c.text("minutes"),
        c.text("plan") or None,
        c.cid,
    )


async def _close_breakout(a: PlenaryActor, c: Command) -> Applied:
    return await breakouts.close_breakout(a.backends, a.participant, a.conference.id, c.cid)


async def _extend(a: PlenaryActor, c: Command) -> Applied:
    return await a.run(
        breakouts.extend,
        c.text("room"),
        c.text("minutes"),
        c.cid,
    )


async def _conduct(a: PlenaryActor, c: Command) -> Applied:
    return await a.run(breakouts.conduct, c.text("phase"), c.cid)


async def _move_person(a: PlenaryActor, c: Command) -> Applied:
    person = c.id("person", "unknown_person")
    return await a.run(breakouts.move_person, person, c.text("room"), c.cid)


async def _arrange_report(a: PlenaryActor, c: Command) -> Applied:
    value = c.message.get("order")
    if isinstance(value, list):
        order = value
    else:
        positions = []
        for key, position in c.message.items():
            if key.startswith("position-") and str(position).strip():
                try:
                    positions.append((int(position), key.removeprefix("position-")))
                except (TypeError, ValueError):
                    raise DomainError("report_unknown_room") from None
        order = [room for _, room in sorted(positions)]
    return await a.run(plenary.arrange_report, order, c.cid)


async def _show_report(a: PlenaryActor, c: Command) -> Applied:
    target = c.text("target")
    return await a.run(plenary.show_report, target, c.cid)


# Those that store new text count under the "post" rate limit.
PLENARY_COMMANDS: Commands[PlenaryActor] = Commands(
    {
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
    },
    posts=frozenset({"ask", "announce"}),
)
