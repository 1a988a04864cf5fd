"""Rules of a room's idea board."""

from dataclasses import dataclass

from .errors import DomainError
from .permissions import Action, Role, require
from .phases import RoomState, require_posting_allowed
from .text import clean_text

MAX_CARD_LENGTH = 500


@dataclass(frozen=True)
class BoardState:
    """What the rules need to know about a room when someone acts on its board."""

    room_id: int
    column_ids: frozenset[int]
    room: RoomState


@dataclass(frozen=True)
class CardPosted:
    """A new idea card appeared in a column of a room's board."""

    column_id: int
    text: str


def post_card(board: BoardState, role: Role, column_id: int, text: str) -> CardPosted:
    """Post an idea into one of the room's columns.

    The text is cleaned first, so a card of only spaces counts as empty and the
    length limit applies to what others will actually see.
    """
    require(role, Action.POST_CARD)
    require_posting_allowed(role, board.room)
    if column_id not in board.column_ids:
        raise DomainError("unknown_column")
    cleaned = clean_text(text, multiline=True)
    if not cleaned:
        raise DomainError("card_empty")
    if len(cleaned) > MAX_CARD_LENGTH:
        raise DomainError("card_too_long", max=MAX_CARD_LENGTH, length=len(cleaned))
    return CardPosted(column_id=column_id, text=cleaned)
