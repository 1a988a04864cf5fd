"""Read models of the plenary, the breakout phase and the organiser's dashboard."""

from dataclasses import dataclass, field
from datetime import date, datetime

from ..domain.timer import Timer
from .records import (
    AgendaRecord,
    ConferenceRecord,
    RoomRecord,
    TakeawayRecord,
)

SECTIONS = ("agenda", "announcements", "breakout", "people", "qa", "report", "rooms")


@dataclass(frozen=True, slots=True)
class AgendaNow:
    items: list[AgendaRecord]
    current_id: int | None
    next_id: int | None
    minutes_late: int
    # What runs with the current item and with the next one, each in a track of its own.
    parallel_ids: tuple[int, ...] = ()
    next_parallel_ids: tuple[int, ...] = ()

    @property
    def current(self) -> AgendaRecord | None:
        return next((item for item in self.items if item.id == self.current_id), None)

    @property
    def following(self) -> AgendaRecord | None:
        return next((item for item in self.items if item.id == self.next_id), None)

    @property
    def parallel(self) -> list[AgendaRecord]:
        """The items running now beside the current one (none outside parallel tracks)."""
        return [item for item in self.items if item.id in self.parallel_ids]

    @property
    def next_parallel(self) -> list[AgendaRecord]:
        return [item for item in self.items if item.id in self.next_parallel_ids]

    @property
    def days(self) -> list[tuple[date, list[AgendaRecord]]]:
        """The items day by day, in order."""
        grouped: dict[date, list[AgendaRecord]] = {}
        for item in self.items:
            grouped.setdefault(item.day, []).append(item)
        return list(grouped.items())


@dataclass(frozen=True, slots=True)
class AnnouncementRecord:
    id: int
    target: str
    room_id: int | None
    room_title: str | None
    text: str
    created_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class BreakoutRecord:
    id: int
    mode: str
    opened_at: datetime
    deadline: datetime | None
    closed_at: datetime | None
    assigned: dict[int, int]  # room id -> people assigned (moderators are not)
    closed_rooms: frozenset[int] = frozenset()
    moderators: dict[int, list[str]] = field(default_factory=dict)  # room id -> who moderates

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """Someone the organiser may place: here now or already placed."""

    participant_id: int
    display_name: str
    organisation: str | None
    room_id: int | None
    present: bool
    moderating: bool = False  # in the room they moderate (outside its places)


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    id: int
    author_id: int
    author_name: str
    text: str
    status: str
    answered: bool
    votes: int
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class QARecord:
    questions: list[QuestionRecord]  # open ones by votes, then answered; every status
    pinned_id: int | None
    pre_moderation: bool

    @property
    def pinned(self) -> QuestionRecord | None:
        return next((q for q in self.questions if q.id == self.pinned_id), None)


@dataclass(frozen=True, slots=True)
class TopVoted:
    """A cluster (its cards' dots together) or a card outside any cluster."""

    text: str  # the cluster's name or the card's text
    votes: int
    cluster: bool


@dataclass(frozen=True, slots=True)
class ReportRecord:
    order: list[RoomRecord]
    current: RoomRecord | None
    takeaways: list[TakeawayRecord] = field(default_factory=list)
    top_voted: list[TopVoted] = field(default_factory=list)  # most dots first
    moderators: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RoomSummary:
    """One room on the organiser's dashboard."""

    room: RoomRecord
    path: str  # the room's page
    present: int
    cards: int
    votes: int
    phase: str
    breakout_end: datetime | None  # when the breakout ends for this room (organiser's)
    timer: Timer  # the room's own countdown (its moderator's)
    moderator_present: bool
    last_contribution: datetime | None
    assigned: int | None  # people placed here in the running breakout


@dataclass(frozen=True, slots=True)
class PlenaryView:
    """The plenary as of one moment; sections not asked for are None."""

    conference: ConferenceRecord
    rooms: list[RoomRecord]
    seq: int = 0
    agenda: AgendaNow | None = None
    announcements: list[AnnouncementRecord] | None = None
    breakout: BreakoutRecord | None = None  # the newest phase, open or closed
    people: list[PersonRecord] | None = None
    qa: QARecord | None = None
    report: ReportRecord | None = None
    summaries: list[RoomSummary] | None = None

    def room(self, room_id: int | None) -> RoomRecord | None:
        return next((room for room in self.rooms if room.id == room_id), None)


@dataclass(frozen=True, slots=True)
class MyPlenary:
    """One person's own part of the plenary: their room, votes and wishes."""

    participant_id: int
    conference_slug: str
    breakout_id: int | None
    breakout_open: bool
    room: RoomRecord | None
    voted: frozenset[int]
    ranking: list[str]
    breakout_mode: str | None = None  # "self": they choose a room themselves
    choices: tuple[RoomRecord, ...] = ()  # rooms to wish for, until breakouts first open
    moderating: bool = False  # `room` is the one they moderate


@dataclass(frozen=True, slots=True)
class PlenaryUpdate:
    """What changed after a known seq (sections to show again), in the hub's terms."""

    seq: int
    first_seq: int
    sections: frozenset[str]
    view: PlenaryView | None
    snapshot: PlenaryView | None = None
    personal: dict[int, MyPlenary] = field(default_factory=dict)
    summaries: list[RoomSummary] = field(default_factory=list)  # rooms that changed
    for_everyone: bool = False
    removed: list[int] = field(default_factory=list)
    demoted: list[int] = field(default_factory=list)  # a revoked invite concerns rooms only
