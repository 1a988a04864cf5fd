"""The plenary's update loader, one event type at a time: apply the command through its
service, then check the sections and people the hub would be handed. SQLite only: what
the loader does with events does not depend on the engine."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from server.domain.participants import Joining
from server.services import breakouts, organisers, plenary
from server.services.backends import Backends
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT
from server.store import conferences, rooms
from server.store import organisers as organiser_store
from server.store.conferences import load_lobby
from server.store.database import Database
from server.store.events import plenary_log, room_log
from server.store.plenary_events import PlenaryEvent, PlenaryEventType
from server.store.plenary_view import load_plenary_update
from server.store.records import ConferenceRecord, ParticipantRecord
from server.store.room_events import RoomEventType
from server.store.room_updates import room_events_after

from .helpers import MYK, NARRATIVE, PASSWORD, backends_of

CONFIG = PROJECT_ROOT / "sessions_config"


@dataclass
class Plenary:
    """The seeded conference with an organiser, a room's moderator and two participants."""

    backends: Backends
    conference: ConferenceRecord
    olga: ParticipantRecord
    moderator: ParticipantRecord
    anna: ParticipantRecord
    ben: ParticipantRecord
    room_ids: list[int]

    def seq(self) -> int:
        return self._read(lambda s: plenary_log.last_seq(s, self.conference.id))

    def update_after(self, seq: int, personal_for: frozenset[int] = frozenset()):
        return self._read(
            lambda s: load_plenary_update(s, self.conference.id, seq, False, personal_for)
        )

    def events_after(self, seq: int) -> list[PlenaryEvent]:
        rows = self._read(lambda s: plenary_log.after(s, self.conference.id, seq))
        return [PlenaryEvent.decode(*row) for row in rows]

    def room_events_after(self, room_id: int, seq: int):
        return self._read(lambda s: room_events_after(s, room_id, seq))

    def room_seq(self, room_id: int) -> int:
        return self._read(lambda s: room_log.last_seq(s, room_id))

    def _read(self, work):
        return self.backends.database.run_read(work)

    async def to_breakout_item(self) -> None:
        for _ in range(20):
            view = await plenary.view(self.backends, self.conference.id)
            if view.agenda.current is not None and view.agenda.current.kind == "breakout":
                return
            await plenary.move_agenda(self.backends, self.olga, self.conference, "next", None)
        raise AssertionError("the agenda has no breakout item")


@pytest.fixture
def day(tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 'plenum.db'}")
    database.migrate()
    backends = backends_of(database)
    load_into(backends, [CONFIG / f"{MYK}.yaml"])
    account = organisers.create(backends, "olga", "Olga Orga", PASSWORD)

    def seed(session) -> Plenary:
        conference = conferences.conference_by_slug(session, MYK)
        olga = organiser_store.participant_for(session, conference.id, account)
        people = [
            conferences.add_participant(session, conference.id, Joining(name, None))
            for name in ("Mia", "Anna", "Ben")
        ]
        room = conferences.room_by_slug(session, conference.id, NARRATIVE)
        rooms.grant(session, room.id, people[0].id, rooms.add_invite(session, room.id, "M", "x"))
        room_ids = [r.id for r in load_lobby(session, conference).rooms]
        return Plenary(backends, conference, olga, *people, room_ids)

    yield database.run_write(seed)
    database.close()


def _types(day: Plenary, seen: int) -> list[str]:
    return [event.type for event in day.events_after(seen)]


# --- The agenda ---


async def test_moving_the_agenda_shows_the_agenda_breakout_and_qa_again(day):
    seen = day.seq()
    await plenary.move_agenda(day.backends, day.olga, day.conference, "next", None)

    update = day.update_after(seen)
    assert update.sections == {"agenda", "breakout", "qa", "rooms"}
    assert update.view.agenda.current is not None
    assert update.personal == {}
    assert _types(day, seen) == [PlenaryEventType.AGENDA_MOVED]


# --- Banners ---


async def test_a_banner_for_everyone_shows_in_the_plenary_and_tells_every_room(day):
    seen, room_seen = day.seq(), day.room_seq(day.room_ids[0])
    await plenary.announce(
        day.backends, day.olga, day.conference, "Pause!", "everyone", None, None, None
    )

    update = day.update_after(seen)
    assert update.sections == {"announcements"}
    assert [a.text for a in update.view.announcements] == ["Pause!"]
    told = day.room_events_after(day.room_ids[0], room_seen)
    assert [e.type for e in told] == [RoomEventType.ANNOUNCEMENTS_CHANGED]


async def test_an_ended_banner_leaves_the_plenary(day):
    made = await plenary.announce(
        day.backends, day.olga, day.conference, "Pause!", "everyone", None, None, None
    )
    seen = day.seq()
    await plenary.end_announcement(day.backends, day.olga, day.conference, made.created.id, None)

    update = day.update_after(seen)
    assert update.sections == {"announcements"}
    assert update.view.announcements == []
    assert _types(day, seen) == [PlenaryEventType.ANNOUNCEMENT_ENDED]


# --- Q&A ---


async def test_an_asked_question_shows_in_the_qa(day):
    seen = day.seq()
    await plenary.ask(day.backends, day.anna, day.conference, "Wann kommt der Bus?", None)

    update = day.update_after(seen)
    assert update.sections == {"qa"}
    assert [q.text for q in update.view.qa.questions] == ["Wann kommt der Bus?"]
    assert _types(day, seen) == [PlenaryEventType.QUESTION_ASKED]


