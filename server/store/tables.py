"""Tables. Structure (conferences, agenda, rooms, columns) mirrors sessions_config;
everything else is what happens live."""

from datetime import date, datetime, time

from sqlalchemy import Column, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel


class AppSecret(SQLModel, table=True):
    """Key for signing session cookies, kept so identities survive a restart."""

    __tablename__ = "app_secret"

    id: int = Field(default=1, primary_key=True)
    value: str


class Conference(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    code: str = Field(unique=True, index=True)
    title: str
    subtitle: str | None = None
    date: date
    end_date: date | None = None  # the last day, when there are several
    start: time
    end: time
    timezone: str
    place: str
    format: str
    language: str
    organiser: str | None = None
    retention_days: int = 90
    # Retention: when `plenum purge` pseudonymised its participants.
    purged_at: datetime | None = None
    # The SHA-256 of the sessions_config file last loaded into it: a server start loads
    # only files that changed since, so edits made in the console outlive a restart.
    file_sha256: str | None = None
    # Registration before the event: the file's `registration` settings as JSON (None: the
    # conference takes no registrations), the organiser's word on whether it is open (None:
    # by its dates), and when seats were allocated by preference (until then wishes are
    # only collected).
    registration: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    registration_open: bool | None = None
    seats_allocated_at: datetime | None = None


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    position: int
    day: date | None = None  # None: the conference's first day
    start: time
    end: time
    title: str
    kind: str
    track: str | None = None
    room: str | None = None  # the slug of the room it is held in (rooms keep their slugs)
    speaker: str | None = None
    description: str | None = None


class Room(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("conference_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    slug: str
    position: int
    title: str
    description: str = ""
    capacity: int
    video_url: str | None = None
    # A room dropped from its file keeps its board; it is only no longer listed.
    archived: bool = False
    # Highest event seq written for this room; bumped in the same transaction as the event.
    last_seq: int = 0
    phase: str = "collect"
    locked: bool = False
    # The countdown: running while a deadline is set, paused while seconds remain.
    timer_deadline: datetime | None = None
    timer_remaining: int | None = None
    # Board settings from sessions_config (domain/room_settings.py explains them).
    vote_budget: int = 5
    max_votes_per_card: int = 3
    vote_on_own_cards: bool = True
    votes_visible_while_voting: bool = False
    pre_moderation: bool = False
    read_only_when_time_is_up: bool = False


class BoardColumn(SQLModel, table=True):
    __tablename__ = "board_column"
    __table_args__ = (UniqueConstraint("room_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    key: str
    position: int
    title: str
    description: str | None = None
    archived: bool = False


class RoomModerator(SQLModel, table=True):
    """A moderator named in sessions_config, to be invited to their room."""

    __tablename__ = "room_moderator"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    name: str
    email: str | None = None


class ModeratorInvite(SQLModel, table=True):
    """A secret link that makes whoever opens it a moderator of one room.

    Only a hash of the link's secret is kept, so the link is shown once, when made.
    """

    __tablename__ = "moderator_invite"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    name: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


class ModeratorGrant(SQLModel, table=True):
    """A participant who redeemed an invite moderates that room (until it is revoked)."""

    __tablename__ = "moderator_grant"

    room_id: int = Field(foreign_key="room.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    invite_id: int = Field(foreign_key="moderator_invite.id")


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    display_name: str
    organisation: str | None = None
    joined_at: datetime
    # Set when an organiser's account opened the conference: they act as organiser.
    organiser_id: int | None = Field(default=None, foreign_key="organiser.id", index=True)
    # --- Exports and retention ---
    # Ticked on the join form: the name may appear in the results documentation.
    name_consent: bool = False
    # Set by `plenum purge`: the name is a pseudonym now and the person's session ended.
    purged_at: datetime | None = None


class Registration(SQLModel, table=True):
    """Someone who registered before the event. Their personal link carries the id and a
    secret; only the secret's hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    secret_hash: str
    name: str
    organisation: str | None = None
    municipality: str | None = None
    role: str | None = None
    accessibility: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    registered_at: datetime
    cancelled_at: datetime | None = None
    # Set when the personal link first opened the live event: who they are there.
    participant_id: int | None = Field(default=None, foreign_key="participant.id")


class RegistrationPlace(SQLModel, table=True):
    """A registration's standing in one workshop it ranked: domain.registration.Place."""

    __tablename__ = "registration_place"
    __table_args__ = (UniqueConstraint("registration_id", "agenda_item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id", index=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id", index=True)
    rank: int  # 0: the first wish; -1: placed by the organiser where they did not wish
    standing: str  # domain.registration.Standing


class Card(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    column_id: int = Field(foreign_key="board_column.id")
    author_id: int = Field(foreign_key="participant.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    status: str = "visible"  # domain.board.CardStatus
    highlighted: bool = False
    cluster_id: int | None = Field(default=None, foreign_key="card_cluster.id")
    merged_into: int | None = Field(default=None, foreign_key="card.id")
    edited_at: datetime | None = None
    edited_by_moderator: bool = False


class CardCluster(SQLModel, table=True):
    """A named group of cards in one column; an ungrouped one is kept for the history."""

    __tablename__ = "card_cluster"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    column_id: int = Field(foreign_key="board_column.id")
    name: str
    created_at: datetime
    removed: bool = False


class Vote(SQLModel, table=True):
    """One dot: a participant may put several on one card, up to the room's limits."""

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id")
    card_id: int = Field(foreign_key="card.id", index=True)
    participant_id: int = Field(foreign_key="participant.id")
    created_at: datetime


Index("ix_vote_room_participant", Vote.room_id, Vote.participant_id)


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id")
    card_id: int = Field(foreign_key="card.id", index=True)
    author_id: int = Field(foreign_key="participant.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime


class Takeaway(SQLModel, table=True):
    """One of the room's key results, in the moderator's order."""

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    position: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    card_id: int | None = Field(default=None, foreign_key="card.id")
    cluster_id: int | None = Field(default=None, foreign_key="card_cluster.id")
    created_at: datetime


class RoomRemoval(SQLModel, table=True):
    """A participant a moderator removed from a room; they cannot come back in."""

    __tablename__ = "room_removal"

    room_id: int = Field(foreign_key="room.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    removed_by: int = Field(foreign_key="participant.id")
    at: datetime


class Presence(SQLModel, table=True):
    """Open connections of one participant in one room (tabs, devices)."""

    room_id: int = Field(foreign_key="room.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    connections: int = 0
    since: datetime


class RoomVisit(SQLModel, table=True):
    """Who ever entered a room, and when first: the exports' visitors. Kept apart from the
    room's log so that coming and going moves no seq (presence is outside the seq)."""

    __tablename__ = "room_visit"

    room_id: int = Field(foreign_key="room.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    first_at: datetime


class Event(SQLModel, table=True):
    """The room's history: one row per change, numbered without gaps per room."""

    __table_args__ = (
        UniqueConstraint("room_id", "seq"),
        UniqueConstraint("room_id", "actor_id", "command_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    seq: int
    type: str
    payload: str = Field(sa_column=Column(Text, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="participant.id")
    # Client-generated id of the command, so that a retried command applies once.
    command_id: str | None = None
    at: datetime
    # A moderator's action taken back (its "undo" data is spent).
    undone: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


# --- Organiser accounts ---


class Organiser(SQLModel, table=True):
    """An account made on the command line; the only way into the organiser's console."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    display_name: str
    # argon2id, in the PHC string format (parameters and salt included).
    password_hash: str
    created_at: datetime


class OrganiserSignIn(SQLModel, table=True):
    """One sign-in of an organiser, named by their session cookie. Signing out (in this
    browser or everywhere) and a new password end it; a copy of the cookie then opens
    nothing."""

    __tablename__ = "organiser_sign_in"

    id: str = Field(primary_key=True)  # random, unguessable: the cookie names it
    organiser_id: int = Field(foreign_key="organiser.id", index=True)
    started_at: datetime
    ended_at: datetime | None = None


# --- The plenary and breakout orchestration ---


class Plenary(SQLModel, table=True):
    """A conference's live plenary: its own gap-free event seq and what it shows now."""

    conference_id: int = Field(foreign_key="conference.id", primary_key=True)
    last_seq: int = 0
    current_item_id: int | None = Field(default=None, foreign_key="agenda_item.id")
    item_started_at: datetime | None = None
    qa_pre_moderation: bool = False
    pinned_question_id: int | None = None
    # Report-back: the rooms in the organiser's order (JSON ids), and the one shown now.
    report_order: str = "[]"
    report_room_id: int | None = Field(default=None, foreign_key="room.id")


class PlenaryEvent(SQLModel, table=True):
    """The plenary's history: one row per change, numbered without gaps per conference."""

    __tablename__ = "plenary_event"
    __table_args__ = (
        UniqueConstraint("conference_id", "seq"),
        UniqueConstraint("conference_id", "actor_id", "command_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    seq: int
    type: str
    payload: str = Field(sa_column=Column(Text, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="participant.id")
    command_id: str | None = None
    at: datetime


class Announcement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    target: str  # domain.announcements.Target
    room_id: int | None = Field(default=None, foreign_key="room.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    author_id: int = Field(foreign_key="participant.id")
    created_at: datetime
    expires_at: datetime | None = None
    ended_at: datetime | None = None


class Breakout(SQLModel, table=True):
    """One breakout phase: how people were placed and until when it runs."""

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id")
    mode: str  # domain.breakouts.Mode
    seed: str
    plan: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    opened_at: datetime
    deadline: datetime | None = None
    closed_at: datetime | None = None


class BreakoutRoomState(SQLModel, table=True):
    """A room in a breakout phase; closed when its own breakout end passes or the phase
    ends. Its end is the organiser's, apart from the room's own (moderator's) timer."""

    __tablename__ = "breakout_room"

    breakout_id: int = Field(foreign_key="breakout.id", primary_key=True)
    room_id: int = Field(foreign_key="room.id", primary_key=True)
    deadline: datetime | None = None
    closed_at: datetime | None = None


class RoomAssignment(SQLModel, table=True):
    """Who belongs in which room during a breakout phase (kept, so a dropout comes back)."""

    __tablename__ = "room_assignment"

    breakout_id: int = Field(foreign_key="breakout.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    at: datetime


class TopicRanking(SQLModel, table=True):
    """A participant's wishes for the breakout rooms, best first (JSON list of slugs)."""

    __tablename__ = "topic_ranking"

    conference_id: int = Field(foreign_key="conference.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    ranking: str
    at: datetime


class PlenaryPresence(SQLModel, table=True):
    """Open plenary sockets of one participant (who is here to be placed in a room)."""

    __tablename__ = "plenary_presence"

    conference_id: int = Field(foreign_key="conference.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    connections: int = 0
    since: datetime


class Question(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    author_id: int = Field(foreign_key="participant.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    status: str = "visible"  # domain.questions.Status
    answered: bool = False


class QuestionVote(SQLModel, table=True):
    __tablename__ = "question_vote"

    question_id: int = Field(foreign_key="question.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    at: datetime


class DirectoryEntry(SQLModel, table=True):
    """Someone who opted into the conference's directory ("Wer ist da?"), with what they
    typed there (domain.directory.Entry). No row: not listed; withdrawing deletes it."""

    __tablename__ = "directory_entry"

    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    municipality: str | None = None
    region: str | None = None  # domain.directory.REGIONS
    topics: str = Field(sa_column=Column(Text, nullable=False))  # a JSON list of strings
    offer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    seek: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime


class TableOptIn(SQLModel, table=True):
    """Someone who wants to be drawn to a table in the networking rounds (coffee breaks)."""

    __tablename__ = "table_opt_in"

    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
