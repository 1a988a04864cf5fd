"""Registration before the event: the form, the personal link, and the organiser's desk.

A person registers without an account. Their personal link carries `<registration
id>.<secret>`, signed with the app's key (a forged or mistyped link is refused without
a database look-up); the database keeps only the secret's hash. The link opens their
schedule, lets them cancel, and on the day takes them into the live event as a
participant, into their workshop when it is running.

Every change runs in one write transaction, so two people taking the last seat at once
cannot both get it (one writer on SQLite; on PostgreSQL writes outside a room's or a
plenary's commands hold the write lock alone).
"""

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer
from sqlmodel import Session

from ..domain import registration as rules
from ..domain.errors import DomainError
from ..domain.participants import join
from ..domain.permissions import Action, Role, require
from ..domain.registration import Place, Standing
from ..store import conferences, plenary
from ..store import registrations as store
from ..store.records import AgendaRecord, ConferenceRecord, ParticipantRecord
from ..store.registrations import Desk, RegistrationRecord, WorkshopSlot
from .backends import Backends
from .rate_limits import RateLimits

SALT = "plenum.registration"

Rankings = Mapping[int, Sequence[int]]  # slot index -> workshop item ids, best first


def signer(secret_key: str) -> Signer:
    return Signer(secret_key, salt=SALT)


@dataclass(frozen=True)
class Offer:
    """What the registration form offers: the workshops of each slot with the places
    left (None: no limit), and whether it is open today."""

    desk: Desk
    slots: list[WorkshopSlot]
    free: dict[int, int | None]  # workshop item id -> places left
    open: bool


@dataclass(frozen=True)
class SlotStanding:
    """One slot as the person stands in it."""

    items: list[AgendaRecord]
    seat: AgendaRecord | None
    waiting: list[tuple[AgendaRecord, int]]  # the workshop and the place in its line
    wished: list[AgendaRecord]


@dataclass(frozen=True)
class Personal:
    registration: RegistrationRecord
    conference: ConferenceRecord
    desk: Desk
    slots: list[SlotStanding]
    programme: list[AgendaRecord]  # every item; of the workshops, the ones they have a seat in

    @property
    def cancelled(self) -> bool:
        return self.registration.cancelled_at is not None


async def takes_registrations(backends: Backends, conference: ConferenceRecord) -> bool:
    """Whether the conference has a registration at all (its settings only, no places)."""
    return await backends.database.read(lambda s: store.desk(s, conference.id) is not None)


async def offer(backends: Backends, conference: ConferenceRecord) -> Offer | None:
    """None: the conference takes no registrations."""
    return await backends.database.read(lambda s: _offer(s, conference))


def _offer(session: Session, conference: ConferenceRecord) -> Offer | None:
    desk = store.desk(session, conference.id)
    if desk is None:
        return None
    slots = store.workshop_slots(session, conference.id)
    free: dict[int, int | None] = {}
    for slot in slots:
        taken = rules.seats_taken(store.places(session, slot.item_ids))
        for workshop in slot.workshops:
            left = (
                None
                if workshop.capacity is None
                else workshop.capacity - taken.get(workshop.item_id, 0)
            )
            free[workshop.item_id] = None if left is None else max(0, left)
    is_open = rules.is_open(
        desk.opened, desk.settings.closes, conference.end_date or conference.date, conference.today
    )
    return Offer(desk, slots, free, is_open)


async def register(
    backends: Backends,
    signing: Signer,
    conference: ConferenceRecord,
    fields: Mapping[str, str],
    consent: bool,
    rankings: Rankings,
    limits: RateLimits,
    address: str,
) -> str:
    """Register someone; the token of their personal link (shown to them, never stored).

    Each registration counts against the client address's "join" limit, like a new
    participant (one refused for what was typed does not count): the form is public, and
    a script must not fill every workshop's places with made-up people.
    """
    _checked(await offer(backends, conference), fields, consent, rankings)
    (await limits.hit("join", "address", address)).raise_if_refused()
    secret = secrets.token_urlsafe(24)

    def transaction(session: Session) -> int:
        offered = _offer(session, conference)
        person = _checked(offered, fields, consent, rankings)
        record = store.add(session, conference.id, person, secret)
        by_preference = offered.desk.settings.allocation == rules.Allocation.PREFERENCES
        for index, slot in enumerate(offered.slots):
            ranking = list(rankings.get(index, ()))
            if not ranking:
                continue
            places = store.places(session, slot.item_ids)
            if by_preference and offered.desk.allocated_at is None:
                new = rules.wishes(record.id, ranking, record.id)
            else:
                taken = rules.seats_taken(places)
                new = rules.place_first_come(slot.workshops, taken, record.id, ranking, record.id)
            store.replace_places(session, slot.item_ids, [*places, *new])
        return record.id

    registration_id = await backends.database.write(transaction)
    return signing.sign(f"{registration_id}.{secret}").decode()


