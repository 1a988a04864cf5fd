"""Everything the realtime hub needs to bring a room's sockets up to date, in one read.

Each event's payload names what it touched (see `effects`), so turning a batch of events
into an update needs no knowledge of what each command did.
"""

import json

from sqlmodel import Session

from . import clusters, takeaways, votes
from .boards import cards_by_id, load_board
from .events import events_after, last_seq
from .presence import count_present, members_by_id, members_of
from .records import RoomUpdate
from .rooms import room_state

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
BOARD_LOCKED = "board_locked"
TIMER_CHANGED = "timer_changed"
UNDONE = "undone"


def effects(
    *,
    cards=(),
    gone=(),
    vote_cards=(),
    voters=(),
    clusters_new=(),
    clusters_renamed=(),
    clusters_gone=(),
    takeaways_changed=False,
    members_changed=False,
    state=False,
    **details,
) -> dict:
    """An event payload: what the change touched, for the hub, plus any details.

    `cards` are shown again as they are now; `gone` cards vanish for everyone;
    `vote_cards` only had their dots change; `voters` see their own dots change.
    """
    payload = dict(details)
    for key, value in (
        ("cards", cards),
        ("gone", gone),
        ("vote_cards", vote_cards),
        ("voters", voters),
        ("clusters_new", clusters_new),
        ("clusters_renamed", clusters_renamed),
        ("clusters_gone", clusters_gone),
    ):
        if value:
            payload[key] = sorted(set(value))
    if takeaways_changed:
        payload["takeaways"] = True
    if members_changed:
        payload["members"] = True
    if state:
        payload["state"] = True
    return payload


def load_room_update(
    session: Session,
    room_id: int,
    after_seq: int | None,
    with_snapshot: bool,
    personal_for: frozenset[int] = frozenset(),
) -> RoomUpdate:
    """The events after `after_seq` turned into what they changed, plus a snapshot.

    Done in one read so the snapshot and the changes describe the same moment: a socket
    that gets the snapshot needs none of the changes, the others need all of them.
    With `after_seq` None the caller knows nothing yet and only the snapshot matters.
    A phase change re-renders everything (it decides what each audience sees), so it
    comes as a snapshot for everyone. `personal_for` adds the dots of those participants
    (sockets that are joining).
    """
    events = events_after(session, room_id, after_seq) if after_seq is not None else []
    seq = events[-1].seq if events else last_seq(session, room_id)
    touched = _Touched()
    for event in events:
        touched.add(event.type, json.loads(event.payload))
    for_everyone = any(e.type == PHASE_CHANGED for e in events)
    snapshot = load_board(session, room_id, seq) if with_snapshot or for_everyone else None
    voters = touched.voters | personal_for
    personal = votes.my_votes_of(session, room_id, voters) if voters else {}
    if for_everyone:
        return RoomUpdate(
            seq=seq,
            first_seq=events[0].seq,
            removed=touched.removed,
            demoted=touched.demoted,
            personal=personal,
            snapshot=snapshot,
            for_everyone=True,
        )
    gone = touched.gone
    shown = cards_by_id(session, touched.cards - gone) if touched.cards - gone else []
    vote_only = touched.vote_cards - touched.cards - gone
    joined, left = _presence_changes(events)
    new_clusters = clusters.clusters_by_id(session, touched.clusters_new)
    return RoomUpdate(
        seq=seq,
        first_seq=events[0].seq if events else seq + 1,
        cards=shown,
        gone_cards=sorted(gone),
        vote_totals=votes.totals(session, vote_only) if vote_only else {},
        new_clusters=new_clusters,
        renamed_clusters=clusters.clusters_by_id(session, touched.clusters_renamed),
        gone_clusters=sorted(touched.clusters_gone - {c.id for c in new_clusters}),
        takeaways=takeaways.takeaways_of(session, room_id) if touched.takeaways else None,
        joined=members_by_id(session, room_id, joined) if joined else [],
        left=left,
        removed=touched.removed,
        demoted=touched.demoted,
        members=members_of(session, room_id) if touched.members else None,
        present_count=count_present(session, room_id) if joined or left else None,
        state=room_state(session, room_id),
        state_changed=touched.state,
        personal=personal,
        announce=_newest_posted(shown, touched.posted),
        snapshot=snapshot,
    )


class _Touched:
    """The union of what a batch of events touched."""

    def __init__(self) -> None:
        self.cards: set[int] = set()
        self.gone: set[int] = set()
        self.vote_cards: set[int] = set()
        self.voters: set[int] = set()
        self.clusters_new: set[int] = set()
        self.clusters_renamed: set[int] = set()
        self.clusters_gone: set[int] = set()
        self.takeaways = False
        self.members = False
        self.state = False
        self.removed: list[int] = []
        self.demoted: list[int] = []
        self.posted: list[int] = []

    def add(self, type_: str, payload: dict) -> None:
        self.cards.update(payload.get("cards", ()))
        self.gone.update(payload.get("gone", ()))
        self.vote_cards.update(payload.get("vote_cards", ()))
        self.voters.update(payload.get("voters", ()))
        self.clusters_new.update(payload.get("clusters_new", ()))
        self.clusters_renamed.update(payload.get("clusters_renamed", ()))
        self.clusters_gone.update(payload.get("clusters_gone", ()))
        self.takeaways |= payload.get("takeaways", False)
        self.members |= payload.get("members", False)
        self.state |= payload.get("state", False)
        if type_ == MEMBER_REMOVED:
            self.removed.append(payload["participant_id"])
        if type_ == MODERATION_ENDED:
            self.demoted.extend(payload["participant_ids"])
        if type_ == CARD_POSTED:
            self.posted.extend(payload["cards"])
        # A card that comes back (undo of a merge) is no longer gone.
        self.gone -= set(payload.get("cards", ()))


def _newest_posted(shown: list, posted: list[int]):
    by_id = {card.id: card for card in shown}
    for card_id in reversed(posted):
        if card_id in by_id:
            return by_id[card_id]
    return None


def _presence_changes(events: list) -> tuple[list[int], list[int]]:
    """Net effect per participant: someone who left and came back changed nothing.

    The first event tells whether they were present before the batch, the last whether
    they are present after it.
    """
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    for event in events:
        if event.type in (MEMBER_JOINED, MEMBER_LEFT):
            participant = json.loads(event.payload)["participant_id"]
            first.setdefault(participant, event.type)
            last[participant] = event.type
    joined = [p for p in first if first[p] == MEMBER_JOINED and last[p] == MEMBER_JOINED]
    left = [p for p in first if first[p] == MEMBER_LEFT and last[p] == MEMBER_LEFT]
    return joined, left
