"""Registration before the event: who comes, and which workshops they get. Pure rules.

Workshops are the programme's items of kind "workshop". Those that run at the same time
(one slot of `agenda.slots`) are alternatives: a person ranks the workshops of a slot
they want, best first, and holds at most one seat per slot. A workshop has as many
places as its room holds (no room: no limit).

A person's standing in a workshop they ranked is a `Place`: a seat, waiting for one, or
a wish not yet decided. Who waits waits in the order of registration (`since`).

- First come (the default, and every registration once seats are allocated): a new
  registration gets, in each slot, a seat in the best-ranked workshop with a free place.
  Where all its wishes of a slot are full it waits for all of them, and the first seat
  that frees among them is its.
- By preference (`allocation: preferences`): wishes are only collected until the
  organiser allocates; then each slot is filled so that as many people as possible get
  their first wish, then their second, and so on (rank-maximal, `assignment.ByPreference`);
  whoever gets none of their wishes waits for all of them.
- A seat given back (a cancellation, the organiser moving someone) goes to the first
  person waiting for that workshop: they move up and stop waiting in that slot.
"""

import datetime
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .assignment import BreakoutRoom, ByPreference, Person
from .errors import DomainError
from .participants import MAX_ORGANISATION_LENGTH, join
from .text import optional_text

MAX_ROLE_LENGTH = 100
MAX_ACCESSIBILITY_LENGTH = 1000


class Standing(StrEnum):
    SEAT = "seat"
    WAITING = "waiting"
    WISHED = "wished"  # collected for the organiser's allocation, not decided yet


class Allocation(StrEnum):
    FIRST_COME = "first_come"
    PREFERENCES = "preferences"


@dataclass(frozen=True)
class Workshop:
    item_id: int
    capacity: int | None  # None: no limit


@dataclass(frozen=True)
class Place:
    registration_id: int
    item_id: int
    rank: int  # 0: the person's first wish in the slot
    standing: Standing
    since: int  # the order of registration: who waits longer moves up first


Ranking = Sequence[int]  # workshop item ids of one slot, best first


def check_ranking(slot: Sequence[Workshop], ranking: Ranking) -> None:
    known = {workshop.item_id for workshop in slot}
    if len(set(ranking)) != len(ranking):
        raise DomainError("registration_ranked_twice")
    if any(item_id not in known for item_id in ranking):
        raise DomainError("registration_unknown_workshop")


def seats_taken(places: Iterable[Place]) -> dict[int, int]:
    taken: dict[int, int] = {}
    for place in places:
        if place.standing == Standing.SEAT:
            taken[place.item_id] = taken.get(place.item_id, 0) + 1
    return taken


def has_room(workshop: Workshop, taken: Mapping[int, int]) -> bool:
    return workshop.capacity is None or taken.get(workshop.item_id, 0) < workshop.capacity


def place_first_come(
    slot: Sequence[Workshop],
    taken: Mapping[int, int],
    registration_id: int,
    ranking: Ranking,
    since: int,
) -> list[Place]:
    """A new registration's places in one slot: a seat in its best-ranked workshop with a
    free place, else waiting for every workshop it ranked."""
    check_ranking(slot, ranking)
    by_id = {workshop.item_id: workshop for workshop in slot}
    seat = next((item for item in ranking if has_room(by_id[item], taken)), None)
    if seat is not None:
        return [Place(registration_id, seat, ranking.index(seat), Standing.SEAT, since)]
    return [
        Place(registration_id, item, rank, Standing.WAITING, since)
        for rank, item in enumerate(ranking)
    ]


def wishes(registration_id: int, ranking: Ranking, since: int) -> list[Place]:
    """Places collected for the organiser's allocation."""
    return [
        Place(registration_id, item, rank, Standing.WISHED, since)
        for rank, item in enumerate(ranking)
    ]


def first_in_line(workshop: Workshop, places: Sequence[Place]) -> int | None:
    """Who gets the seat freed in `workshop` (`places`: the slot's, after the seat was given
    back): the registration waiting longest for it, if there is a free place."""
    if not has_room(workshop, seats_taken(places)):
        return None
    waiting = [
        p for p in places if p.item_id == workshop.item_id and p.standing == Standing.WAITING
    ]
    return (
        min(waiting, key=lambda p: (p.since, p.registration_id)).registration_id
        if waiting
        else None
    )


def move_up(workshop: Workshop, places: Sequence[Place]) -> list[Place]:
    """The slot's places after a seat in `workshop` was given back: the first in line
    takes it and waits no longer elsewhere in the slot; again while places are free."""
    result = list(places)
    while (chosen := first_in_line(workshop, result)) is not None:
        result = seat(result, chosen, workshop.item_id)
    return result


def seat(places: Sequence[Place], registration_id: int, item_id: int) -> list[Place]:
    """`registration_id` seated in `item_id`: its other places in the slot are dropped."""
    own = next((p for p in places if p.registration_id == registration_id), None)
    since = own.since if own is not None else 0
    rank = next(
        (p.rank for p in places if p.registration_id == registration_id and p.item_id == item_id),
        -1,  # the organiser placed them where they did not wish to go
    )
    others = [p for p in places if p.registration_id != registration_id]
    return [*others, Place(registration_id, item_id, rank, Standing.SEAT, since)]


