"""Everything the realtime hub needs to bring a room's sockets up to date, in one read.

Each event says what it touched (`room_events.RoomEffects`), so turning a batch of events
into an update needs no knowledge of what each command did.
"""

from sqlmodel import Session

from . import clusters, takeaways, votes
from .boards import cards_by_id, load_board
from .events import room_log
from .presence import presence_of
from .records import RoomUpdate
from .room_events import RoomEffects, RoomEvent, RoomEventType
from .rooms import room_state

# Events after which every socket gets the whole board again.
_REDRAWN = frozenset({RoomEventType.PHASE_CHANGED, RoomEventType.ROOM_EDITED})


def room_events_after(session: Session, room_id: int, seq: int) -> list[RoomEvent]:
    """The room's events after `seq`, decoded, in order."""
    return [RoomEvent.decode(*row) for row in room_log.after(session, room_id, seq)]


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
    A phase change re-renders everything (it decides what each audience sees), and so does
    a room edited in the console (its columns and settings), so they come as a snapshot
    for everyone. `personal_for` adds the dots of those participants
    (sockets that are joining).
    """
    events = room_events_after(session, room_id, after_seq) if after_seq is not None else []
    return update_of(session, room_id, events, with_snapshot, personal_for)


def update_of(
    session: Session,
    room_id: int,
    events: list[RoomEvent],
    with_snapshot: bool,
    personal_for: frozenset[int] = frozenset(),
) -> RoomUpdate:
    """`load_room_update` for events already read (a stream that reads more from them)."""
    seq = events[-1].seq if events else room_log.last_seq(session, room_id)
    touched = _Touched()
    for event in events:
        touched.add(event)
    for_everyone = any(e.type in _REDRAWN for e in events)
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
        removed=touched.removed,
        demoted=touched.demoted,
        presence=presence_of(session, room_id) if touched.members else None,
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

    def add(self, event: RoomEvent) -> None:
        touched: RoomEffects = event.effects
        self.cards |= touched.cards
        self.gone |= touched.gone
        self.vote_cards |= touched.vote_cards
        self.voters |= touched.voters
        self.clusters_new |= touched.clusters_new
        self.clusters_renamed |= touched.clusters_renamed
        self.clusters_gone |= touched.clusters_gone
        self.takeaways |= touched.takeaways
        self.members |= touched.members
        self.state |= touched.state
        if event.type == RoomEventType.MEMBER_REMOVED:
            self.removed.append(touched.participant_id)
        if event.type == RoomEventType.MODERATION_ENDED:
            self.demoted.extend(touched.participant_ids)
        if event.type == RoomEventType.CARD_POSTED:
            self.posted.extend(sorted(touched.cards))
        # A card that comes back (undo of a merge) is no longer gone.
        self.gone -= touched.cards


def _newest_posted(shown: list, posted: list[int]):
    by_id = {card.id: card for card in shown}
    for card_id in reversed(posted):
        if card_id in by_id:
            return by_id[card_id]
    return None
