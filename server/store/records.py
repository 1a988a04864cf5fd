"""Plain read models used across subjects: a conference, its agenda, rooms and people,
and a room's board. A record only one subject reads lives beside its reader (exports in
store/exports.py, the console in store/console.py, invites in store/rooms.py)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..domain.board import CardStatus
from ..domain.phases import RoomState
from ..domain.votes import MyVotes


@dataclass(frozen=True, slots=True)
class CommentRecord:
    id: int
    card_id: int
    author_name: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MergedRecord:
    """A duplicate folded into a card: its words stay visible there."""

    card_id: int
    into: int
    author_name: str
    text: str


@dataclass(frozen=True, slots=True)
class CardRecord:
    id: int
    room_id: int
    column_id: int
    column_title: str
    author_id: int
    author_name: str
    author_organisation: str | None
    text: str
    created_at: datetime
    status: CardStatus = CardStatus.VISIBLE
    highlighted: bool = False
    cluster_id: int | None = None
    edited: bool = False
    edited_by_moderator: bool = False
    votes: int = 0
    comments: list[CommentRecord] = field(default_factory=list)
    merged: list[MergedRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ClusterRecord:
    id: int
    column_id: int
    name: str
    cards: list[CardRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ColumnRecord:
    id: int
    key: str
    title: str
    description: str | None
    clusters: list[ClusterRecord] = field(default_factory=list)
    cards: list[CardRecord] = field(default_factory=list)  # not in a cluster


@dataclass(frozen=True, slots=True)
class MemberRecord:
    participant_id: int
    display_name: str
    organisation: str | None
    moderator: bool = False


@dataclass(frozen=True, slots=True)
class TakeawayRecord:
    id: int
    position: int
    text: str
    card_id: int | None
    cluster_id: int | None


@dataclass(frozen=True, slots=True)
class PresenceRecord:
    """Who is in a room now: how many, and their names while few enough to show them all
    (`members` None: above `rooms.NAMES_SHOWN_UP_TO`, the names come on request)."""

    count: int
    members: list[MemberRecord] | None


@dataclass(frozen=True, slots=True)
class BoardRecord:
    """A room's whole board as of event `seq`, with every card of every status.

    The views leave out what an audience may not see (hidden and waiting cards).
    """

    room_id: int
    seq: int
    state: RoomState
    room: "RoomRecord"  # its heading as the organisers set it (a removed room's too)
    columns: list[ColumnRecord]
    queue: list[CardRecord]  # waiting for a moderator's approval
    takeaways: list[TakeawayRecord]
    presence: PresenceRecord


@dataclass(frozen=True, slots=True)
class RoomUpdate:
    """What changed in a room after a known seq, plus a snapshot when asked for.

    Every list holds the current state of what the events touched, so applying the
    same update twice changes nothing.
    """

    seq: int
    first_seq: int
    cards: list[CardRecord] = field(default_factory=list)  # to show again, as they are now
    gone_cards: list[int] = field(default_factory=list)  # deleted or merged away
    vote_totals: dict[int, int] = field(default_factory=dict)  # card -> dots, cards not above
    new_clusters: list[ClusterRecord] = field(default_factory=list)  # without their cards
    renamed_clusters: list[ClusterRecord] = field(default_factory=list)
    gone_clusters: list[int] = field(default_factory=list)
    takeaways: list[TakeawayRecord] | None = None  # None: unchanged
    removed: list[int] = field(default_factory=list)  # put out of the room by a moderator
    demoted: list[int] = field(default_factory=list)  # whose moderation just ended
    presence: PresenceRecord | None = None  # who is present, when a member was put out
    state: RoomState | None = None  # the room now (None only in a snapshot for everyone)
    state_changed: bool = False  # lock or timer changed: show the new state
    personal: dict[int, MyVotes] = field(default_factory=dict)  # whose dots changed
    announce: CardRecord | None = None  # the newest card, for screen readers
    snapshot: BoardRecord | None = None  # for joiners, or for everyone after a phase change
    for_everyone: bool = False  # the snapshot replaces the delta for every socket


@dataclass(frozen=True, slots=True)
class AgendaRecord:
    id: int
    day: date  # the conference's first day unless the item names another
    start: time
    end: time
    title: str
    kind: str
    speaker: str | None
    description: str | None
    track: str | None = None  # items of different tracks may run at the same time
    room: str | None = None  # the slug of the room it is held in


@dataclass(frozen=True, slots=True)
class RoomRecord:
    id: int
    conference_id: int
    slug: str
    title: str
    description: str
    capacity: int
    video_url: str | None
    present: int = 0


@dataclass(frozen=True, slots=True)
class ConferenceRecord:
    id: int
    slug: str
    code: str
    title: str
    subtitle: str | None
    date: date
    start: time
    end: time
    place: str
    format: str
    language: str
    end_date: date | None = None  # the last day, when there are several
    timezone: str = "Europe/Berlin"  # the programme's times are times of this zone

    @property
    def today(self) -> date:
        return datetime.now(ZoneInfo(self.timezone)).date()

    @property
    def days(self) -> list[date]:
        last = self.end_date or self.date
        return [self.date + timedelta(days=n) for n in range((last - self.date).days + 1)]


@dataclass(frozen=True, slots=True)
class LobbyRecord:
    conference: ConferenceRecord
    agenda: list[AgendaRecord]
    rooms: list[RoomRecord]


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    id: int
    conference_id: int
    display_name: str
    organisation: str | None
    # The organiser's account behind this participant, if any.
    organiser_id: int | None = None


# --- Organiser accounts ---


@dataclass(frozen=True, slots=True)
class OrganiserRecord:
    id: int
    username: str
    display_name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Moderation:
    """Who moderated a room: those who accepted an invite for it (not revoked), in the
    order they joined; else the names sessions_config plans (nobody accepted one)."""

    participants: list[int]
    planned: list[str]
