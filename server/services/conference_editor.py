"""Organisers change a conference in the console: the same model checks it as a file, and
the same sync stores it (store/config_sync.py), so a file and the editor never disagree.

The editor shows one part at a time (the conference's details, its programme, one room).
A save sends only what the organiser changed, with the values they started from: changes
merge per field, and a field someone else saved meanwhile is refused with what it holds now, so
nobody overwrites another silently. Every save is a plenary command: logged (who, when,
which fields) and announced, so the plenary's pages show the new programme at once.
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from ..conference_files import ConferenceConfig, InvalidConference, file_data, validate
from ..domain.errors import DomainError
from ..domain.permissions import Action, Role, require
from ..store import conferences, organisers, plenary
from ..store.conference_edits import EditRecord, recent_edits
from ..store.config_export import conference_config
from ..store.config_sync import sync_conference
from ..store.plenary_events import PlenaryEventType, touched
from ..store.records import ConferenceRecord, OrganiserRecord, ParticipantRecord
from ..store.room_edits import ideas_in, room_row
from ..store.room_events import RoomEventType
from ..store.tables import AgendaItem
from .access import role_in_console
from .backends import Backends
from .change import Applied, Change, Context, apply, log_plenary_event
from .plenary import tell_every_room


class Part(StrEnum):
    DETAILS = "details"
    AGENDA = "agenda"
    REGISTRATION = "registration"


# The conference's own fields an organiser edits; its slug names it in every link, so it
# stays as it is.
DETAILS = tuple(
    name
    for name in ConferenceConfig.model_fields
    if name not in ("slug", "agenda", "rooms", "registration")
)


def part_of(config: ConferenceConfig, part: Part) -> dict[str, Any]:
    """The part as a file writes it (times as "09:30")."""
    data = file_data(config)
    if part is Part.AGENDA:
        return {"agenda": data["agenda"]}
    if part is Part.REGISTRATION:
        return {"registration": data["registration"]}
    return {name: data[name] for name in DETAILS}


def differences(before: dict, after: dict, where: str = "") -> list[str]:
    """The locations whose values differ ("title", "agenda[2].start", "agenda")."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[str] = []
        for key in sorted(before.keys() | after.keys(), key=str):
            inner = f"{where}.{key}" if where else str(key)
            found += differences(before.get(key), after.get(key), inner)
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            found += differences(old, new, f"{where}[{index}]")
        return found
    return [] if before == after else [where]


async def current(backends: Backends, role: Role, conference: ConferenceRecord) -> ConferenceConfig:
    require(role, Action.EDIT_CONFERENCE)
    return await backends.database.read(lambda s: conference_config(s, conference.id))


async def history(backends: Backends, role: Role, conference: ConferenceRecord) -> list[EditRecord]:
    """The newest saves first: who, when, which fields."""
    require(role, Action.EDIT_CONFERENCE)
    return await backends.database.read(lambda s: recent_edits(s, conference.id))


async def problems(
    backends: Backends, role: Role, conference: ConferenceRecord, values: dict[str, Any]
) -> list:
    """What would be wrong with the conference with `values` (a form being typed), without
    saving anything: the same checks as a save."""
    stored = await current(backends, role, conference)
    try:
        validate({**file_data(stored), **values})
    except InvalidConference as invalid:
        return invalid.problems
    return []


async def save(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    part: Part,
    values: dict[str, Any],
    started_from: dict[str, Any],
) -> Applied:
    """Store `values` (fields of `part`, as a file writes them) where each field still
    holds what `started_from` says the organiser saw.

    InvalidConference: what is wrong with the conference these values would make.
    DomainError: a field changed meanwhile ("edited_meanwhile", with the fields), or
    nothing changed ("nothing_changed")."""

    def decide(c: Context) -> Change:
        require(c.role, Action.EDIT_CONFERENCE)
        stored = conference_config(c.session, conference.id)
        data = file_data(stored)
        wanted = validate({**data, **values})
        try:  # what the organiser saw, read through the model like what they send
            seen = part_of(validate({**data, **started_from}), part)
        except InvalidConference:  # it no longer fits what others saved meanwhile
            raise DomainError("edited_meanwhile", fields=list(values)) from None
        before, after = part_of(stored, part), part_of(wanted, part)
        taken = [name for name in values if seen.get(name) != before.get(name)]
        if taken:
            raise DomainError("edited_meanwhile", fields=taken)
        changed = differences(before, after)
        if not changed:
            raise DomainError("nothing_changed")
        _store(c, wanted)
        return Change(
            PlenaryEventType.CONFERENCE_EDITED,
            touched(("agenda", "rooms"), part=part.value, fields=changed),
        )

    return await apply(backends, actor, conference.id, None, decide)


