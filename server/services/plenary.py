"""What changes the plenary for everyone: the agenda pointer, banners, Q&A, report-back.

Every command goes through `change.apply`; the domain decides, the store writes.
"""

from ..domain import agenda, announcements, questions, report_back
from ..domain.announcements import Target
from ..domain.breakouts import rank
from ..domain.errors import DomainError
from ..domain.permissions import Action, Role, require
from ..store import announcements as announcement_store
from ..store import plenary as plenary_store
from ..store import questions as question_store
from ..store import rankings
from ..store.conferences import agenda_of, live_rooms
from ..store.conferences import conference_by_id as find_conference
from ..store.plenary_events import PlenaryEventType, touched
from ..store.plenary_records import SECTIONS, MyPlenary, PlenaryView
from ..store.plenary_view import agenda_facts, load_view, room_ids_of
from ..store.plenary_view import mine as my_plenary
from ..store.records import ConferenceRecord, ParticipantRecord
from ..store.room_events import RoomEventType
from ..store.room_live import RoomExtras, extras_of
from .access import role_in_plenary
from .backends import Backends
from .breakouts import breakout_rooms
from .change import Applied, Change, Context, Created, apply


async def move_agenda(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, target: str, cid
) -> Applied:
    def decide(c: Context) -> Change:
        facts = agenda_facts(agenda_of(c.session, conference.id))
        moved = agenda.move_pointer(c.role, facts, c.state.current_item_id, target)
        # The question being discussed belongs to the item that ended.
        plenary_store.change(
            c.session,
            conference.id,
            current_item_id=moved.item_id,
            item_started_at=c.now,
            pinned_question_id=None,
        )
        tell_every_room(c, RoomEventType.PROGRAMME_CHANGED)  # rooms show what runs now
        return Change(
            PlenaryEventType.AGENDA_MOVED, touched(["agenda", "breakout", "qa"], item=moved.item_id)
        )

    return await apply(backends, actor, conference.id, cid, decide)


def _room_ids(c: Context) -> list[int]:
    return [room.id for room in live_rooms(c.session, c.conference_id)]


def tell_every_room(c: Context, type_: RoomEventType) -> None:
    """What the plenary puts into rooms changed: each room's log says so, in this change."""
    for each in _room_ids(c):
        c.tell_room(each, type_)


def _tell_rooms(c: Context, target: Target, room_id: int | None) -> None:
    if target is Target.ROOM:
        c.tell_room(room_id, RoomEventType.ANNOUNCEMENTS_CHANGED)
    else:
        tell_every_room(c, RoomEventType.ANNOUNCEMENTS_CHANGED)


async def announce(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    text: str,
    target: str,
    room: object,
    minutes: object,
    cid,
) -> Applied:
    """A banner for everyone, every room or one room; it reaches exactly those sockets."""

    def decide(c: Context) -> Change:
        try:
            room_id = int(room) if room not in (None, "") else None
        except (TypeError, ValueError):
            room_id = None
        known = frozenset(_room_ids(c))
        made = announcements.announce(c.role, text, target, room_id, known, minutes, c.now)
        new_id = announcement_store.add(c.session, conference.id, c.actor_id, made)
        _tell_rooms(c, made.target, made.room_id)
        created = Created("announcement", new_id)
        return Change(
            PlenaryEventType.ANNOUNCED,
            touched(["announcements"], announcement=new_id),
            created=created,
        )

    return await apply(backends, actor, conference.id, cid, decide)


async def end_announcement(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, ident: int, cid
) -> Applied:
    def decide(c: Context) -> Change:
        banner = announcement_store.get(c.session, conference.id, ident)
        if banner is None:
            raise DomainError("unknown_announcement")
        announcements.end(c.role, banner.ended_at, banner.expires_at, c.now)
        announcement_store.end(c.session, ident)
        _tell_rooms(c, banner.target, banner.room_id)
        return Change(
            PlenaryEventType.ANNOUNCEMENT_ENDED, touched(["announcements"], announcement=ident)
        )

    return await apply(backends, actor, conference.id, cid, decide)


# --- Q&A ---


async def ask(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, text: str, cid
) -> Applied:
    def decide(c: Context) -> Change:
        cleaned, status = questions.ask(c.role, text, c.state.qa_pre_moderation)
        questions.require_room_for_question(
            *question_store.asked(c.session, conference.id, c.actor_id)
        )
        question_id = question_store.add(c.session, conference.id, c.actor_id, cleaned, status)
        notice = "question_waits" if status is questions.Status.PENDING else None
        created = Created("question", question_id)
        return Change(
            PlenaryEventType.QUESTION_ASKED, touched(["qa"]), notice=notice, created=created
        )

    return await apply(backends, actor, conference.id, cid, decide)


