"""Everything the hub needs to bring plenary sockets up to date, in one read.

Each plenary event's payload names the sections it touched and the people whose own
part changed, so a batch of events becomes an update without knowing each command.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from ..domain.agenda import Item as AgendaFacts
from ..domain.agenda import minutes_late, next_item, slot_of
from . import announcements, breakouts, plenary, plenary_presence, presence, questions, rankings
from .boards import load_board
from .conferences import _conference_record, agenda_of, live_rooms, load_lobby
from .events import plenary_log
from .plenary_events import PlenaryEvent
from .plenary_records import (
    SECTIONS,
    AgendaNow,
    BreakoutRecord,
    MyPlenary,
    PersonRecord,
    PlenaryUpdate,
    PlenaryView,
    QARecord,
    ReportRecord,
    RoomSummary,
    TopVoted,
)
from .presence import count_present, moderator_present
from .records import AgendaRecord, RoomRecord
from .rooms import room_state
from .tables import (
    Card,
    Comment,
    Conference,
    Participant,
    Vote,
)


def load_plenary_update(
    session: Session,
    conference_id: int,
    after_seq: int | None,
    with_snapshot: bool,
    personal_for: frozenset[int],
    touched_topics: frozenset[str] = frozenset(),
    dashboard: bool = False,
) -> PlenaryUpdate:
    events = (
        [PlenaryEvent.decode(*row) for row in plenary_log.after(session, conference_id, after_seq)]
        if after_seq is not None
        else []
    )
    seq = events[-1].seq if events else plenary_log.last_seq(session, conference_id)
    sections: set[str] = set()
    people: set[int] = set(personal_for)
    for event in events:
        sections |= event.effects.sections
        people |= event.effects.people
    wanted = set(SECTIONS) if with_snapshot else sections
    view = load_view(session, conference_id, wanted, dashboard and with_snapshot, seq)
    touched_rooms = [int(t.split(".")[1]) for t in touched_topics if t.startswith("room.")]
    return PlenaryUpdate(
        seq=seq,
        first_seq=events[0].seq if events else seq + 1,
        sections=frozenset(sections),
        view=view,
        snapshot=view if with_snapshot else None,
        personal=mine(session, conference_id, people) if people else {},
        summaries=summaries(session, conference_id, touched_rooms) if touched_rooms else [],
    )


def load_view(
    session: Session,
    conference_id: int,
    sections: set[str],
    with_summaries: bool = False,
    seq: int = 0,
) -> PlenaryView:
    conference = session.get(Conference, conference_id)
    record = _conference_record(conference)
    lobby = load_lobby(session, record)
    state = plenary.state(session, conference_id)
    found: dict = {}
    if "agenda" in sections:
        found["agenda"] = _agenda(lobby.agenda, state, conference.timezone)
    if "announcements" in sections:
        found["announcements"] = announcements.active(session, conference_id, everywhere=True)
    if sections & {"breakout", "people", "rooms"}:
        found["breakout"] = _breakout(session, conference_id)
    if "people" in sections:
        found["people"] = _people(session, conference_id, found["breakout"])
    if "qa" in sections:
        found["qa"] = QARecord(
            questions.all_of(session, conference_id),
            state.pinned_question_id,
            state.qa_pre_moderation,
        )
    if "report" in sections:
        found["report"] = _report(session, lobby.rooms, state)
    if with_summaries:
        found["summaries"] = summaries(session, conference_id, [r.id for r in lobby.rooms])
    return PlenaryView(conference=record, rooms=lobby.rooms, seq=seq, **found)


def programme(session: Session, conference_id: int) -> tuple[AgendaNow, list[RoomRecord]]:
    """The programme as it runs now and the conference's rooms, as a room shows them."""
    timezone = session.get(Conference, conference_id).timezone
    state = plenary.state(session, conference_id)
    agenda = _agenda(agenda_of(session, conference_id), state, timezone)
    return agenda, live_rooms(session, conference_id)