def _checked(
    offered: Offer | None, fields: Mapping[str, str], consent: bool, rankings: Rankings
) -> rules.Registering:
    """What the form says, if registration is open and it breaks no rule."""
    if offered is None:
        raise DomainError("registration_none")
    if not offered.open:
        raise DomainError("registration_closed")
    invitations = {i.code: i.municipality for i in offered.desk.settings.invitations}
    person = rules.registering(
        fields.get("name", ""),
        fields.get("organisation", ""),
        fields.get("municipality", ""),
        fields.get("role", ""),
        fields.get("accessibility", ""),
        consent,
        fields.get("code", ""),
        invitations,
    )
    for index, slot in enumerate(offered.slots):
        rules.check_ranking(slot.workshops, rankings.get(index, ()))
    return person


async def personal(
    backends: Backends, signing: Signer, conference: ConferenceRecord, token: str
) -> Personal:
    return await backends.database.read(lambda s: _personal(s, signing, conference, token))


def _personal(
    session: Session, signing: Signer, conference: ConferenceRecord, token: str
) -> Personal:
    registration = _registration(session, signing, conference, token)
    desk = store.desk(session, conference.id)
    if desk is None:
        raise DomainError("registration_invalid")
    standings = []
    for slot in store.workshop_slots(session, conference.id):
        places = store.places(session, slot.item_ids)
        own = [p for p in places if p.registration_id == registration.id]
        if own:
            standings.append(_standing(slot, places, own, registration.id))
    seats = {standing.seat.id for standing in standings if standing.seat}
    programme = [
        item
        for item in conferences.agenda_of(session, conference.id)
        if item.kind != "workshop" or item.id in seats
    ]
    return Personal(registration, conference, desk, standings, programme)


def _standing(slot: WorkshopSlot, places: list[Place], own: list[Place], registration_id: int):
    by_id = {item.id: item for item in slot.items}
    ranked = sorted(own, key=lambda p: p.rank)
    seat = next((by_id[p.item_id] for p in ranked if p.standing == Standing.SEAT), None)
    waiting = [
        (by_id[p.item_id], rules.waiting_position(places, registration_id, p.item_id))
        for p in ranked
        if p.standing == Standing.WAITING
    ]
    wished = [by_id[p.item_id] for p in ranked if p.standing == Standing.WISHED]
    return SlotStanding(slot.items, seat, waiting, wished)


def _registration(
    session: Session, signing: Signer, conference: ConferenceRecord, token: str
) -> RegistrationRecord:
    """The registration the link names, if it is one of this conference's."""
    try:
        registration_id, secret = signing.unsign(token).decode().split(".", 1)
        found = store.by_id(session, int(registration_id))
    except (BadSignature, ValueError):
        found = None
    if (
        found is None
        or found[0].conference_id != conference.id
        or not secrets.compare_digest(found[1], store.secret_hash(secret))
    ):
        raise DomainError("registration_invalid")
    return found[0]


async def cancel(
    backends: Backends, signing: Signer, conference: ConferenceRecord, token: str
) -> None:
    """The person cancels: their seats go to whoever waits for them."""

    def transaction(session: Session) -> None:
        _cancel(session, _registration(session, signing, conference, token))

    await backends.database.write(transaction)


def _cancel(session: Session, registration: RegistrationRecord) -> None:
    if registration.cancelled_at is not None:
        return
    for slot in store.workshop_slots(session, registration.conference_id):
        places = store.places(session, slot.item_ids)
        if any(p.registration_id == registration.id for p in places):
            store.replace_places(
                session, slot.item_ids, rules.cancel(slot.workshops, places, registration.id)
            )
    store.cancel(session, registration.id)


async def enter(
    backends: Backends,
    signing: Signer,
    conference: ConferenceRecord,
    token: str,
    limits: RateLimits,
    address: str,
) -> tuple[ParticipantRecord, str | None]:
    """The personal link opens the live event: the participant they are there (made the
    first time, counted against the address's "join" limit like the join form), and the
    room of their workshop if it is running now."""
    first = await personal(backends, signing, conference, token)
    if first.cancelled:
        raise DomainError("registration_cancelled")
    if first.registration.participant_id is None:
        organisation = first.registration.organisation or first.registration.municipality
        join(first.registration.name, organisation)  # the join form's rules, before the limit
        (await limits.hit("join", "address", address)).raise_if_refused()

    def transaction(session: Session) -> tuple[ParticipantRecord, str | None]:
        registration = _registration(session, signing, conference, token)
        participant = _participant_of(session, registration)
        now = plenary.state(session, registration.conference_id).current_item_id
        return participant, _room_now(session, registration, now)

    return await backends.database.write(transaction)


def _participant_of(session: Session, registration: RegistrationRecord) -> ParticipantRecord:
    known = registration.participant_id
    found = conferences.participant_by_id(session, known) if known is not None else None
    if found is not None:
        return found
    organisation = registration.organisation or registration.municipality
    participant = conferences.add_participant(
        session, registration.conference_id, join(registration.name, organisation)
    )
    store.set_participant(session, registration.id, participant.id)
    return participant


