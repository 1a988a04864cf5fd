"""Everything the realtime hub needs to bring a room's sockets up to date, in one read."""

import json

from sqlmodel import Session

from .boards import cards_by_id, load_board
from .events import events_after, last_seq
from .presence import count_present, members_by_id
from .records import RoomUpdate
from .rooms import room_state

CARD_POSTED = "card_posted"
MEMBER_JOINED = "member_joined"
MEMBER_LEFT = "member_left"
PHASE_CHANGED = "phase_changed"
BOARD_LOCKED = "board_locked"
ROOM_STATE_EVENTS = frozenset({PHASE_CHANGED, BOARD_LOCKED})


def load_room_update(
    session: Session, room_id: int, after_seq: int | None, with_snapshot: bool
) -> RoomUpdate:
    """The events after `after_seq` turned into what they changed, plus a snapshot.

    Done in one read so the snapshot and the changes describe the same moment: a socket
    that gets the snapshot needs none of the changes, the others need all of them.
    With `after_seq` None the caller knows nothing yet and only the snapshot matters.
    """
    events = events_after(session, room_id, after_seq) if after_seq is not None else []
    seq = events[-1].seq if events else last_seq(session, room_id)
    posted = [json.loads(e.payload)["card_id"] for e in events if e.type == CARD_POSTED]
    joined, left = _presence_changes(events)
    return RoomUpdate(
        seq=seq,
        first_seq=events[0].seq if events else seq + 1,
        inserted_cards=cards_by_id(session, posted) if posted else [],
        joined=members_by_id(session, room_id, joined) if joined else [],
        left=left,
        present_count=count_present(session, room_id) if joined or left else None,
        state=room_state(session, room_id)
        if any(e.type in ROOM_STATE_EVENTS for e in events)
        else None,
        snapshot=load_board(session, room_id, seq) if with_snapshot else None,
    )


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
