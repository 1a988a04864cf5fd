"""Where each room's results go in the Ergebnisprotokoll: under the programme item the
room was used for.

An item held in a room (a workshop's `room:`) has that room; a breakout item has the rooms
its breakout was opened with. A room used for several items (a workshop room on three
days, a room opened by two breakouts) has one board for all of them: it is written once,
under the first of them the report shows, and named under the others. A room of no item
goes under the first breakout item shown; without one, after the programme, but only in
a report of the whole programme (a day's or a track's cannot tell whether it belongs).
"""

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from ..store.records import AgendaRecord, RoomRecord


@dataclass(frozen=True)
class Part:
    """One programme item's part of the report and the rooms written in it."""

    item: AgendaRecord | None  # None: rooms of no item, after the programme
    rooms: list[RoomRecord] = field(default_factory=list)
    # Rooms of this item whose board is written under an earlier item, and that item.
    written_under: list[tuple[RoomRecord, AgendaRecord]] = field(default_factory=list)


def items_of_rooms(
    agenda: list[AgendaRecord],
    rooms: list[RoomRecord],
    opened_with: Mapping[int, Collection[int]],
) -> dict[int, list[AgendaRecord]]:
    """room id -> the items it was used for, in programme order. `opened_with`: agenda
    item id -> ids of the rooms a breakout opened on that item had."""
    ids = {room.slug: room.id for room in rooms}
    used: dict[int, list[AgendaRecord]] = {room.id: [] for room in rooms}
    for item in agenda:
        held_in = set(opened_with.get(item.id, ()))
        if item.room in ids:
            held_in.add(ids[item.room])
        for room_id in held_in & used.keys():
            used[room_id].append(item)
    return used


def parts(
    shown: list[AgendaRecord],
    rooms: list[RoomRecord],
    used_for: Mapping[int, list[AgendaRecord]],
    *,
    whole_programme: bool,
) -> list[Part]:
    """One part per item shown, in programme order, plus the rooms of no item at the end
    when there is no breakout item to hold them."""
    shown_ids = {item.id for item in shown}
    written: dict[int, list[RoomRecord]] = defaultdict(list)
    named: dict[int, list[tuple[RoomRecord, AgendaRecord]]] = defaultdict(list)
    homeless = []
    for room in rooms:
        items = [item for item in used_for.get(room.id, []) if item.id in shown_ids]
        if items:
            written[items[0].id].append(room)
            for later in items[1:]:
                named[later.id].append((room, items[0]))
        elif not used_for.get(room.id):
            homeless.append(room)
    breakout = next((item for item in shown if item.kind == "breakout"), None)
    if breakout is not None:
        written[breakout.id] += homeless
    result = [Part(item, written[item.id], named[item.id]) for item in shown]
    if breakout is None and homeless and whole_programme:
        result.append(Part(None, homeless))
    return result
