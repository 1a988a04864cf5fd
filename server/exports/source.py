"""One export's view of a conference: its structure and people read at once, its rooms
read one at a time while the export is written, so memory stays at one room's worth."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from ..domain import directory as directory_rules
from ..store import breakouts, directory, registrations
from ..store import exports as reads
from ..store import questions as asked
from ..store.exports import ConferenceDump, StoredEvent
from ..store.moments import aware
from ..store.records import ConferenceRecord, RoomRecord
from . import placement, scope
from .content import QuestionView, RoomView, question_views, room_view
from .options import ExportOptions, Labels
from .policy import Policy


class UnknownRoom(LookupError):
    pass


@dataclass(frozen=True)
class Networking:
    registered: int  # registrations before the event, not cancelled
    directory: directory_rules.Counts


@dataclass(frozen=True)
class Attendance:
    # Everyone who joined; when a room, day or track is chosen, who entered its rooms (on
    # any day: a visit is recorded once).
    people: int
    rooms: list[tuple[RoomRecord, int]]  # people who entered each room
    organisations: list[tuple[str, int]]  # of people who agreed to be named; most first


class Source:
    def __init__(
        self,
        session: Session,
        conference: ConferenceRecord,
        options: ExportOptions,
        labels: Labels,
    ) -> None:
        self.session = session
        self.options = options
        self.labels = labels
        self.dump: ConferenceDump = reads.load_conference(session, conference)
        self.conference = self.dump.conference
        self.policy = Policy(options, self.dump.people, labels)
        self.zone = ZoneInfo(self.dump.timezone)
        wanted = [r for r in self.dump.rooms if options.room in (None, r.slug)]
        if options.room is not None and not wanted:
            raise UnknownRoom(options.room)
        self.agenda = [i for i in self.dump.agenda if scope.in_scope(i, options.day, options.track)]
        opened_with = breakouts.rooms_by_item(session, self.conference.id)
        self.used_for = placement.items_of_rooms(self.dump.agenda, self.dump.rooms, opened_with)
        self.parts = placement.parts(
            self.agenda, wanted, self.used_for, whole_programme=self.whole_programme
        )
        written = {room.id for part in self.parts for room in part.rooms}
        self.rooms = [room for room in wanted if room.id in written]

    @property
    def whole_programme(self) -> bool:
        return self.options.day is None and self.options.track is None

    @property
    def everything(self) -> bool:
        """The whole conference: no room, day or track chosen."""
        return self.options.room is None and self.whole_programme

    def room_views(self) -> Iterator[RoomView]:
        for room in self.rooms:
            yield self.room_view(room)

    def room_view(self, room: RoomRecord) -> RoomView:
        return room_view(reads.load_room(self.session, room), self.policy)

    def questions(self) -> list[QuestionView]:
        """The plenary's Q&A; one room's export has none (the plenary is no room's), one
        day's those asked that day, one track's all (the plenary is every track's)."""
        if self.options.room is not None:
            return []
        asked_here = question_views(asked.all_of(self.session, self.conference.id), self.policy)
        day = self.options.day
        return [q for q in asked_here if day is None or self._day_of(q.created_at) == day]

    def _day_of(self, moment: datetime | None) -> date | None:
        local = self.local(moment)
        return local.date() if local else None

    def events(self, room: RoomRecord) -> Iterator[StoredEvent]:
        return reads.events_of(self.session, room.id)

    def attendance(self) -> Attendance:
        visitors = {room.id: reads.visitors_of(self.session, room.id) for room in self.rooms}
        if self.everything:
            counted = list(self.dump.people)
        else:
            counted = sorted({pid for ids in visitors.values() for pid in ids})
        organisations = Counter(
            org for pid in counted if (org := self.policy.organisation_counted(pid))
        )
        return Attendance(
            people=len(counted),
            rooms=[(room, len(visitors[room.id])) for room in self.rooms],
            organisations=sorted(organisations.items(), key=lambda item: (-item[1], item[0])),
        )

    def networking(self) -> Networking:
        conference_id = self.conference.id
        registered = registrations.of_conference(self.session, conference_id)
        listed = directory.listings(self.session, conference_id)
        active = sum(1 for r in registered if r.cancelled_at is None)
        return Networking(active, directory_rules.counts(listed))

    def local(self, moment: datetime | None) -> datetime | None:
        moment = aware(moment)
        return moment.astimezone(self.zone) if moment is not None else None

    def stamp(self, moment: datetime | None) -> str:
        """A local time spreadsheets read as one: 2022-03-22 11:52."""
        local = self.local(moment)
        return local.strftime("%Y-%m-%d %H:%M") if local else ""

    def iso(self, moment: datetime | None) -> str | None:
        local = self.local(moment)
        return local.isoformat(timespec="seconds") if local else None