async def test_a_vote_on_a_question_changes_the_voters_own_part(day):
    asked = await plenary.ask(day.backends, day.anna, day.conference, "Wann?", None)
    seen = day.seq()
    await plenary.vote_question(day.backends, day.ben, day.conference, asked.created.id, None)

    update = day.update_after(seen)
    assert [q.votes for q in update.view.qa.questions] == [1]
    assert update.personal[day.ben.id].voted == {asked.created.id}
    assert _types(day, seen) == [PlenaryEventType.QUESTION_VOTED]


async def test_a_pinned_question_is_named_in_the_qa(day):
    asked = await plenary.ask(day.backends, day.anna, day.conference, "Wann?", None)
    seen = day.seq()
    await plenary.moderate_question(
        day.backends, day.moderator, day.conference, asked.created.id, "pin", None
    )

    update = day.update_after(seen)
    assert update.view.qa.pinned_id == asked.created.id
    assert _types(day, seen) == [PlenaryEventType.QUESTION_MODERATED]


async def test_pre_moderation_shows_in_the_qa_settings(day):
    seen = day.seq()
    await plenary.set_pre_moderation(day.backends, day.olga, day.conference, True, None)

    update = day.update_after(seen)
    assert update.sections == {"qa"} and update.view.qa.pre_moderation
    assert _types(day, seen) == [PlenaryEventType.QA_SETTINGS]


# --- Wishes, report-back ---


async def test_ranked_topics_change_only_the_rankers_own_part(day):
    slugs = [room.slug for room in (await plenary.view(day.backends, day.conference.id)).rooms]
    seen = day.seq()
    await plenary.rank_topics(day.backends, day.anna, day.conference, slugs[:2], None)

    update = day.update_after(seen)
    assert update.sections == frozenset()
    assert update.personal[day.anna.id].ranking == slugs[:2]
    assert _types(day, seen) == [PlenaryEventType.TOPICS_RANKED]


async def test_the_report_back_shows_the_rooms_in_order_and_the_current_one(day):
    order = list(reversed(day.room_ids))
    seen = day.seq()
    await plenary.arrange_report(day.backends, day.olga, day.conference, order, None)

    update = day.update_after(seen)
    assert update.sections == {"report"}
    assert [room.id for room in update.view.report.order] == order
    assert update.view.report.current.id == order[0]

    seen = day.seq()
    await plenary.show_report(day.backends, day.olga, day.conference, "next", None)
    assert day.update_after(seen).view.report.current.id == order[1]
    assert _types(day, seen) == [PlenaryEventType.REPORT_CHANGED]


# --- Breakouts and people ---


async def test_people_arriving_show_in_the_people_section(day):
    seen = day.seq()
    await breakouts.arrive(day.backends, day.anna, day.conference.id, socket_limit=8)

    update = day.update_after(seen)
    assert "people" in update.sections
    assert day.anna.id in {p.participant_id for p in update.view.people}
    assert day.anna.id in update.personal
    assert _types(day, seen) == [PlenaryEventType.PEOPLE_CHANGED]


async def test_an_opened_breakout_places_people_and_tells_its_rooms(day):
    await breakouts.arrive(day.backends, day.anna, day.conference.id, socket_limit=8)
    await day.to_breakout_item()
    seen, room_seen = day.seq(), day.room_seq(day.room_ids[0])
    await breakouts.open_breakout(day.backends, day.olga, day.conference, "random", 20, None, None)

    update = day.update_after(seen)
    assert {"breakout", "people", "agenda", "rooms"} <= update.sections
    assert update.view.breakout.open
    assert update.personal[day.anna.id].room is not None
    told = [e.type for e in day.room_events_after(day.room_ids[0], room_seen)]
    assert RoomEventType.BREAKOUT_END_SET in told
    assert _types(day, seen) == [PlenaryEventType.BREAKOUT_OPENED]


async def test_a_closed_breakout_sends_its_rooms_back(day):
    await breakouts.arrive(day.backends, day.anna, day.conference.id, socket_limit=8)
    await day.to_breakout_item()
    await breakouts.open_breakout(day.backends, day.olga, day.conference, "random", 20, None, None)
    seen, room_seen = day.seq(), day.room_seq(day.room_ids[0])
    await breakouts.close_breakout(day.backends, day.olga, day.conference.id, None)

    update = day.update_after(seen)
    assert not update.view.breakout.open
    assert update.personal[day.anna.id].breakout_open is False
    told = [e.type for e in day.room_events_after(day.room_ids[0], room_seen)]
    assert told[-1] == RoomEventType.BREAKOUT_ENDED
    assert _types(day, seen) == [PlenaryEventType.BREAKOUT_CLOSED]


# --- The log's stored shape ---


def test_rows_written_before_events_were_typed_still_load(day):
    def old_rows(session):
        seen = plenary_log.last_seq(session, day.conference.id)
        payload = {"sections": ["qa"], "people": [day.anna.id], "question": 7}
        plenary_log.append(session, day.conference.id, "question_voted", payload)
        return seen

    seen = day.backends.database.run_write(old_rows)
    (event,) = day.events_after(seen)
    assert event.type == PlenaryEventType.QUESTION_VOTED
    assert event.effects.notes == {"question": 7}
    update = day.update_after(seen)
    assert update.sections == {"qa"} and list(update.personal) == [day.anna.id]
