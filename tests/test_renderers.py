"""The renderers on their own: the same update, rendered for each audience.

What an audience may see is decided by the renderer alone, so here is where a leak
would show first: participants and projectors never get a hidden card, the approval
queue or the moderator's controls; a projector gets no forms and no way back; the
organiser's dashboard gets the people and the rooms' summaries.
"""

import re
from datetime import UTC, datetime

from sqlmodel import select

from server.domain.audience import MODERATOR, ORGANISER, PARTICIPANT, PROJECTOR, Audience
from server.domain.board import CardStatus
from server.domain.phases import Phase, RoomState
from server.store.plenary_records import AgendaNow
from server.store.plenary_view import load_plenary_update
from server.store.records import (
    BoardRecord,
    CardRecord,
    ColumnRecord,
    MemberRecord,
    PresenceRecord,
    RoomRecord,
)
from server.store.room_live import RoomExtras, RoomLiveUpdate
from server.store.tables import Conference
from server.views.board import RoomRenderer
from server.views.environment import Views
from server.views.plenary import PlenaryRenderer

from .helpers import MYK

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
STATE = RoomState(Phase.COLLECT, locked=False)
ROOM = RoomRecord(1, 1, "narrative", "Narrative", "Stories we tell", 60, None)
OTHER_ROOM = RoomRecord(2, 1, "strategie", "Strategie", "", 60, None)
AGENDA = AgendaNow([], current_id=None, next_id=None, minutes_late=0)
EXTRAS = RoomExtras([], None, MYK, ROOM.id, AGENDA, [ROOM, OTHER_ROOM], NOW.date())
ENDED = RoomExtras([], 7, MYK, ROOM.id, AGENDA, [ROOM, OTHER_ROOM], NOW.date())
AUDIENCES = {view: Audience(view, "en") for view in (PARTICIPANT, MODERATOR, PROJECTOR)}
WAY_BACK = f'href="/c/{MYK}"'


def card(ident: int, text: str, status: CardStatus = CardStatus.VISIBLE) -> CardRecord:
    return CardRecord(ident, 1, 10, "Ideas", 5, "Anna", None, text, NOW, status=status)


SHOWN = card(1, "Open data portal")
HIDDEN = card(2, "Something rude", CardStatus.HIDDEN)
WAITING = card(3, "Waiting for approval", CardStatus.PENDING)
BOARD = BoardRecord(
    room_id=1,
    seq=4,
    state=STATE,
    room=ROOM,
    columns=[ColumnRecord(10, "ideas", "Ideas", None, cards=[SHOWN, HIDDEN])],
    queue=[WAITING],
    takeaways=[],
    presence=PresenceRecord(1, [MemberRecord(5, "Anna", "Mayen")]),
)


def render_each(render) -> dict[str, str]:
    return {view: render(audience) for view, audience in AUDIENCES.items()}


def test_a_room_snapshot_shows_each_audience_what_it_may_see():
    renderer = RoomRenderer(Views())
    update = RoomLiveUpdate(seq=4, first_seq=5, snapshot=BOARD, state=STATE, extras=EXTRAS)

    frames = render_each(lambda audience: renderer.snapshot(update, audience))

    assert all(frame.startswith("<!--plenum snapshot 4-->") for frame in frames.values())
    assert all("Open data portal" in frame for frame in frames.values())
    assert "Something rude" in frames[MODERATOR]
    assert "Waiting for approval" in frames[MODERATOR]
    assert 'id="moderation"' in frames[MODERATOR]
    for view in (PARTICIPANT, PROJECTOR):
        assert "Something rude" not in frames[view]
        assert "Waiting for approval" not in frames[view]
        assert 'id="moderation"' not in frames[view]
    # A card's buttons submit the page's forms: no card carries a form of its own.
    assert 'form="do-vote" name="card" value="1"' in frames[PARTICIPANT]
    assert 'form="do-hide" name="card" value="1"' in frames[MODERATOR]
    assert 'form="do-hide"' not in frames[PARTICIPANT]
    cards = [re.search(r'<li id="card-1".*?</li>', f, re.DOTALL)[0] for f in frames.values()]
    assert all("<form" not in card for card in cards)
    assert "<button" not in frames[PROJECTOR]
    assert 'id="banners"' in frames[PROJECTOR]  # the plenary's banners come with the board


