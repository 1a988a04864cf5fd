"""What moderators do to cards: hide, approve, highlight, move, cluster, merge, and undo.

Every action here saves the fields it changes as they were (`undo` in the event), so the
moderator can take the last actions back one by one.
"""

from ..domain import board, clusters
from ..domain.board import CardStatus
from ..domain.errors import DomainError
from ..store import cards
from ..store import clusters as cluster_store
from ..store import votes as vote_store
from ..store.boards import board_state
from ..store.records import ParticipantRecord, RoomRecord
from ..store.room_events import RoomEventType, effects, last_undoable, mark_undone
from ..store.undo import Undo
from .backends import Backends
from .change import Applied, Change, Context, Created, apply


def _saved(c: Context, card_ids, *fields: str) -> dict:
    return {card_id: cards.snapshot_of(c.session, card_id, *fields) for card_id in card_ids}


async def set_status(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    card_id: int,
    action: str,
    command_id: str | None = None,
) -> Applied:
    """hide, unhide or approve one card."""
    rules = {"hide": board.hide, "unhide": board.unhide, "approve": board.approve}
    types = {
        "hide": RoomEventType.CARD_HIDDEN,
        "unhide": RoomEventType.CARD_UNHIDDEN,
        "approve": RoomEventType.CARD_APPROVED,
    }

    def decide(c: Context) -> Change:
        status = rules[action](c.role, cards.one(c.session, c.room_id, card_id))
        before = _saved(c, [card_id], "status")
        cards.change(c.session, [card_id], status=status.value)
        return Change(types[action], effects(cards=[card_id], undo=Undo(cards=before)))

    return await apply(backends, moderator, room, command_id, decide)


