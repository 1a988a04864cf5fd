"""The room's update loader, one event type at a time: apply the command through its
service, then check what the hub would be handed for the sockets that saw everything
before it. SQLite only: what the loader does with events does not depend on the engine."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import update as set_columns

from server.domain import rooms as room_rules
from server.domain.errors import DomainError
from server.domain.participants import Joining
from server.realtime.topics import presence_topic
from server.services import board, curation, invites, moderation, presence, results
from server.services.backends import Backends
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT
from server.store import boards, conferences, rooms
from server.store.database import Database
from server.store.events import room_log
from server.store.exports import visitors_of
from server.store.records import ParticipantRecord, RoomRecord
from server.store.room_events import RoomEvent, RoomEventType
from server.store.room_live import load_room_live
from server.store.room_updates import load_room_update, room_events_after
from server.store.tables import Room as RoomRow

from .helpers import MYK, NARRATIVE, backends_of

CONFIG = PROJECT_ROOT / "sessions_config"


@dataclass
class Room:
    """A room of the seeded conference with a moderator and two participants."""

    backends: Backends
    room: RoomRecord
    columns: list[int]
    moderator: ParticipantRecord
    anna: ParticipantRecord
    ben: ParticipantRecord
    invite_id: int

    def seq(self) -> int:
        return self.backends.database.run_read(lambda s: room_log.last_seq(s, self.room.id))

    def update_after(self, seq: int, personal_for: frozenset[int] = frozenset()):
        return self.backends.database.run_read(
            lambda s: load_room_update(s, self.room.id, seq, False, personal_for)
        )

    def live_after(self, seq: int, presence_changed: bool = False):
        return self.backends.database.run_read(
            lambda s: load_room_live(s, self.room.id, seq, False, frozenset(), presence_changed)
        )

    def events_after(self, seq: int) -> list[RoomEvent]:
        return self.backends.database.run_read(lambda s: room_events_after(s, self.room.id, seq))

    async def post(self, text: str = "Idee", author: ParticipantRecord | None = None) -> int:
        applied = await board.post_card(
            self.backends, author or self.anna, self.room, self.columns[0], text, None
        )
        return applied.created.id

    async def to_phase(self, phase: str) -> None:
        await moderation.change_phase(self.backends, self.moderator, self.room, phase)


@pytest.fixture
def day(tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 'plenum.db'}")
    database.migrate()
    backends = backends_of(database)
    load_into(backends, [CONFIG / f"{MYK}.yaml"])

    def seed(session) -> Room:
        conference = conferences.conference_by_slug(session, MYK)
        room = conferences.room_by_slug(session, conference.id, NARRATIVE)
        people = [
            conferences.add_participant(session, conference.id, Joining(name, None))
            for name in ("Mia", "Anna", "Ben")
        ]
        invite_id = rooms.add_invite(session, room.id, "Mia", "geheim")
        rooms.grant(session, room.id, people[0].id, invite_id)
        columns = sorted(boards.board_state(session, room.id).column_ids)
        return Room(backends, room, columns, *people, invite_id)

    yield database.run_write(seed)
    database.close()


# --- Cards ---


async def test_a_posted_card_is_shown_and_announced(day):
    seen = day.seq()
    card = await day.post("Mehr Radwege")

    update = day.update_after(seen)
    assert [c.text for c in update.cards] == ["Mehr Radwege"]
    assert update.announce.id == card
    assert (update.first_seq, update.seq) == (seen + 1, seen + 1)
    assert update.snapshot is None and not update.for_everyone


async def test_an_edited_card_is_shown_with_its_new_text(day):
    card = await day.post("Radwege")
    seen = day.seq()
    await board.edit_card(day.backends, day.anna, day.room, card, "Mehr Radwege", None)

    update = day.update_after(seen)
    assert [(c.id, c.text, c.edited) for c in update.cards] == [(card, "Mehr Radwege", True)]
    assert update.announce is None


async def test_a_deleted_card_is_gone_and_its_voters_get_their_dots_back(day):
    card = await day.post()
    await day.to_phase("vote")
    await board.vote(day.backends, day.ben, day.room, card, None)
    await day.to_phase("discuss")
    seen = day.seq()
    await board.delete_card(day.backends, day.anna, day.room, card, None)

    update = day.update_after(seen)
    assert update.gone_cards == [card] and update.cards == []
    assert day.ben.id in update.personal


async def test_a_comment_shows_its_card_again_with_the_comment(day):
    card = await day.post()
    seen = day.seq()
    await board.add_comment(day.backends, day.ben, day.room, card, "Gute Idee", None)

    update = day.update_after(seen)
    assert [[m.text for m in c.comments] for c in update.cards] == [["Gute Idee"]]


@pytest.mark.parametrize("withdraw", [False, True])
async def test_a_vote_changes_only_the_totals_and_the_voters_own_dots(day, withdraw):
    card = await day.post()
    await day.to_phase("vote")
    await board.vote(day.backends, day.ben, day.room, card, None)
    seen = day.seq()
    await board.vote(day.backends, day.ben, day.room, card, None, withdraw=withdraw)

    update = day.update_after(seen)
    assert update.cards == []
    assert update.vote_totals == {card: 0 if withdraw else 2}
    assert list(update.personal) == [day.ben.id]
    assert [e.type for e in day.events_after(seen)] == [
        RoomEventType.VOTE_WITHDRAWN if withdraw else RoomEventType.VOTE_CAST
    ]


# --- The moderator's actions on cards ---


@pytest.mark.parametrize(
    ("action", "event", "status"),
    [
        ("hide", RoomEventType.CARD_HIDDEN, "hidden"),
        ("unhide", RoomEventType.CARD_UNHIDDEN, "visible"),
    ],
)
async def test_hiding_and_unhiding_show_the_card_in_its_new_status(day, action, event, status):
    card = await day.post()
    if action == "unhide":
        await curation.set_status(day.backends, day.moderator, day.room, card, "hide")
    seen = day.seq()
    await curation.set_status(day.backends, day.moderator, day.room, card, action)

    update = day.update_after(seen)
    assert [(c.id, c.status.value) for c in update.cards] == [(card, status)]
    assert [e.type for e in day.events_after(seen)] == [event]


async def test_an_approved_card_is_shown_as_visible(day):
    day.backends.database.run_write(
        lambda s: s.execute(
            set_columns(RoomRow).where(RoomRow.id == day.room.id).values(pre_moderation=True)
        )
    )
    card = await day.post()
    seen = day.seq()
    await curation.set_status(day.backends, day.moderator, day.room, card, "approve")

    update = day.update_after(seen)
    assert [(c.id, c.status.value) for c in update.cards] == [(card, "visible")]
    assert [e.type for e in day.events_after(seen)] == [RoomEventType.CARD_APPROVED]


async def test_a_highlighted_card_is_shown_highlighted(day):
    card = await day.post()
    seen = day.seq()
    await curation.highlight(day.backends, day.moderator, day.room, card, True)

    assert [(c.id, c.highlighted) for c in day.update_after(seen).cards] == [(card, True)]


async def test_a_moved_card_is_shown_in_its_new_column(day):
    card = await day.post()
    seen = day.seq()
    await curation.move(day.backends, day.moderator, day.room, [card], day.columns[1])

    assert [(c.id, c.column_id) for c in day.update_after(seen).cards] == [(card, day.columns[1])]


async def test_merged_cards_are_gone_and_the_card_they_went_into_is_shown(day):
    first = await day.post("Radwege")
    second = await day.post("Fahrradwege", author=day.ben)
    seen = day.seq()
    await curation.merge(day.backends, day.moderator, day.room, [first, second])

    update = day.update_after(seen)
    assert update.gone_cards == [second]
    assert [(c.id, [m.text for m in c.merged]) for c in update.cards] == [(first, ["Fahrradwege"])]


async def test_a_new_cluster_comes_with_its_cards(day):
    cards = [await day.post("A"), await day.post("B")]
    await day.to_phase("cluster")
    seen = day.seq()
    applied = await curation.group(day.backends, day.moderator, day.room, cards, "Verkehr")

    update = day.update_after(seen)
    assert [(c.id, c.name) for c in update.new_clusters] == [(applied.created.id, "Verkehr")]
    assert {c.id: c.cluster_id for c in update.cards} == dict.fromkeys(cards, applied.created.id)


async def test_cards_added_to_a_cluster_and_a_renamed_cluster(day):
    cards = [await day.post("A"), await day.post("B"), await day.post("C")]
    await day.to_phase("cluster")
    cluster = (await curation.group(day.backends, day.moderator, day.room, cards[:2], "V")).created
    seen = day.seq()
    await curation.add_to_cluster(day.backends, day.moderator, day.room, [cards[2]], cluster.id)

    update = day.update_after(seen)
    assert [(c.id, c.cluster_id) for c in update.cards] == [(cards[2], cluster.id)]

    seen = day.seq()
    await curation.rename_cluster(day.backends, day.moderator, day.room, cluster.id, "Verkehr")
    update = day.update_after(seen)
    assert [(c.id, c.name) for c in update.renamed_clusters] == [(cluster.id, "Verkehr")]
    assert update.cards == []


async def test_an_ungrouped_cluster_is_gone_and_its_cards_shown_outside_it(day):
    cards = [await day.post("A"), await day.post("B")]
    await day.to_phase("cluster")
    cluster = (await curation.group(day.backends, day.moderator, day.room, cards, "V")).created
    seen = day.seq()
    await curation.ungroup(day.backends, day.moderator, day.room, cluster.id)

    update = day.update_after(seen)
    assert update.gone_clusters == [cluster.id]
    assert {c.id: c.cluster_id for c in update.cards} == dict.fromkeys(cards)


# --- Undo ---


async def test_undoing_a_merge_brings_the_card_back_with_its_dots(day):
    first = await day.post("Radwege")
    second = await day.post("Fahrradwege", author=day.ben)
    await day.to_phase("vote")
    await board.vote(day.backends, day.anna, day.room, second, None)
    await day.to_phase("discuss")
    await curation.merge(day.backends, day.moderator, day.room, [first, second])
    seen = day.seq()
    await curation.undo(day.backends, day.moderator, day.room)

    update = day.update_after(seen)
    assert update.gone_cards == []
    assert {c.id: c.votes for c in update.cards} == {first: 0, second: 1}
    assert list(update.personal) == [day.anna.id]
    undone = day.events_after(seen)[0]
    assert undone.type == RoomEventType.UNDONE and undone.effects.notes["undid"] == seen


async def test_undo_takes_back_each_action_once_newest_first(day):
    card = await day.post()
    await curation.highlight(day.backends, day.moderator, day.room, card, True)
    await curation.set_status(day.backends, day.moderator, day.room, card, "hide")

    await curation.undo(day.backends, day.moderator, day.room)
    shown = day.update_after(day.seq() - 1).cards
    assert [(c.status.value, c.highlighted) for c in shown] == [("visible", True)]

    await curation.undo(day.backends, day.moderator, day.room)
    shown = day.update_after(day.seq() - 1).cards
    assert [(c.status.value, c.highlighted) for c in shown] == [("visible", False)]

    with pytest.raises(DomainError) as nothing:
        await curation.undo(day.backends, day.moderator, day.room)
    assert nothing.value.code == "nothing_to_undo"


async def test_undoing_a_new_cluster_removes_it(day):
    cards = [await day.post("A"), await day.post("B")]
    await day.to_phase("cluster")
    cluster = (await curation.group(day.backends, day.moderator, day.room, cards, "V")).created
    seen = day.seq()
    await curation.undo(day.backends, day.moderator, day.room)

    update = day.update_after(seen)
    assert update.gone_clusters == [cluster.id]
    assert {c.id: c.cluster_id for c in update.cards} == dict.fromkeys(cards)


# --- Takeaways, the room's state, its members ---


async def test_changed_takeaways_come_along_in_full(day):
    seen = day.seq()
    await results.add(day.backends, day.moderator, day.room, "Radwege bauen")

    update = day.update_after(seen)
    assert [t.text for t in update.takeaways] == ["Radwege bauen"]
    assert update.cards == []


async def test_a_phase_change_is_a_snapshot_for_everyone(day):
    await day.post()
    seen = day.seq()
    await day.to_phase("vote")

    update = day.update_after(seen)
    assert update.for_everyone
    assert update.snapshot.seq == update.seq


async def test_a_locked_board_and_a_timer_show_the_new_state(day):
    seen = day.seq()
    await moderation.lock_board(day.backends, day.moderator, day.room, True)
    update = day.update_after(seen)
    assert update.state_changed and update.state.locked

    seen = day.seq()
    await moderation.set_timer(day.backends, day.moderator, day.room, "start", 5)
    update = day.update_after(seen)
    assert update.state_changed and update.state.timer.running


async def test_coming_and_going_moves_no_seq_and_is_counted_outside_it(day):
    woken: list[str] = []
    await day.backends.broadcast.subscribe(presence_topic(day.room.id), woken.append)
    seen = day.seq()

    await presence.enter_room(day.backends, day.anna.id, day.room.id, socket_limit=8)
    await presence.enter_room(day.backends, day.ben.id, day.room.id, socket_limit=8)
    await presence.enter_room(day.backends, day.ben.id, day.room.id, socket_limit=8)  # a 2nd tab
    await presence.leave_room(day.backends, day.ben, day.room)  # ... closed again

    assert day.seq() == seen  # no delta for anyone
    assert len(woken) == 2  # only who appeared: Anna, Ben
    live = day.live_after(seen, presence_changed=True)
    assert live.side_presence.count == 2
    assert [m.display_name for m in live.side_presence.members] == ["Anna", "Ben"]
    assert day.live_after(seen).side_presence is None  # only when presence changed

    await presence.leave_room(day.backends, day.ben, day.room)
    assert len(woken) == 3 and day.seq() == seen
    assert day.live_after(seen, presence_changed=True).side_presence.count == 1


async def test_the_exports_know_each_visitor_once_in_order_of_first_arrival(day):
    for person in (day.ben, day.anna, day.ben):
        await presence.enter_room(day.backends, person.id, day.room.id, socket_limit=8)
        await presence.leave_room(day.backends, person, day.room)

    visitors = day.backends.database.run_read(lambda s: visitors_of(s, day.room.id))
    assert visitors == [day.ben.id, day.anna.id]


async def test_above_the_limit_the_room_shows_how_many_and_the_names_come_on_request(
    day, monkeypatch
):
    monkeypatch.setattr(room_rules, "NAMES_SHOWN_UP_TO", 1)
    await presence.enter_room(day.backends, day.anna.id, day.room.id, socket_limit=8)
    snapshot = day.backends.database.run_read(lambda s: boards.load_board(s, day.room.id, 0))
    assert snapshot.presence.count == 1 and len(snapshot.presence.members) == 1

    await presence.enter_room(day.backends, day.ben.id, day.room.id, socket_limit=8)
    live = day.live_after(day.seq(), presence_changed=True)
    assert (live.side_presence.count, live.side_presence.members) == (2, None)
    snapshot = day.backends.database.run_read(lambda s: boards.load_board(s, day.room.id, 0))
    assert (snapshot.presence.count, snapshot.presence.members) == (2, None)

    names = await presence.members_present(day.backends, day.anna, day.room)
    assert [m.display_name for m in names] == ["Anna", "Ben"]


async def test_capacity_and_the_socket_limit_still_hold(day):
    day.backends.database.run_write(
        lambda s: s.execute(
            set_columns(RoomRow).where(RoomRow.id == day.room.id).values(capacity=1)
        )
    )
    room = day.backends.database.run_read(lambda s: conferences.room_by_id(s, day.room.id))
    await presence.enter_room(day.backends, day.anna.id, room.id, socket_limit=2)
    with pytest.raises(DomainError) as full:
        await presence.enter_room(day.backends, day.ben.id, room.id, socket_limit=2)
    assert full.value.code == "room_full"

    await presence.enter_room(day.backends, day.anna.id, room.id, socket_limit=2)  # her 2nd
    with pytest.raises(DomainError) as third:
        await presence.enter_room(day.backends, day.anna.id, room.id, socket_limit=2)
    assert third.value.code == "too_many_sockets"

    await presence.enter_room(day.backends, day.moderator.id, room.id, socket_limit=2)  # always in
    for _ in range(2):
        await presence.leave_room(day.backends, day.anna, room)
    await presence.enter_room(day.backends, day.ben.id, room.id, socket_limit=2)  # her place


async def test_a_removed_member_is_named_and_undo_lets_them_back(day):
    await presence.enter_room(day.backends, day.ben.id, day.room.id, socket_limit=8)
    seen = day.seq()
    await moderation.remove_member(day.backends, day.moderator, day.room, day.ben)

    assert day.update_after(seen).removed == [day.ben.id]
    await curation.undo(day.backends, day.moderator, day.room)
    assert not day.backends.database.run_read(
        lambda s: rooms.is_removed(s, day.room.id, day.ben.id)
    )


async def test_a_revoked_invite_demotes_its_holders_and_lists_the_members_again(day):
    seen = day.seq()
    revoked = invites.revoke(day.backends, day.invite_id)

    update = day.update_after(seen)
    assert revoked.seq == update.seq
    assert update.demoted == [day.moderator.id]
    assert update.presence is not None


# --- The log's stored shape ---


def test_rows_written_before_events_were_typed_still_load(day):
    def old_rows(session):
        seen = room_log.last_seq(session, day.room.id)
        room_log.append(session, day.room.id, "member_joined", {"participant_id": day.anna.id})
        room_log.append(session, day.room.id, "retired_event", {"something": 1})
        return seen, room_events_after(session, day.room.id, seen)

    seen, events = day.backends.database.run_write(old_rows)
    assert [e.type for e in events] == [RoomEventType.MEMBER_JOINED, "retired_event"]
    assert events[0].effects.participant_id == day.anna.id
    assert events[1].effects.notes == {"something": 1}
    assert day.update_after(seen).seq == seen + 2