def test_a_card_hidden_in_a_delta_goes_away_for_participants_and_stays_for_moderators():
    renderer = RoomRenderer(Views())
    update = RoomLiveUpdate(seq=5, first_seq=5, cards=[HIDDEN], state=STATE)

    frames = render_each(lambda audience: renderer.delta(update, audience))

    assert all(frame.startswith("<!--plenum delta 5 5-->") for frame in frames.values())
    assert 'id="card-2"' in frames[MODERATOR]
    for view in (PARTICIPANT, PROJECTOR):
        assert 'id="card-2"' not in frames[view]
        assert 'data-remove="card-2"' in frames[view]
    assert 'id="banners"' not in frames[PARTICIPANT]  # extras unchanged: none sent


def test_the_way_back_after_a_breakout_is_in_the_update_and_not_on_the_projector():
    renderer = RoomRenderer(Views())
    update = RoomLiveUpdate(seq=6, first_seq=6, state=STATE, extras=ENDED)

    frames = render_each(lambda audience: renderer.delta(update, audience))

    assert WAY_BACK in frames[PARTICIPANT] and WAY_BACK in frames[MODERATOR]
    assert WAY_BACK not in frames[PROJECTOR]
    assert 'data-ended="7"' in frames[PROJECTOR]


def test_a_room_has_nothing_outside_its_seq_unless_presence_changed():
    renderer = RoomRenderer(Views())
    update = RoomLiveUpdate(seq=6, first_seq=6, state=STATE)
    assert all(renderer.side(update, audience) == "" for audience in AUDIENCES.values())


def test_presence_comes_outside_the_seq_with_names_for_people_and_nothing_for_projectors():
    renderer = RoomRenderer(Views())
    few = PresenceRecord(2, [MemberRecord(5, "Anna", "Mayen"), MemberRecord(6, "Ben", None)])
    update = RoomLiveUpdate(seq=6, first_seq=6, state=STATE, side_presence=few)

    frames = render_each(lambda audience: renderer.side(update, audience))

    assert frames[PROJECTOR] == ""
    for view in (PARTICIPANT, MODERATOR):
        assert frames[view].startswith("<!--plenum summary-->")
        assert "2 people present" in frames[view]
        assert 'data-names="shown"' in frames[view] and 'id="member-6"' in frames[view]
    assert "remove_member" in frames[MODERATOR] and "remove_member" not in frames[PARTICIPANT]


def test_a_big_room_sends_the_count_and_no_names():
    renderer = RoomRenderer(Views())
    many = PresenceRecord(4000, None)
    update = RoomLiveUpdate(seq=6, first_seq=6, state=STATE, side_presence=many)

    frame = renderer.side(update, AUDIENCES[PARTICIPANT])

    assert "4,000 people present" in frame
    assert 'data-names="on-request"' in frame and 'id="member-' not in frame
    assert len(frame) < 400  # the same few bytes however many are present


def test_the_names_on_request_carry_no_ids_of_the_live_list():
    renderer = RoomRenderer(Views())
    members = [MemberRecord(5, "Anna", "Mayen"), MemberRecord(6, "Ben", None)]

    html = renderer.member_names(members, AUDIENCES[MODERATOR])

    assert 'data-participant="5"' in html and 'data-participant="6"' in html
    assert not re.search(r'id="member-\d', html)  # no clash with #members if the room shrinks
    assert "remove_member" in html
    assert "2 names loaded" in html and 'id="presence-names-status"' in html


def test_the_plenary_snapshot_per_audience(seeded):
    database, _ = seeded
    cid = database.run_read(_conference_id_of(MYK))
    update = database.run_read(lambda s: load_plenary_update(s, cid, None, True, frozenset()))
    renderer = PlenaryRenderer(Views(), RoomRenderer(Views()))
    audiences = {**AUDIENCES, ORGANISER: Audience(ORGANISER, "en")}

    frames = {view: renderer.snapshot(update, a) for view, a in audiences.items()}

    assert all(f.startswith(f"<!--plenum snapshot {update.seq}-->") for f in frames.values())
    assert all('id="agenda"' in frame for frame in frames.values())
    assert 'id="people"' in frames[ORGANISER]
    assert all('id="people"' not in frames[v] for v in (PARTICIPANT, PROJECTOR))
    assert "<form" not in frames[PROJECTOR]
    assert "<form" in frames[PARTICIPANT]


def _conference_id_of(slug: str):
    return lambda session: session.exec(select(Conference.id).where(Conference.slug == slug)).one()
