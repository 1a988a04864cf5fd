"""Plain read models handed from the store to services, realtime and views."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

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
class BoardRecord:
    """A room's whole board as of event `seq`, with every card of every status.

    The views leave out what an audience may not see (hidden and waiting cards).
    """

    room_id: int
    seq: int
    state: RoomState
    columns: list[ColumnRecord]
    queue: list[CardRecord]  # waiting for a moderator's approval
    takeaways: list[TakeawayRecord]
    members: list[MemberRecord]


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
    joined: list[MemberRecord] = field(default_factory=list)  # present now, not before
    left: list[int] = field(default_factory=list)  # participant ids present before, not now
    removed: list[int] = field(default_factory=list)  # put out of the room by a moderator
    demoted: list[int] = field(default_factory=list)  # whose moderation just ended
    members: list[MemberRecord] | None = None  # everyone present again (None: see joined/left)
    present_count: int | None = None  # None: presence did not change
    state: RoomState | None = None  # the room now (None only in a snapshot for everyone)
    state_changed: bool = False  # lock or timer changed: show the new state
    personal: dict[int, MyVotes] = field(default_factory=dict)  # whose dots changed
    announce: CardRecord | None = None  # the newest card, for screen readers
    snapshot: BoardRecord | None = None  # for joiners, or for everyone after a phase change
    for_everyone: bool = False  # the snapshot replaces the delta for every socket


@dataclass(frozen=True, slots=True)
class AgendaRecord:
    id: int
    start: time
    end: time
    title: str
    kind: str
    speaker: str | None
    description: str | None


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


# --- Organiser accounts and console ---


@dataclass(frozen=True, slots=True)
class OrganiserRecord:
    id: int
    username: str
    display_name: str
    created_at: datetime
    password_version: int


@dataclass(frozen=True, slots=True)
class InviteRecord:
    id: int
    room_id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConsoleRoomRecord:
    """A room as the organiser sees it: who is in it, who should moderate, which links."""

    room: RoomRecord
    members: list[MemberRecord]
    named_moderators: list[str]
    invites: list[InviteRecord]


@dataclass(frozen=True, slots=True)
class ConsoleRecord:
    conference: ConferenceRecord
    agenda: list[AgendaRecord]
    rooms: list[ConsoleRoomRecord]


# --- Exports and retention: everything as stored; exports/policy.py decides what of it
# leaves the system. ---


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A participant as exports need them: `number` is their place in the order of
    joining this conference, from which their stable pseudonym is made."""

    id: int
    number: int
    display_name: str
    organisation: str | None
    name_consent: bool
    purged: bool = False


@dataclass(frozen=True, slots=True)
class StoredComment:
    id: int
    card_id: int
    author_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A card in any status (deleted ones too), with its dots and comments."""

    id: int
    column_id: int
    cluster_id: int | None
    author_id: int
    text: str
    status: CardStatus
    highlighted: bool
    merged_into: int | None
    created_at: datetime
    edited_at: datetime | None
    edited_by_moderator: bool
    votes: list[datetime] = field(default_factory=list)  # when each dot was cast
    comments: list[StoredComment] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoredCluster:
    id: int
    column_id: int
    name: str
    removed: bool


@dataclass(frozen=True, slots=True)
class Moderation:
    """Who moderated a room: those who accepted an invite for it (not revoked), in the
    order they joined; else the names sessions_config plans (nobody accepted one)."""

    participants: list[int]
    planned: list[str]


@dataclass(frozen=True, slots=True)
class RoomDump:
    """One room's board and results, read in one go so that exports can stream room
    by room instead of holding a whole conference."""

    room: RoomRecord
    phase: str
    moderation: Moderation
    columns: list[ColumnRecord]  # without cards; in board order
    clusters: list[StoredCluster]
    cards: list[StoredCard]
    takeaways: list[TakeawayRecord]
    visitors: list[int]  # participants who entered the room, in order of first arrival


@dataclass(frozen=True, slots=True)
class StoredEvent:
    room_id: int
    seq: int
    type: str
    payload: dict
    actor_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ConferenceDump:
    """A conference's structure and people; the rooms come one at a time."""

    conference: ConferenceRecord
    timezone: str
    organiser: str | None
    retention_days: int
    purged_at: datetime | None
    agenda: list[AgendaRecord]
    rooms: list[RoomRecord]
    people: dict[int, PersonRecord]