def allocate(slot: Sequence[Workshop], places: Sequence[Place], seed: int) -> list[Place]:
    """Seats for everyone who wished in this slot, rank-maximal among the wishes; seats
    already given stay. Whoever gets none of their wishes waits for all of them."""
    fixed = {p.registration_id: str(p.item_id) for p in places if p.standing == Standing.SEAT}
    wished = [p for p in places if p.standing != Standing.SEAT]
    rankings: dict[int, list[str]] = {}
    since: dict[int, int] = {}
    for place in sorted(wished, key=lambda p: p.rank):
        rankings.setdefault(place.registration_id, []).append(str(place.item_id))
        since[place.registration_id] = place.since
    if not rankings:
        return list(places)
    # Whoever cannot be seated sits in a room nobody ranked: places there cost nothing,
    # so the ranked places are shared out exactly as if it were not there.
    nowhere = BreakoutRoom("", len(rankings))
    rooms = [
        BreakoutRoom(
            str(w.item_id), len(fixed) + len(rankings) if w.capacity is None else w.capacity
        )
        for w in slot
    ]
    people = [Person(registration_id, str(registration_id)) for registration_id in rankings]
    method = ByPreference(rankings, random.Random(seed))
    placed = method.place([*rooms, nowhere], fixed, people)
    result = [p for p in places if p.standing == Standing.SEAT]
    for registration_id, ranking in rankings.items():
        room = placed[registration_id]
        if room in ranking:
            item = int(room)
            rank = ranking.index(room)
            result.append(Place(registration_id, item, rank, Standing.SEAT, since[registration_id]))
        else:
            result.extend(
                Place(registration_id, int(item), rank, Standing.WAITING, since[registration_id])
                for rank, item in enumerate(ranking)
            )
    return result


def move(
    slot: Sequence[Workshop], places: Sequence[Place], registration_id: int, item_id: int
) -> list[Place]:
    """The organiser seats someone in another workshop of the slot (it must have a free
    place); the seat they leave goes to whoever waits for it."""
    by_id = {workshop.item_id: workshop for workshop in slot}
    if item_id not in by_id:
        raise DomainError("registration_unknown_workshop")
    own_seat = next(
        (p for p in places if p.registration_id == registration_id and p.standing == Standing.SEAT),
        None,
    )
    if own_seat is not None and own_seat.item_id == item_id:
        return list(places)
    if not has_room(by_id[item_id], seats_taken(places)):
        raise DomainError("registration_workshop_full")
    result = seat(places, registration_id, item_id)
    if own_seat is not None:
        result = move_up(by_id[own_seat.item_id], result)
    return result


def cancel(slot: Sequence[Workshop], places: Sequence[Place], registration_id: int) -> list[Place]:
    """Someone gives back their seat or leaves the waitlists of one slot."""
    by_id = {workshop.item_id: workshop for workshop in slot}
    own_seat = next(
        (p for p in places if p.registration_id == registration_id and p.standing == Standing.SEAT),
        None,
    )
    result = [p for p in places if p.registration_id != registration_id]
    if own_seat is not None:
        result = move_up(by_id[own_seat.item_id], result)
    return result


def waiting_position(places: Sequence[Place], registration_id: int, item_id: int) -> int | None:
    """1 for the first in line for `item_id`; None when `registration_id` does not wait."""
    line = sorted(
        (p for p in places if p.item_id == item_id and p.standing == Standing.WAITING),
        key=lambda p: (p.since, p.registration_id),
    )
    ids = [p.registration_id for p in line]
    return ids.index(registration_id) + 1 if registration_id in ids else None


# --- The person ---


@dataclass(frozen=True)
class Registering:
    """What a person typed on the registration form, checked."""

    name: str
    organisation: str | None
    municipality: str | None
    role: str | None
    accessibility: str | None


def registering(
    name: str,
    organisation: str,
    municipality: str,
    role: str,
    accessibility: str,
    consent: bool,
    code: str,
    invitations: Mapping[str, str],
) -> Registering:
    """The form's fields, checked. Consent to keep the data for the event is required.
    With `invitations` (code -> municipality) only a known code registers, and the code
    names the municipality."""
    joining = join(name, organisation)
    if invitations:
        municipality = invitations.get(code.strip().upper(), "")
        if not municipality:
            raise DomainError("registration_code_unknown")
    if not consent:
        raise DomainError("registration_consent_missing")
    return Registering(
        name=joining.display_name,
        organisation=joining.organisation,
        municipality=optional_text(municipality, MAX_ORGANISATION_LENGTH, "municipality_too_long"),
        role=optional_text(role, MAX_ROLE_LENGTH, "role_too_long"),
        accessibility=optional_text(
            accessibility, MAX_ACCESSIBILITY_LENGTH, "accessibility_too_long", multiline=True
        ),
    )


def is_open(
    opened: bool | None, closes: datetime.date | None, last_day: datetime.date, today: datetime.date
) -> bool:
    """The organiser's word (`opened`) when they gave it: closing early, or taking late
    registrations; else open through its last day (the conference's last day unless the
    file says an earlier one)."""
    if opened is not None:
        return opened
    return today <= (closes or last_day)