async def vote_question(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    ident: int,
    cid,
    withdraw: bool = False,
) -> Applied:
    def decide(c: Context) -> Change:
        question = question_store.facts(c.session, conference.id, ident)
        already = question_store.has_voted(c.session, ident, c.actor_id)
        if withdraw:
            questions.withdraw(c.role, question, already)
            question_store.withdraw(c.session, ident, c.actor_id)
        else:
            questions.vote(c.role, question, already)
            question_store.vote(c.session, ident, c.actor_id)
        return Change(
            PlenaryEventType.QUESTION_VOTED, touched(["qa"], [c.actor_id], question=ident)
        )

    return await apply(backends, actor, conference.id, cid, decide)


async def moderate_question(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    ident: int,
    action: str,
    cid,
) -> Applied:
    def decide(c: Context) -> Change:
        question = question_store.facts(c.session, conference.id, ident)
        done = questions.moderate(c.role, question, action, c.state.pinned_question_id)
        question_store.change(c.session, ident, status=done.status.value, answered=done.answered)
        plenary_store.change(c.session, conference.id, pinned_question_id=done.pinned)
        return Change(
            PlenaryEventType.QUESTION_MODERATED, touched(["qa"], question=ident, action=action)
        )

    return await apply(backends, actor, conference.id, cid, decide)


async def set_pre_moderation(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, on: bool, cid
) -> Applied:
    def decide(c: Context) -> Change:
        require(c.role, Action.MODERATE_QUESTIONS)
        if c.state.qa_pre_moderation == on:
            raise DomainError("setting_unchanged")
        plenary_store.change(c.session, conference.id, qa_pre_moderation=on)
        return Change(PlenaryEventType.QA_SETTINGS, touched(["qa"], pre_moderation=on))

    return await apply(backends, actor, conference.id, cid, decide)


# --- Wishes for the breakout rooms ---


async def rank_topics(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, ranking, cid
) -> Applied:
    def decide(c: Context) -> Change:
        chosen = rank(c.role, ranking, breakout_rooms(c.session, conference.id))
        rankings.save_ranking(c.session, conference.id, c.actor_id, chosen)
        return Change(PlenaryEventType.TOPICS_RANKED, touched(people=[c.actor_id]))

    return await apply(backends, actor, conference.id, cid, decide)


# --- Report-back ---


async def arrange_report(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, order, cid
) -> Applied:
    """Set the order of rooms and show the first."""

    def decide(c: Context) -> Change:
        chosen = report_back.arrange(c.role, _room_ids(c), order)
        plenary_store.change(
            c.session, conference.id, report_order=chosen, report_room_id=chosen[0]
        )
        return Change(PlenaryEventType.REPORT_CHANGED, touched(["report"], room=chosen[0]))

    return await apply(backends, actor, conference.id, cid, decide)


async def show_report(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, target: str, cid
) -> Applied:
    def decide(c: Context) -> Change:
        order = list(c.state.report_order)
        room = report_back.show(c.role, order, c.state.report_room_id, target)
        plenary_store.change(c.session, conference.id, report_room_id=room)
        return Change(PlenaryEventType.REPORT_CHANGED, touched(["report"], room=room))

    return await apply(backends, actor, conference.id, cid, decide)


# --- Reads for the plenary's sockets and pages ---


async def conference_by_id(backends: Backends, conference_id: int) -> ConferenceRecord | None:
    def read(session) -> ConferenceRecord | None:
        return find_conference(session, conference_id)

    return await backends.database.read(read)


async def role(backends: Backends, participant: ParticipantRecord, conference_id: int) -> Role:
    return await backends.database.read(lambda s: role_in_plenary(s, participant, conference_id))


async def room_ids(backends: Backends, conference_id: int) -> list[int]:
    return await backends.database.read(lambda s: room_ids_of(s, conference_id))


async def view(backends: Backends, conference_id: int, dashboard: bool = False) -> PlenaryView:
    """The whole plenary for a page (the socket's first snapshot follows at once)."""

    def read(session) -> PlenaryView:
        return load_view(session, conference_id, set(SECTIONS), dashboard)

    return await backends.database.read(read)


async def mine(backends: Backends, participant: ParticipantRecord) -> MyPlenary:
    def read(session) -> MyPlenary:
        return my_plenary(session, participant.conference_id, [participant.id])[participant.id]

    return await backends.database.read(read)


async def room_extras(backends: Backends, room_id: int) -> RoomExtras:
    return await backends.database.read(lambda s: extras_of(s, room_id))