def _store(c: Context, config: ConferenceConfig) -> None:
    """Sync the conference to `config`; the item the plenary shows now must stay in it."""
    _code_is_free(c, config.code)
    running = c.session.get(AgendaItem, c.state.current_item_id or 0)
    running_title = running.title if running is not None else None
    sync_conference(c.session, config)
    if running_title is not None and not plenary.state(c.session, c.conference_id).current_item_id:
        # People are in it, so the organiser moves on in the live overview first (the
        # sync alone would just let it go).
        raise DomainError("agenda_item_running", title=running_title)
    tell_every_room(c, RoomEventType.PROGRAMME_CHANGED)  # rooms show the programme and rooms


def _code_is_free(c: Context, code: str) -> None:
    other = conferences.conference_by_code(c.session, code)
    if other is not None and other.id != c.conference_id:
        raise DomainError("code_taken", join_code=code)


# --- Rooms ---


def room_of(config: ConferenceConfig, slug: str) -> dict[str, Any]:
    """The room `slug` as a file writes it. DomainError "unknown_room": none by that name
    (a removed room is archived and no longer in the file)."""
    return _room_at(file_data(config), slug)[1]


def _room_at(data: dict[str, Any], slug: str) -> tuple[int, dict[str, Any]]:
    for index, room in enumerate(data["rooms"]):
        if room["slug"] == slug:
            return index, room
    raise DomainError("unknown_room", room=slug)


def _with_room(data: dict[str, Any], index: int, room: dict[str, Any]) -> dict[str, Any]:
    rooms = list(data["rooms"])
    rooms[index] = room
    return {**data, "rooms": rooms}


async def save_room(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    slug: str,
    values: dict[str, Any],
    started_from: dict[str, Any],
) -> Applied:
    """Make the room `slug` what `values` say (a room as a file writes it, without its
    slug) if it still is what `started_from` says the organiser saw. Only this room is
    replaced: what others saved meanwhile in other rooms stays.

    InvalidConference: what is wrong, at ("rooms", <its place>, ...).
    DomainError: the room changed meanwhile ("edited_meanwhile", with its fields that
    did), "nothing_changed", "unknown_room"."""

    def decide(c: Context) -> Change:
        require(c.role, Action.EDIT_CONFERENCE)
        data = file_data(conference_config(c.session, conference.id))
        index, before = _room_at(data, slug)
        where = f"rooms[{index}]"
        wanted = validate(_with_room(data, index, {**values, "slug": slug}))
        try:  # what the organiser saw, read through the model like what they send
            seen = file_data(validate(_with_room(data, index, {**started_from, "slug": slug})))
        except InvalidConference:
            raise DomainError("edited_meanwhile", fields=[where]) from None
        taken = differences(seen["rooms"][index], before, where)
        if taken:
            raise DomainError("edited_meanwhile", fields=taken)
        changed = differences(before, file_data(wanted)["rooms"][index], where)
        if not changed:
            raise DomainError("nothing_changed")
        _store(c, wanted)
        # The room's open boards show its prompts and settings: each gets a fresh snapshot.
        c.tell_room(room_row(c.session, conference.id, slug).id, RoomEventType.ROOM_EDITED)
        return Change(
            PlenaryEventType.CONFERENCE_EDITED,
            touched(("rooms",), part=f"room:{slug}", fields=changed),
        )

    return await apply(backends, actor, conference.id, None, decide)


async def add_room(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, room: dict
) -> Applied:
    """Add `room` (as a file writes it) after the conference's other rooms.

    InvalidConference: what is wrong, at ("rooms", <its place>, ...).
    DomainError "room_slug_taken": a room of this conference has its slug, or had it (a
    removed room keeps its slug with its cards)."""

    def decide(c: Context) -> Change:
        require(c.role, Action.EDIT_CONFERENCE)
        data = file_data(conference_config(c.session, conference.id))
        slug = room.get("slug")
        holder = room_row(c.session, conference.id, slug) if isinstance(slug, str) else None
        if holder is not None:
            code = "room_slug_archived" if holder.archived else "room_slug_taken"
            raise DomainError(code, slug=slug, title=holder.title)
        return _rooms_become(c, data, [*data["rooms"], room], slug)

    return await apply(backends, actor, conference.id, None, decide)


