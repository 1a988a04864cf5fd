"""Plain read models handed from the store to services, realtime and views."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from ..domain.phases import RoomState


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


@dataclass(frozen=True, slots=True)
class ColumnRecord:
    id: int
    key: str
    title: str
    description: str | None
    cards: list[CardRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MemberRecord:
    participant_id: int
    display_name: str
    organisation: str | None


@dataclass(frozen=True, slots=True)
class BoardRecord:
    """A room's whole board as of event `seq`."""

    room_id: int
    seq: int
    state: RoomState
    columns: list[ColumnRecord]
    members: list[MemberRecord]


@dataclass(frozen=True, slots=True)
class RoomUpdate:
    """What changed in a room after a known seq, plus a snapshot when asked for."""

    seq: int
    first_seq: int
    inserted_cards: list[CardRecord]
    joined: list[MemberRecord]  # present now, absent before these events
    left: list[int]  # participant ids present before, absent now
    present_count: int | None  # None: presence did not change
    state: RoomState | None  # None: phase and lock did not change
    snapshot: BoardRecord | None


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
    # The organiser's account behind this participant, if any (issue 4).
    organiser_id: int | None = None


# --- Organiser accounts and console (issue 4) ---


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
