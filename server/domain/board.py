"""Rules for the cards of a room's idea board: posting, editing, comments, moderation."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import DomainError
from .permissions import Action, Role, is_allowed, require
from .phases import RoomState, require_board_open, require_posting_allowed
from .text import clean_text

MAX_CARD_LENGTH = 500
MAX_COMMENT_LENGTH = 500

# What one board can hold, however long the day: rate limits slow a flood down, these
# end it. Far above what a room of people writes (a lively room of 30 posts ~150 ideas),
# and the same for every installation, like the lengths above. Every card and comment
# stored counts, whatever became of it: deleted and merged ones stay in the history.
MAX_CARDS_PER_PERSON = 200  # in one room
MAX_CARDS_PER_ROOM = 2000
MAX_COMMENTS_PER_PERSON = 500  # in one room
MAX_COMMENTS_PER_CARD = 100  # a card is sent whole, comments and all, on every change
MAX_COMMENTS_PER_ROOM = 5000


class CardStatus(StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"  # waits in the moderator's queue (pre-moderation)
    HIDDEN = "hidden"  # seen by moderators only
    DELETED = "deleted"  # by its author; kept for the room's history
    MERGED = "merged"  # folded into another card; its text shows there


# A card that still belongs to the board (the others live on only in the history).
LIVE = frozenset({CardStatus.VISIBLE, CardStatus.PENDING, CardStatus.HIDDEN})


@dataclass(frozen=True)
class BoardState:
    """What the rules need to know about a room when someone acts on its board."""

    room_id: int
    column_ids: frozenset[int]
    room: RoomState


@dataclass(frozen=True)
class CardFacts:
    """What the rules need to know about one card."""

    id: int
    column_id: int
    author_id: int
    status: CardStatus
    highlighted: bool = False
    cluster_id: int | None = None


@dataclass(frozen=True)
class Stored:
    """How much a room's board holds: cards and comments in the room, by the person who
    acts, and (for a comment) on the card commented on."""

    cards: int = 0
    my_cards: int = 0
    comments: int = 0
    my_comments: int = 0
    on_card: int = 0


@dataclass(frozen=True)
class CardPosted:
    """A new idea card appeared in a column (or waits for approval)."""

    column_id: int
    text: str
    status: CardStatus


@dataclass(frozen=True)
class CardEdited:
    text: str
    by_moderator: bool  # shown on the card, so nobody mistakes it for the author's words


def card_text(text: str, max_length: int = MAX_CARD_LENGTH) -> str:
    """Clean first, so a card of only spaces counts as empty and the limit applies to
    what others will actually see."""
    cleaned = clean_text(text, multiline=True)
    if not cleaned:
        raise DomainError("card_empty")
    if len(cleaned) > max_length:
        raise DomainError("card_too_long", max=max_length, length=len(cleaned))
    return cleaned


def post_card(
    board: BoardState, role: Role, column_id: int, text: str, now: datetime
) -> CardPosted:
    require(role, Action.POST_CARD)
    require_posting_allowed(role, board.room, now)
    if column_id not in board.column_ids:
        raise DomainError("unknown_column")
    moderator = is_allowed(role, Action.MODERATE_CARDS)
    waits = board.room.settings.pre_moderation and not moderator
    status = CardStatus.PENDING if waits else CardStatus.VISIBLE
    return CardPosted(column_id=column_id, text=card_text(text), status=status)


def require_room_for_card(stored: Stored) -> None:
    """A new card fits on the board and within its author's share."""
    if stored.my_cards >= MAX_CARDS_PER_PERSON:
        raise DomainError("cards_per_person", max=MAX_CARDS_PER_PERSON)
    if stored.cards >= MAX_CARDS_PER_ROOM:
        raise DomainError("cards_per_room", max=MAX_CARDS_PER_ROOM)


def require_room_for_comment(stored: Stored) -> None:
    """A new comment fits on its card, on the board and within its author's share."""
    if stored.my_comments >= MAX_COMMENTS_PER_PERSON:
        raise DomainError("comments_per_person", max=MAX_COMMENTS_PER_PERSON)
    if stored.on_card >= MAX_COMMENTS_PER_CARD:
        raise DomainError("comments_per_card", max=MAX_COMMENTS_PER_CARD)
    if stored.comments >= MAX_COMMENTS_PER_ROOM:
        raise DomainError("comments_per_room", max=MAX_COMMENTS_PER_ROOM)


