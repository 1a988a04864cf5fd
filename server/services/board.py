"""Changing a room's idea board."""

from dataclasses import dataclass

from sqlmodel import Session

from ..domain import board
from ..store import boards, events
from ..store.records import BoardRecord, ParticipantRecord, RoomRecord
from ..store.room_updates import CARD_POSTED
from .access import role_in_room
from .backends import Backends


@dataclass(frozen=True)
class Applied:
    """A command's outcome: the event's seq, and whether it had been applied before."""

    seq: int
    duplicate: bool = False


async def post_card(
    backends: Backends,
    participant: ParticipantRecord,
    room: RoomRecord,
    column_id: int,
    text: str,
    command_id: str | None,
) -> Applied:
    def transaction(session: Session) -> Applied:
        role = role_in_room(session, participant, room)
        if command_id:
            seq = events.seq_of_command(session, room.id, participant.id, command_id)
            if seq is not None:
                return Applied(seq, duplicate=True)
        posted = board.post_card(boards.board_state(session, room.id), role, column_id, text)
        card_id = boards.insert_card(
            session, room.id, posted.column_id, participant.id, posted.text
        )
        payload = {"card_id": card_id}
        return Applied(
            events.append_event(session, room.id, CARD_POSTED, payload, participant.id, command_id)
        )

    applied = await backends.database.write(transaction)
    if not applied.duplicate:
        await backends.announce(room.id, applied.seq)
    return applied


async def load_board(backends: Backends, room: RoomRecord) -> BoardRecord:
    def read(session: Session) -> BoardRecord:
        return boards.load_board(session, room.id, events.last_seq(session, room.id))

    return await backends.database.read(read)
