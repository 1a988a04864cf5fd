"""Every event a room's log holds, declared once: its name and what it touched.

A payload names what the change touched (cards, clusters, members, the room's state), so
the hub turns any batch of events into an update without knowing each command. The JSON
shape is the one the log has always kept, so rows written by earlier versions still load.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from .events import type_of
from .tables import Event
from .undo import Undo


class RoomEventType(StrEnum):
    CARD_POSTED = "card_posted"
    CARD_EDITED = "card_edited"
    CARD_DELETED = "card_deleted"
    CARD_HIDDEN = "card_hidden"
    CARD_UNHIDDEN = "card_unhidden"
    CARD_APPROVED = "card_approved"
    CARD_HIGHLIGHTED = "card_highlighted"
    CARD_MOVED = "card_moved"
    CARDS_MERGED = "cards_merged"
    CARDS_CLUSTERED = "cards_clustered"
    CLUSTER_CREATED = "cluster_created"
    CLUSTER_RENAMED = "cluster_renamed"
    CLUSTER_UNGROUPED = "cluster_ungrouped"
    COMMENT_ADDED = "comment_added"
    VOTE_CAST = "vote_cast"
    VOTE_WITHDRAWN = "vote_withdrawn"
    TAKEAWAYS_CHANGED = "takeaways_changed"
    MEMBER_JOINED = "member_joined"
    MEMBER_LEFT = "member_left"
    MEMBER_REMOVED = "member_removed"
    MODERATION_ENDED = "moderation_ended"  # an invite revoked: its holders' pages reload
    PHASE_CHANGED = "phase_changed"
    ROOM_EDITED = "room_edited"  # its prompts or settings changed in the console
    BOARD_LOCKED = "board_locked"
    TIMER_CHANGED = "timer_changed"
    UNDONE = "undone"
    # What the plenary puts into rooms; these touch nothing on the board.
    ANNOUNCEMENTS_CHANGED = "announcements_changed"
    BREAKOUT_END_SET = "breakout_end_set"  # the room's breakout got its end, or a new one
    BREAKOUT_ENDED = "breakout_ended"
    PROGRAMME_CHANGED = "programme_changed"  # the agenda moved or the conference was edited


PLENARY_TYPES = frozenset(
    {
        RoomEventType.ANNOUNCEMENTS_CHANGED,
        RoomEventType.BREAKOUT_END_SET,
        RoomEventType.BREAKOUT_ENDED,
        RoomEventType.PROGRAMME_CHANGED,
    }
)

# The moderators' actions: their events may carry what they changed, to take it back.
UNDOABLE = frozenset(
    {
        RoomEventType.CARD_HIDDEN,
        RoomEventType.CARD_UNHIDDEN,
        RoomEventType.CARD_APPROVED,
        RoomEventType.CARD_HIGHLIGHTED,
        RoomEventType.CARD_EDITED,
        RoomEventType.CARD_MOVED,
        RoomEventType.CARDS_MERGED,
        RoomEventType.CARDS_CLUSTERED,
        RoomEventType.CLUSTER_CREATED,
        RoomEventType.CLUSTER_RENAMED,
        RoomEventType.CLUSTER_UNGROUPED,
        RoomEventType.MEMBER_REMOVED,
    }
)

_ID_SETS = (
    "cards",
    "gone",
    "vote_cards",
    "voters",
    "clusters_new",
    "clusters_renamed",
    "clusters_gone",
)
_FLAGS = ("takeaways", "members", "state")
_KNOWN = frozenset({*_ID_SETS, *_FLAGS, "participant_id", "participant_ids", "undo"})


@dataclass(frozen=True, slots=True)
class RoomEffects:
    """What one event touched, plus what it keeps for the record.

    `cards` are shown again as they are now; `gone` cards vanish for everyone;
    `vote_cards` only had their dots change; `voters` see their own dots change.
    `notes` are details only the log keeps (a phase's name, a timer's action).
    """

    cards: frozenset[int] = frozenset()
    gone: frozenset[int] = frozenset()
    vote_cards: frozenset[int] = frozenset()
    voters: frozenset[int] = frozenset()
    clusters_new: frozenset[int] = frozenset()
    clusters_renamed: frozenset[int] = frozenset()
    clusters_gone: frozenset[int] = frozenset()
    takeaways: bool = False
    members: bool = False
    state: bool = False
    participant_id: int | None = None  # who joined, left or was removed
    participant_ids: tuple[int, ...] = ()  # whose moderation ended
    undo: Undo | None = None
    notes: dict = field(default_factory=dict)

    def to_payload(self) -> dict:
        payload: dict = {}
        if self.participant_id is not None:
            payload["participant_id"] = self.participant_id
        if self.participant_ids:
            payload["participant_ids"] = list(self.participant_ids)
        payload.update(self.notes)
        if self.undo is not None:
            payload["undo"] = self.undo.to_payload()
        for key in _ID_SETS:
            if getattr(self, key):
                payload[key] = sorted(getattr(self, key))
        for key in _FLAGS:
            if getattr(self, key):
                payload[key] = True
        return payload

    @classmethod
    def from_payload(cls, payload: dict) -> "RoomEffects":
        return cls(
            **{key: frozenset(payload.get(key, ())) for key in _ID_SETS},
            **{key: bool(payload.get(key, False)) for key in _FLAGS},
            participant_id=payload.get("participant_id"),
            participant_ids=tuple(payload.get("participant_ids", ())),
            undo=Undo.from_payload(payload["undo"]) if "undo" in payload else None,
            notes={key: value for key, value in payload.items() if key not in _KNOWN},
        )


def effects(
    *,
    cards: Iterable[int] = (),
    gone: Iterable[int] = (),
    vote_cards: Iterable[int] = (),
    voters: Iterable[int] = (),
    clusters_new: Iterable[int] = (),
    clusters_renamed: Iterable[int] = (),
    clusters_gone: Iterable[int] = (),
    takeaways_changed: bool = False,
    members_changed: bool = False,
    state: bool = False,
    participant_id: int | None = None,
    participant_ids: Iterable[int] = (),
    undo: Undo | None = None,
    **notes,
) -> RoomEffects:
    """The effects of one change, named as the commands name them."""
    return RoomEffects(
        cards=frozenset(cards),
        gone=frozenset(gone),
        vote_cards=frozenset(vote_cards),
        voters=frozenset(voters),
        clusters_new=frozenset(clusters_new),
        clusters_renamed=frozenset(clusters_renamed),
        clusters_gone=frozenset(clusters_gone),
        takeaways=takeaways_changed,
        members=members_changed,
        state=state,
        participant_id=participant_id,
        participant_ids=tuple(participant_ids),
        undo=undo,
        notes=notes,
    )


@dataclass(frozen=True, slots=True)
class RoomEvent:
    """One event as the log holds it."""

    seq: int
    type: RoomEventType | str  # a name this version no longer writes stays a string
    effects: RoomEffects

    @classmethod
    def decode(cls, seq: int, type_: str, payload: str) -> "RoomEvent":
        return cls(
            seq, type_of(RoomEventType, type_), RoomEffects.from_payload(json.loads(payload))
        )


# --- Taking actions back ---

_NOT_TAKEN_BACK = (
    select(Event.seq, Event.payload)
    .where(
        Event.room_id == bindparam("room"),
        Event.type.in_(sorted(UNDOABLE)),
        Event.undone.is_(False),
    )
    .order_by(Event.seq.desc())
)
_TAKE_BACK = (
    update(Event)
    .where(Event.room_id == bindparam("room"), Event.seq == bindparam("taken"))
    .values(undone=True)
)


def last_undoable(session: Session, room_id: int) -> tuple[int, Undo] | None:
    """The newest action not taken back yet that saved how to take it back (an author's
    own edit saves nothing), with its seq."""
    rows = session.connection().execute(_NOT_TAKEN_BACK, {"room": room_id})
    for seq, payload in rows:
        saved = json.loads(payload).get("undo")
        if saved is not None:
            return seq, Undo.from_payload(saved)
    return None


def mark_undone(session: Session, room_id: int, seq: int) -> None:
    session.connection().execute(_TAKE_BACK, {"room": room_id, "taken": seq})
