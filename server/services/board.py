"""What members do on a room's board: post, edit and delete their cards, comment, vote."""

from sqlmodel import Session

from ..domain import board, votes
from ..domain.board import CardStatus
from ..store import boards, cards
from ..store import votes as vote_store
from ..store.events import room_log
from ..store.records import BoardRecord, ParticipantRecord, RoomRecord
from ..store.room_events import RoomEventType, effects
from ..store.undo import Undo
from .backends import Backends
from .change import Applied, Change, Context, Created, apply


async def post_card(
    backends: Backends,
    participant: ParticipantRecord,
    room: RoomRecord,
    column_id: int,
    text: str,
    command_id: str | None,
) -> Applied:
    def decide(c: Context) -> Change:
        posted = board.post_card(
            boards.board_state(c.session, c.room_id), c.role, column_id, text, c.now
        )
        board.require_room_for_card(boards.stored_cards(c.session, c.room_id, c.actor_id))
        card_id = boards.insert_card(
            c.session, c.room_id, posted.column_id, c.actor_id, posted.text, posted.status
        )
        waits = posted.status == CardStatus.PENDING
        notice = "card_waits" if waits else None
        return Change(
            RoomEventType.CARD_POSTED, effects(cards=[card_id]), notice, Created("card", card_id)
        )

    return await apply(backends, participant, room, command_id, decide)


async def edit_card(
    backends: Backends,
    participant: ParticipantRecord,
    room: RoomRecord,
    card_id: int,
    text: str,
    command_id: str | None,
) -> Applied:
    """Authors edit their own cards; a moderator's edit is marked and can be undone."""

    def decide(c: Context) -> Change:
        card = cards.one(c.session, c.room_id, card_id)
        current = cards.text_of(c.session, card_id) if card else ""
        state = boards.board_state(c.session, c.room_id)
        edited = board.edit_card(state, c.role, c.actor_id, card, text, current, c.now)
        before = cards.snapshot_of(c.session, card_id, "text", "edited_at", "edited_by_moderator")
        cards.edit_text(c.session, card_id, edited.text, edited.by_moderator)
        undo = Undo(cards={card_id: before}) if edited.by_moderator else None
        return Change(RoomEventType.CARD_EDITED, effects(cards=[card_id], undo=undo))

    return await apply(backends, participant, room, command_id, decide)


async def delete_card(
    backends: Backends,
    participant: ParticipantRecord,
    room: RoomRecord,
    card_id: int,
    command_id: str | None,
) -> Applied:
    """The card leaves the board but not the history; its dots go back to the voters."""

    def decide(c: Context) -> Change:
        card = cards.one(c.session, c.room_id, card_id)
        board.delete_card(boards.board_state(c.session, c.room_id), c.role, c.actor_id, card, c.now)
        cards.change(c.session, [card_id], status=CardStatus.DELETED.value, cluster_id=None)
        voters = vote_store.delete_on_card(c.session, card_id)
        return Change(RoomEventType.CARD_DELETED, effects(gone=[card_id], voters=voters))

    return await apply(backends, participant, room, command_id, decide)


async def add_comment(
    backends: Backends,
    participant: ParticipantRecord,
    room: RoomRecord,
    card_id: int,
    text: str,
    command_id: str | None,
) -> Applied:
    def decide(c: Context) -> Change:
        card = cards.one(c.session, c.room_id, card_id)
        cleaned = board.comment(boards.board_state(c.session, c.room_id), c.role, card, text, c.now)
        stored = boards.stored_comments(c.session, c.room_id, c.actor_id, card_id)
        board.require_room_for_comment(stored)
        comment_id = cards.add_comment(c.session, c.room_id, card_id, c.actor_id, cleaned)
        payload = effects(cards=[card_id], comment_id=comment_id)
        return Change(RoomEventType.COMMENT_ADDED, payload, created=Created("comment", comment_id))

    return await apply(backends, participant, room, command_id, decide)


async def vote(
    backends: Backends,
    participant: ParticipantRecord,
    room: RoomRecord,
    card_id: int,
    command_id: str | None,
    withdraw: bool = False,
) -> Applied:
    """One dot more (or less). The room's row lock, taken before `mine` is read, keeps two
    sockets of one person from spending the same dot twice."""

    def decide(c: Context) -> Change:
        card = cards.one(c.session, c.room_id, card_id)
        state = boards.board_state(c.session, c.room_id).room
        mine = vote_store.my_votes(c.session, c.room_id, c.actor_id)
        if withdraw:
            votes.withdraw(c.role, state, card, mine, c.now)
            vote_store.remove_latest(c.session, card_id, c.actor_id)
        else:
            votes.cast(c.role, state, c.actor_id, card, mine, c.now)
            vote_store.add(c.session, c.room_id, card_id, c.actor_id)
        payload = effects(vote_cards=[card_id], voters=[c.actor_id])
        return Change(
            RoomEventType.VOTE_WITHDRAWN if withdraw else RoomEventType.VOTE_CAST, payload
        )

    return await apply(backends, participant, room, command_id, decide)


async def load_board(backends: Backends, room: RoomRecord) -> BoardRecord:
    def read(session: Session) -> BoardRecord:
        return boards.load_board(session, room.id, room_log.last_seq(session, room.id))

    return await backends.database.read(read)
