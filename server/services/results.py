"""The room's key takeaways, written by its moderator and seen live by everyone."""

from ..domain import results
from ..domain.board import CardStatus
from ..domain.errors import DomainError
from ..store import cards, takeaways
from ..store import clusters as cluster_store
from ..store.records import ParticipantRecord, RoomRecord
from ..store.room_events import RoomEventType, effects
from .backends import Backends
from .change import Applied, Change, Context, Created, apply


def _changed(action: str, created: int | None = None, **details) -> Change:
    payload = effects(takeaways_changed=True, action=action, **details)
    made = Created("takeaway", created) if created is not None else None
    return Change(RoomEventType.TAKEAWAYS_CHANGED, payload, created=made)


async def add(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    text: str,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        order = takeaways.order_of(c.session, c.room_id)
        cleaned = results.add(c.role, len(order), text)
        takeaway_id = takeaways.add(c.session, c.room_id, cleaned)
        return _changed("add", takeaway_id, text=cleaned)

    return await apply(backends, moderator, room, command_id, decide)


async def promote(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    card_id: int | None,
    cluster_id: int | None,
    command_id: str | None = None,
) -> Applied:
    """Take a card's text or a cluster's name into the takeaways, remembering the source."""

    def decide(c: Context) -> Change:
        order = takeaways.order_of(c.session, c.room_id)
        if card_id is not None:
            card = cards.one(c.session, c.room_id, card_id)
            if card is None or card.status != CardStatus.VISIBLE:
                raise DomainError("unknown_card")
            text = cards.text_of(c.session, card_id)
        else:
            cluster = cluster_store.facts(c.session, c.room_id, cluster_id or 0)
            if cluster is None:
                raise DomainError("unknown_cluster")
            text = cluster.name
        cleaned = results.add(c.role, len(order), text)
        takeaway_id = takeaways.add(
            c.session, c.room_id, cleaned, card_id=card_id, cluster_id=cluster_id
        )
        return _changed(
            "promote", takeaway_id, text=cleaned, card_id=card_id, cluster_id=cluster_id
        )

    return await apply(backends, moderator, room, command_id, decide)


async def edit(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    takeaway_id: int,
    text: str,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        exists = takeaway_id in takeaways.order_of(c.session, c.room_id)
        cleaned = results.edit(c.role, exists, text)
        takeaways.edit(c.session, takeaway_id, cleaned)
        return _changed("edit", takeaway_id=takeaway_id, text=cleaned)

    return await apply(backends, moderator, room, command_id, decide)


async def move(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    takeaway_id: int,
    step: int,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        order = results.move(c.role, takeaways.order_of(c.session, c.room_id), takeaway_id, step)
        takeaways.reorder(c.session, order)
        return _changed("move", takeaway_id=takeaway_id, step=step)

    return await apply(backends, moderator, room, command_id, decide)


async def remove(
    backends: Backends,
    moderator: ParticipantRecord,
    room: RoomRecord,
    takeaway_id: int,
    command_id: str | None = None,
) -> Applied:
    def decide(c: Context) -> Change:
        texts = {t.id: t.text for t in takeaways.takeaways_of(c.session, c.room_id)}
        results.remove(c.role, takeaway_id in texts)
        takeaways.remove(c.session, c.room_id, takeaway_id)
        # The text stays in the room's history.
        return _changed("remove", takeaway_id=takeaway_id, text=texts[takeaway_id])

    return await apply(backends, moderator, room, command_id, decide)
