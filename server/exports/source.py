"""One export's view of a conference: its structure and people read at once, its rooms
read one at a time while the export is written, so memory stays at one room's worth."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from ..store import exports as reads
from ..store import questions as asked
from ..store.exports import ConferenceDump, StoredEvent
from ..store.moments import aware
from ..store.records import ConferenceRecord, RoomRecord
from .content import QuestionView, RoomView, question_views, room_view
from .options import ExportOptions, Labels
from .policy import Policy


class UnknownRoom(LookupError):
    pass


@dataclass(frozen=True)
class Attendance:
    people: int  # everyone who joined (one room's export: everyone who entered it)
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
        self.rooms = [r for r in self.dump.rooms if options.room in (None, r.slug)]
        if options.room is not None and not self.rooms:
            raise UnknownRoom(options.room)

    def room_views(self) -> Iterator[RoomView]:
        for room in self.rooms:
            yield room_view(reads.load_room(self.session, room), self.policy)

    def questions(self) -> list[QuestionView]:
        """The plenary's Q&A; one room's export has none (the plenary is no room's)."""
        if self.options.room is not None:
            return []
        return question_views(asked.all_of(self.session, self.conference.id), self.policy)

    def events(self, room: RoomRecord) -> Iterator[StoredEvent]:
        return reads.events_of(self.session, room.id)

    def attendance(self) -> Attendance:
        visitors = {room.id: reads.visitors_of(self.session, room.id) for room in self.rooms}
        if self.options.room is None:
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