async def highlight(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    card_id: int,
    highlighted: bool,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        flag = board.highlight(c.role, cards.one(c.session, c.room_id, card_id), highlighted)
        before = _saved(c, [card_id], "highlighted")
        cards.change(c.session, [card_id], highlighted=flag)
        return Change(
            RoomEventType.CARD_HIGHLIGHTED, effects(cards=[card_id], undo=Undo(cards=before))
        )

    return await apply(backends, moderator, room, command_id, decide)


async def move(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    card_ids: list[int],
    column_id: int,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        state = board_state(c.session, c.room_id)
        found = cards.facts(c.session, c.room_id, card_ids)
        if not card_ids:
            raise DomainError("unknown_card")
        for card_id in card_ids:
            board.move(state, c.role, found.get(card_id), column_id)
        before = _saved(c, card_ids, "column_id", "cluster_id")
        cards.change(c.session, card_ids, column_id=column_id, cluster_id=None)
        return Change(RoomEventType.CARD_MOVED, effects(cards=card_ids, undo=Undo(cards=before)))

    return await apply(backends, moderator, room, command_id, decide)


async def merge(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    card_ids: list[int],
    command_id: str | None = None,
) -> Applied:
    """Fold duplicates into the oldest card: dots and comments move along, the texts of
    the duplicates show on it, and undo separates them again."""

    def decide(c: Context) -> Change:
        found = cards.facts(c.session, c.room_id, card_ids)
        into, sources = board.merge(c.role, [found.get(card_id) for card_id in card_ids])
        source_ids = [card.id for card in sources]
        before = _saved(c, source_ids, "status", "merged_into", "cluster_id")
        moved_votes = {vote: card for vote, card, _ in vote_store.on_cards(c.session, source_ids)}
        moved_comments = {
            comment: source
            for source in source_ids
            for comment in cards.comment_ids_of(c.session, source)
        }
        voters = [voter for _, _, voter in vote_store.on_cards(c.session, source_ids)]
        cards.change(
            c.session,
            source_ids,
            status=CardStatus.MERGED.value,
            merged_into=into.id,
            cluster_id=None,
        )
        vote_store.move(c.session, list(moved_votes), into.id)
        cards.move_comments(c.session, list(moved_comments), into.id)
        undo = Undo(before, votes=moved_votes, comments=moved_comments, refresh=[into.id])
        payload = effects(cards=[into.id], gone=source_ids, voters=voters, undo=undo)
        return Change(RoomEventType.CARDS_MERGED, payload)

    return await apply(backends, moderator, room, command_id, decide)


async def group(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    card_ids: list[int],
    name: str,
    command_id: str | None = None,
) -> Applied:
    """Put cards into a new named cluster in their column."""

    def decide(c: Context) -> Change:
        found = cards.facts(c.session, c.room_id, card_ids)
        cleaned = clusters.group(c.role, [found.get(card_id) for card_id in card_ids], name)
        column_id = found[card_ids[0]].column_id
        cluster_id = cluster_store.create(c.session, c.room_id, column_id, cleaned)
        before = _saved(c, card_ids, "cluster_id")
        cards.change(c.session, card_ids, cluster_id=cluster_id)
        undo = Undo(before, clusters={cluster_id: {"removed": True}})
        payload = effects(cards=card_ids, clusters_new=[cluster_id], undo=undo)
        return Change(
            RoomEventType.CLUSTER_CREATED, payload, created=Created("cluster", cluster_id)
        )

    return await apply(backends, moderator, room, command_id, decide)


async def add_to_cluster(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    card_ids: list[int],
    cluster_id: int | None,
    command_id: str | None = None,
) -> Applied:
    """Put cards into an existing cluster, or (cluster_id None) take them out of theirs."""

    def decide(c: Context) -> Change:
        found = cards.facts(c.session, c.room_id, card_ids)
        listed = [found.get(card_id) for card_id in card_ids]
        if cluster_id is None:
            clusters.take_out(c.role, listed)
        else:
            cluster = cluster_store.facts(c.session, c.room_id, cluster_id)
            clusters.add_to(c.role, listed, cluster)
        before = _saved(c, card_ids, "cluster_id")
        cards.change(c.session, card_ids, cluster_id=cluster_id)
        return Change(
            RoomEventType.CARDS_CLUSTERED, effects(cards=card_ids, undo=Undo(cards=before))
        )

    return await apply(backends, moderator, room, command_id, decide)


async def rename_cluster(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    cluster_id: int,
    name: str,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        cluster = cluster_store.facts(c.session, c.room_id, cluster_id)
        cleaned = clusters.rename(c.role, cluster, name)
        cluster_store.change(c.session, cluster_id, name=cleaned)
        undo = Undo(clusters={cluster_id: {"name": cluster.name}})
        return Change(
            RoomEventType.CLUSTER_RENAMED, effects(clusters_renamed=[cluster_id], undo=undo)
        )

    return await apply(backends, moderator, room, command_id, decide)


async def ungroup(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    cluster_id: int,
    command_id: str | None = None,
) -> Applied:
    """Dissolve a cluster; its cards stay in the column."""

    def decide(c: Context) -> Change:
        clusters.ungroup(c.role, cluster_store.facts(c.session, c.room_id, cluster_id))
        members = cards.ids_in_cluster(c.session, cluster_id)
        before = _saved(c, members, "cluster_id")
        cards.change(c.session, members, cluster_id=None)
        cluster_store.change(c.session, cluster_id, removed=True)
        undo = Undo(before, clusters={cluster_id: {"removed": False}})
        payload = effects(cards=members, clusters_gone=[cluster_id], undo=undo)
        return Change(RoomEventType.CLUSTER_UNGROUPED, payload)

    return await apply(backends, moderator, room, command_id, decide)


async def undo(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    command_id: str | None = None,
) -> Applied:
    """Take back the newest moderation action that is not taken back yet."""

    def decide(c: Context) -> Change:
        last = last_undoable(c.session, c.room_id)
        board.undo(c.role, last is not None)
        seq, saved = last
        restored = saved.restore(c.session, c.room_id)
        mark_undone(c.session, c.room_id, seq)
        payload = effects(
            cards=restored.cards + restored.vote_cards,
            clusters_new=restored.clusters_new,
            clusters_renamed=restored.clusters_renamed,
            clusters_gone=restored.clusters_gone,
            voters=restored.voters,
            undid=seq,
        )
        return Change(RoomEventType.UNDONE, payload)

    return await apply(backends, moderator, room, command_id, decide)