def _require_live(card: CardFacts | None) -> CardFacts:
    if card is None or card.status not in LIVE:
        raise DomainError("unknown_card")
    return card


def edit_card(
    board: BoardState,
    role: Role,
    actor_id: int,
    card: CardFacts | None,
    text: str,
    current_text: str,
    now: datetime,
) -> CardEdited:
    """Authors edit their own cards while the phase allows; moderators edit any card."""
    card = _require_live(card)
    if card.author_id == actor_id:
        require(role, Action.EDIT_OWN_CARD)
        require_posting_allowed(role, board.room, now)
        by_moderator = False
    elif is_allowed(role, Action.MODERATE_CARDS):
        by_moderator = True
    else:
        raise DomainError("not_your_card")
    cleaned = card_text(text)
    if cleaned == current_text:
        raise DomainError("card_unchanged")
    return CardEdited(text=cleaned, by_moderator=by_moderator)


def delete_card(
    board: BoardState, role: Role, actor_id: int, card: CardFacts | None, now: datetime
) -> None:
    """Only authors delete, while the phase allows; moderators hide instead (reversible)."""
    card = _require_live(card)
    if card.author_id != actor_id:
        raise DomainError("not_your_card")
    require(role, Action.EDIT_OWN_CARD)
    require_posting_allowed(role, board.room, now)


def comment(board: BoardState, role: Role, card: CardFacts | None, text: str, now: datetime) -> str:
    """Comment on a visible card in any phase but closed; returns the cleaned text."""
    require(role, Action.COMMENT)
    require_board_open(role, board.room, now)
    card = _require_live(card)
    if card.status != CardStatus.VISIBLE:
        raise DomainError("unknown_card")
    return card_text(text, MAX_COMMENT_LENGTH)


def hide(role: Role, card: CardFacts | None) -> CardStatus:
    require(role, Action.MODERATE_CARDS)
    card = _require_live(card)
    if card.status == CardStatus.HIDDEN:
        raise DomainError("card_already_hidden")
    return CardStatus.HIDDEN


def unhide(role: Role, card: CardFacts | None) -> CardStatus:
    require(role, Action.MODERATE_CARDS)
    card = _require_live(card)
    if card.status != CardStatus.HIDDEN:
        raise DomainError("card_not_hidden")
    return CardStatus.VISIBLE


def approve(role: Role, card: CardFacts | None) -> CardStatus:
    require(role, Action.MODERATE_CARDS)
    card = _require_live(card)
    if card.status != CardStatus.PENDING:
        raise DomainError("card_not_pending")
    return CardStatus.VISIBLE


def highlight(role: Role, card: CardFacts | None, highlighted: bool) -> bool:
    require(role, Action.MODERATE_CARDS)
    card = _require_live(card)
    if card.status != CardStatus.VISIBLE:
        raise DomainError("unknown_card")
    if card.highlighted == highlighted:
        raise DomainError("card_unchanged")
    return highlighted


def move(board: BoardState, role: Role, card: CardFacts | None, column_id: int) -> int:
    """Move a card to another column; it leaves its cluster, which belongs to the old one."""
    require(role, Action.MODERATE_CARDS)
    card = _require_live(card)
    if column_id not in board.column_ids:
        raise DomainError("unknown_column")
    if column_id == card.column_id:
        raise DomainError("card_unchanged")
    return column_id


def merge(role: Role, cards: list[CardFacts | None]) -> tuple[CardFacts, list[CardFacts]]:
    """Fold duplicates into the oldest of them; votes and comments go along."""
    require(role, Action.MODERATE_CARDS)
    live = [_require_live(card) for card in cards]
    if len({card.id for card in live}) < 2:
        raise DomainError("merge_needs_two")
    if any(card.status == CardStatus.PENDING for card in live):
        raise DomainError("merge_pending")
    ordered = sorted({card.id: card for card in live}.values(), key=lambda card: card.id)
    return ordered[0], ordered[1:]


def undo(role: Role, has_action: bool) -> None:
    """Moderators take back their last card or cluster action, one step at a time."""
    require(role, Action.MODERATE_CARDS)
    if not has_action:
        raise DomainError("nothing_to_undo")