def _room_now(session: Session, registration: RegistrationRecord, now: int | None) -> str | None:
    """The room of the workshop the person holds a seat in, if it runs now."""
    for slot in store.workshop_slots(session, registration.conference_id):
        if now not in slot.item_ids:
            continue
        for place in store.places(session, slot.item_ids):
            if place.registration_id == registration.id and place.standing == Standing.SEAT:
                return next(item.room for item in slot.items if item.id == place.item_id)
    return None


# --- The organiser's desk ---


@dataclass(frozen=True)
class Row:
    """One registration as the organiser's list shows it."""

    registration: RegistrationRecord
    places: list[Place]


@dataclass(frozen=True)
class Overview:
    conference: ConferenceRecord
    offer: Offer
    rows: list[Row]
    seats: dict[int, int]  # workshop item id -> seats taken
    waiting: dict[int, int]  # workshop item id -> people waiting
    wished: dict[int, int]  # workshop item id -> first wishes not yet allocated
    municipalities: list[tuple[str, int]]  # municipality -> registrations, most first

    @property
    def active(self) -> int:
        return sum(1 for row in self.rows if row.registration.cancelled_at is None)


async def overview(backends: Backends, role: Role, conference: ConferenceRecord) -> Overview:
    require(role, Action.MANAGE_REGISTRATIONS)
    return await backends.database.read(lambda s: _overview(s, conference))


def _overview(session: Session, conference: ConferenceRecord) -> Overview:
    offered = _offer(session, conference)
    if offered is None:
        raise DomainError("registration_none")
    registrations = store.of_conference(session, conference.id)
    all_places = store.places_of(session, [r.id for r in registrations])
    seats: dict[int, int] = {}
    waiting: dict[int, int] = {}
    wished: dict[int, int] = {}
    for place in all_places:
        if place.standing == Standing.SEAT:
            seats[place.item_id] = seats.get(place.item_id, 0) + 1
        elif place.standing == Standing.WAITING:
            waiting[place.item_id] = waiting.get(place.item_id, 0) + 1
        elif place.rank == 0:
            wished[place.item_id] = wished.get(place.item_id, 0) + 1
    counts: dict[str, int] = {}
    for r in registrations:
        if r.cancelled_at is None:
            key = r.municipality or r.organisation or ""
            counts[key] = counts.get(key, 0) + 1
    rows = [Row(r, [p for p in all_places if p.registration_id == r.id]) for r in registrations]
    by_count = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Overview(conference, offered, rows, seats, waiting, wished, by_count)


async def set_open(
    backends: Backends, role: Role, conference: ConferenceRecord, opened: bool
) -> None:
    """The organiser opens or closes registration, whatever its dates say."""
    require(role, Action.MANAGE_REGISTRATIONS)
    await backends.database.write(lambda s: store.set_open(s, conference.id, opened))


async def allocate(
    backends: Backends, role: Role, conference: ConferenceRecord, seed: int | None = None
) -> None:
    """Seats by preference for every wish so far, slot by slot; from now on new
    registrations are seated first come."""
    require(role, Action.MANAGE_REGISTRATIONS)
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed

    def transaction(session: Session) -> None:
        for slot in store.workshop_slots(session, conference.id):
            places = store.places(session, slot.item_ids)
            store.replace_places(
                session, slot.item_ids, rules.allocate(slot.workshops, places, seed)
            )
        store.mark_allocated(session, conference.id)

    await backends.database.write(transaction)


async def move(
    backends: Backends, role: Role, conference: ConferenceRecord, registration_id: int, item_id: int
) -> None:
    """Seat someone in another workshop of a slot (one with a free place)."""
    require(role, Action.MANAGE_REGISTRATIONS)

    def transaction(session: Session) -> None:
        registration = _of_conference(session, conference, registration_id)
        if registration.cancelled_at is not None:
            raise DomainError("registration_cancelled")
        slot = next(
            (s for s in store.workshop_slots(session, conference.id) if item_id in s.item_ids), None
        )
        if slot is None:
            raise DomainError("registration_unknown_workshop")
        places = store.places(session, slot.item_ids)
        moved = rules.move(slot.workshops, places, registration_id, item_id)
        store.replace_places(session, slot.item_ids, moved)

    await backends.database.write(transaction)


async def cancel_for(
    backends: Backends, role: Role, conference: ConferenceRecord, registration_id: int
) -> None:
    """The organiser cancels someone's registration (they asked by mail, say)."""
    require(role, Action.MANAGE_REGISTRATIONS)

    def transaction(session: Session) -> None:
        _cancel(session, _of_conference(session, conference, registration_id))

    await backends.database.write(transaction)


def _of_conference(
    session: Session, conference: ConferenceRecord, registration_id: int
) -> RegistrationRecord:
    found = store.by_id(session, registration_id)
    if found is None or found[0].conference_id != conference.id:
        raise DomainError("registration_unknown")
    return found[0]