def agenda_facts(items: list[AgendaRecord]) -> list[AgendaFacts]:
    """The programme as the agenda's rules see it."""
    return [AgendaFacts(i.id, i.start, i.end, i.kind, i.day, i.track) for i in items]


def _agenda(items: list[AgendaRecord], state, timezone: str) -> AgendaNow:
    facts = agenda_facts(items)
    following = next_item(facts, state.current_item_id)
    current = next((i for i in items if i.id == state.current_item_id), None)
    late = 0
    if current is not None and state.item_started_at is not None:
        started = state.item_started_at.astimezone(ZoneInfo(timezone))
        late = minutes_late(current.start, started)
    return AgendaNow(
        items,
        state.current_item_id,
        following.id if following else None,
        late,
        _others(facts, state.current_item_id),
        _others(facts, following.id) if following else (),
    )


def _others(facts: list[AgendaFacts], item_id: int | None) -> tuple[int, ...]:
    return tuple(item.id for item in slot_of(facts, item_id) if item.id != item_id)


def _breakout(session: Session, conference_id: int) -> BreakoutRecord | None:
    row = breakouts.newest(session, conference_id)
    if row is None:
        return None
    return BreakoutRecord(
        id=row.id,
        mode=row.mode,
        opened_at=_aware(row.opened_at),
        deadline=_aware(row.deadline),
        closed_at=_aware(row.closed_at),
        assigned=breakouts.assigned_counts(session, row.id),
        closed_rooms=breakouts.closed_rooms(session, row.id),
        moderators=_moderators_in_rooms(session, conference_id, row.id),
    )


def _moderators_in_rooms(session: Session, conference_id: int, breakout_id: int):
    """room id -> names of those who moderate it and go there (not moved elsewhere)."""
    going = breakouts.destinations(session, conference_id, breakout_id)
    moderated = presence.moderated_rooms(session, conference_id)
    names = plenary_presence.names(session, moderated)
    found: dict[int, list[str]] = {}
    for pid in sorted(moderated):
        if going.get(pid) == moderated[pid]:
            found.setdefault(moderated[pid], []).append(names[pid][0])
    return found


def _people(session: Session, conference_id: int, breakout) -> list[PersonRecord]:
    """Here now, or placed in the running phase; moderators in the room they moderate."""
    is_open = breakout is not None and breakout.open
    going = breakouts.destinations(session, conference_id, breakout.id) if is_open else {}
    placed = breakouts.assignment(session, breakout.id) if is_open else {}
    moderated = presence.moderated_rooms(session, conference_id) if is_open else {}
    here = plenary_presence.people_here(session, conference_id)
    present = {pid for pid, _, _ in here}
    away = sorted(set(placed) - present)
    named = plenary_presence.names(session, away)
    listed = [(pid, name, org, True) for pid, name, org in here]
    listed += [(pid, *named[pid], False) for pid in away]
    return [
        PersonRecord(
            pid,
            name,
            org,
            going.get(pid),
            is_present,
            moderating=pid in moderated and going.get(pid) == moderated[pid],
        )
        for pid, name, org, is_present in listed
    ]


def _report(session: Session, rooms, state) -> ReportRecord:
    by_id = {room.id: room for room in rooms}
    order = [by_id[i] for i in state.report_order if i in by_id]
    current = by_id.get(state.report_room_id)
    if current is None:
        return ReportRecord(order, None)
    board = load_board(session, current.id, 0)
    return ReportRecord(
        order, current, board.takeaways, _top_voted(board), _moderators(session, current.id)
    )


def _top_voted(board, count: int = 5) -> list[TopVoted]:
    """Clusters with their cards' dots, and cards outside clusters, ranked together: a
    card in a cluster counts in the cluster only, so no dot shows twice."""
    ranked = []
    for column in board.columns:
        for cluster in column.clusters:
            votes = sum(c.votes for c in cluster.cards if c.status == "visible")
            ranked.append((-votes, 0, cluster.id, TopVoted(cluster.name, votes, cluster=True)))
        for card in column.cards:
            if card.status == "visible":
                ranked.append((-card.votes, 1, card.id, TopVoted(card.text, card.votes, False)))
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked if entry[3].votes > 0][:count]