def _rooms_become(c: Context, data: dict, rooms: list[dict], slug: str) -> Change:
    """Store the conference `data` with `rooms` instead of its own, logged for `slug`."""
    _store(c, validate({**data, "rooms": rooms}))
    changed = differences(data["rooms"], rooms, "rooms")
    return Change(
        PlenaryEventType.CONFERENCE_EDITED,
        touched(("rooms",), part=f"room:{slug}", fields=changed),
    )


async def room_to_remove(
    backends: Backends, role: Role, conference: ConferenceRecord, slug: str
) -> tuple[str, int]:
    """The room's title and how many ideas it holds, to say what removing it keeps."""
    require(role, Action.EDIT_CONFERENCE)

    def read(session: Session) -> tuple[str, int]:
        room = room_of(conference_config(session, conference.id), slug)
        return room["title"], ideas_in(session, room_row(session, conference.id, slug).id)

    return await backends.database.read(read)


async def archive_room(
    backends: Backends, actor: ParticipantRecord, conference: ConferenceRecord, slug: str
) -> Applied:
    """Take the room `slug` out of the conference: the sync archives it (its cards and
    their history stay in the database), and the plenary's rooms no longer list it."""

    def decide(c: Context) -> Change:
        require(c.role, Action.EDIT_CONFERENCE)
        data = file_data(conference_config(c.session, conference.id))
        index, _ = _room_at(data, slug)
        return _rooms_become(c, data, data["rooms"][:index] + data["rooms"][index + 1 :], slug)

    return await apply(backends, actor, conference.id, None, decide)


# --- New conferences, and conferences from a file ---


def new_conference(
    details: dict[str, Any], template: ConferenceConfig | None, first_item: str
) -> ConferenceConfig:
    """A conference with `details` (slug, code, title, date, times, place, format,
    language): like `template` (its rooms, prompts, board settings and programme; not
    the people who moderated it), or else with one item, `first_item`, to start from.

    InvalidConference: what is wrong with it, at the fields of `details` where it is."""
    if template is not None:
        data = file_data(template)
        data.pop("subtitle", None)
        for room in data["rooms"]:
            room["moderators"] = []
    else:
        data = {"agenda": [_opening(details, first_item)], "rooms": []}
    return validate({**data, **details})


def _opening(details: dict[str, Any], title: str) -> dict[str, Any]:
    """The first item of an empty programme: its first quarter hour (or less)."""
    start, end = str(details.get("start") or ""), str(details.get("end") or "")
    try:
        begins = datetime.strptime(start, "%H:%M")
        ends = min(begins + timedelta(minutes=15), datetime.strptime(end, "%H:%M"))
    except ValueError:  # the details' own problems are reported at their fields
        return {"start": start, "end": end, "title": title, "kind": "welcome"}
    return {"start": start, "end": ends.strftime("%H:%M"), "title": title, "kind": "welcome"}


async def create(
    backends: Backends, organiser: OrganiserRecord, config: ConferenceConfig, how: str
) -> ConferenceRecord:
    """Store a new conference, logged as made by `organiser` (`how`: "new", "template" or
    "file"). DomainError: its slug or code is taken."""
    require(role_in_console(organiser), Action.EDIT_CONFERENCE)

    def work(session: Session) -> ConferenceRecord:
        if conferences.conference_by_slug(session, config.slug) is not None:
            raise DomainError("slug_taken", slug=config.slug)
        if conferences.conference_by_code(session, config.code) is not None:
            raise DomainError("code_taken", join_code=config.code)
        sync_conference(session, config)
        made = conferences.conference_by_slug(session, config.slug)
        actor = organisers.participant_for(session, made.id, organiser)
        created = touched(part=how, fields=[])
        log_plenary_event(session, made.id, PlenaryEventType.CONFERENCE_EDITED, created, actor.id)
        return made

    return await backends.database.write(work)


async def replace(
    backends: Backends,
    actor: ParticipantRecord,
    conference: ConferenceRecord,
    config: ConferenceConfig,
) -> Applied:
    """A conference file for a conference that exists: it becomes what the file says, as
    `plenum load` does, logged with the fields it changed."""

    def decide(c: Context) -> Change:
        require(c.role, Action.EDIT_CONFERENCE)
        before = file_data(conference_config(c.session, conference.id))
        changed = differences(before, file_data(config))
        if not changed:
            raise DomainError("nothing_changed")
        _store(c, config)
        return Change(
            PlenaryEventType.CONFERENCE_EDITED,
            touched(("agenda", "rooms"), part="file", fields=changed),
        )

    return await apply(backends, actor, conference.id, None, decide)