def _moderators(session: Session, room_id: int) -> list[str]:
    """Who moderated, by their names in the room (the plenary saw them there)."""
    moderation = presence.moderation_of(session, room_id)
    names = plenary_presence.names(session, moderation.participants)
    return [names[pid][0] for pid in moderation.participants] or moderation.planned


def mine(session: Session, conference_id: int, people: Iterable[int]) -> dict[int, MyPlenary]:
    ids = list(people)
    breakout = breakouts.newest(session, conference_id)
    is_open = breakout is not None and breakout.closed_at is None
    going = breakouts.destinations(session, conference_id, breakout.id) if is_open else {}
    moderated = presence.moderated_rooms(session, conference_id) if going else {}
    rooms = {room.id: room for room in live_rooms(session, conference_id)} if going else {}
    voted = questions.voted_by(session, conference_id, ids)
    slug = session.get(Conference, conference_id).slug
    # Wishes until breakouts first open, from those who may be placed (not organisers).
    choices = tuple(live_rooms(session, conference_id)) if breakout is None else ()
    organisers = _organisers(session, ids) if choices else set()
    return {
        pid: MyPlenary(
            participant_id=pid,
            conference_slug=slug,
            breakout_id=breakout.id if breakout else None,
            breakout_open=is_open,
            breakout_mode=breakout.mode if breakout else None,
            room=rooms.get(going.get(pid)),
            voted=frozenset(voted[pid]),
            ranking=rankings.ranking_of(session, conference_id, pid),
            choices=() if pid in organisers else choices,
            moderating=pid in moderated and going.get(pid) == moderated[pid],
        )
        for pid in ids
    }


def _organisers(session: Session, ids: list[int]) -> set[int]:
    rows = session.exec(
        select(Participant.id).where(Participant.id.in_(ids), Participant.organiser_id.is_not(None))
    )
    return set(rows.all())


def summaries(session: Session, conference_id: int, room_ids: list[int]) -> list[RoomSummary]:
    """The dashboard's line for each of these rooms."""
    rooms = [r for r in live_rooms(session, conference_id) if r.id in set(room_ids)]
    breakout = breakouts.running(session, conference_id)
    assigned = breakouts.assigned_counts(session, breakout.id) if breakout else {}
    ends = breakouts.room_ends(session, breakout.id) if breakout else {}
    slug = session.get(Conference, conference_id).slug
    found = []
    for room in rooms:
        state = room_state(session, room.id)
        found.append(
            RoomSummary(
                room=room,
                path=f"/c/{slug}/rooms/{room.slug}",
                present=count_present(session, room.id),
                cards=_count(session, Card, room.id, Card.status == "visible"),
                votes=_count(session, Vote, room.id),
                phase=state.phase.value,
                breakout_end=ends.get(room.id),
                timer=state.timer,
                moderator_present=moderator_present(session, room.id),
                last_contribution=_last_contribution(session, room.id),
                assigned=assigned.get(room.id, 0) if breakout else None,
            )
        )
    return found


def _count(session: Session, table, room_id: int, *conditions) -> int:
    return session.exec(
        select(func.count()).select_from(table).where(table.room_id == room_id, *conditions)
    ).one()


def _last_contribution(session: Session, room_id: int) -> datetime | None:
    moments = [
        session.exec(select(func.max(Card.created_at)).where(Card.room_id == room_id)).one(),
        session.exec(select(func.max(Comment.created_at)).where(Comment.room_id == room_id)).one(),
        session.exec(select(func.max(Vote.created_at)).where(Vote.room_id == room_id)).one(),
    ]
    known = [_aware(m) for m in moments if m is not None]
    return max(known) if known else None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def room_ids_of(session: Session, conference_id: int) -> list[int]:
    return [room.id for room in live_rooms(session, conference_id)]


def people_of(session: Session, conference_id: int) -> list[PersonRecord]:
    """Who the organiser may place: here now, or placed in the running phase."""
    return _people(session, conference_id, _breakout(session, conference_id))
