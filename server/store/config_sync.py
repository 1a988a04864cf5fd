"""Bring the database's structure in line with one sessions_config file.

The file is the source of truth for structure; the database holds what happened live.
So rooms and columns are matched by their slug/key and updated in place, and one that
vanished from the file is archived, never deleted: its cards stay.
"""

from functools import partial

from sqlmodel import Session, SQLModel, delete, select

from ..conference_files import ConferenceConfig, RoomConfig
from .tables import (
    AgendaItem,
    BoardColumn,
    Breakout,
    Conference,
    Plenary,
    RegistrationPlace,
    Room,
    RoomModerator,
)


def _assign(row: SQLModel, values: dict) -> bool:
    """Set the values that differ; report whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def sync_conference(session: Session, config: ConferenceConfig) -> int:
    """Upsert one conference; return how many rows were inserted, changed or archived."""
    conference = session.exec(select(Conference).where(Conference.slug == config.slug)).first()
    values = config.model_dump(include=set(Conference.model_fields) - {"id", "registration"})
    values["registration"] = registration_json(config)
    changes = 0
    if conference is None:
        conference = Conference(**values)
        changes += 1
    else:
        changes += _assign(conference, values)
    session.add(conference)
    session.flush()
    changes += _sync_agenda(session, conference.id, config)
    changes += _sync_rooms(session, conference.id, config.rooms)
    return changes


def registration_json(config: ConferenceConfig) -> str | None:
    """The registration settings as the conference row keeps them (config_export reads
    them back through the same model)."""
    return config.registration.model_dump_json() if config.registration else None


def file_digests(session: Session, slugs: list[str]) -> dict[str, str | None]:
    """The digest of the file last loaded into each of these conferences (by slug)."""
    rows = session.exec(
        select(Conference.slug, Conference.file_sha256).where(Conference.slug.in_(slugs))
    )
    return dict(rows.all())


def mark_loaded(session: Session, slug: str, digest: str) -> None:
    conference = session.exec(select(Conference).where(Conference.slug == slug)).one()
    conference.file_sha256 = digest
    session.add(conference)


def _sync_agenda(session: Session, conference_id: int, config: ConferenceConfig) -> int:
    """Items keep their rows by title (then by place), so an item moved or retimed stays
    the item the plenary may be showing now; a row no item keeps is deleted."""
    existing = session.exec(
        select(AgendaItem)
        .where(AgendaItem.conference_id == conference_id)
        .order_by(AgendaItem.position)
    ).all()
    unused = list(existing)
    rows: list[AgendaItem | None] = []
    for position, item in enumerate(config.agenda):
        same = next((row for row in unused if row.title == item.title), None)
        if same is None and position < len(existing) and existing[position] in unused:
            same = existing[position]
        if same is not None:
            unused.remove(same)
        rows.append(same)
    changes = 0
    for position, (item, row) in enumerate(zip(config.agenda, rows, strict=True)):
        values = {**item.model_dump(), "position": position, "conference_id": conference_id}
        if row is None:
            session.add(AgendaItem(**values))
            changes += 1
        else:
            changes += _assign(row, values)
            session.add(row)
    if unused:
        _let_go(session, conference_id, {row.id for row in unused})
    for stale in unused:
        session.delete(stale)
        changes += 1
    return changes


def _let_go(session: Session, conference_id: int, item_ids: set[int]) -> None:
    """Nothing points at items that are going: the plenary no longer shows one, and a
    breakout held during one stays in the record without it."""
    plenary = session.get(Plenary, conference_id)
    if plenary is not None and plenary.current_item_id in item_ids:
        plenary.current_item_id, plenary.item_started_at = None, None
        session.add(plenary)
    for breakout in session.exec(select(Breakout).where(Breakout.agenda_item_id.in_(item_ids))):
        breakout.agenda_item_id = None
        session.add(breakout)
    # A workshop that is gone has no seats to keep (the registrations themselves stay).
    session.exec(delete(RegistrationPlace).where(RegistrationPlace.agenda_item_id.in_(item_ids)))
    session.flush()


def _upsert(session: Session, existing: dict, key: str, make, values: dict) -> tuple:
    """Update the row under `key` (taking it out of `existing`) or make a new one."""
    row = existing.pop(key, None)
    if row is None:
        row = make(**values)
        changed = 1
    else:
        changed = int(_assign(row, values))
    session.add(row)
    return row, changed


def _archive(session: Session, leftovers: dict) -> int:
    """Rows the file no longer names keep their cards; they are only hidden."""
    changes = 0
    for row in leftovers.values():
        changes += _assign(row, {"archived": True})
        session.add(row)
    return changes


def _sync_rooms(session: Session, conference_id: int, rooms: list[RoomConfig]) -> int:
    existing = {
        r.slug: r for r in session.exec(select(Room).where(Room.conference_id == conference_id))
    }
    changes = 0
    for position, config in enumerate(rooms):
        values = {
            "position": position,
            "title": config.title,
            "description": config.description,
            "capacity": config.capacity,
            "video_url": config.video_url,
            "archived": False,
            **config.board.model_dump(),
        }
        make = partial(Room, conference_id=conference_id, slug=config.slug)
        room, changed = _upsert(session, existing, config.slug, make, values)
        session.flush()
        changes += changed
        changes += _sync_columns(session, room.id, config)
        changes += _sync_moderators(session, room.id, config)
    return changes + _archive(session, existing)


def _sync_columns(session: Session, room_id: int, config: RoomConfig) -> int:
    existing = {
        c.key: c for c in session.exec(select(BoardColumn).where(BoardColumn.room_id == room_id))
    }
    changes = 0
    for position, prompt in enumerate(config.prompts):
        values = {
            "position": position,
            "title": prompt.title,
            "description": prompt.description,
            "archived": False,
        }
        make = partial(BoardColumn, room_id=room_id, key=prompt.key)
        changes += _upsert(session, existing, prompt.key, make, values)[1]
    return changes + _archive(session, existing)


def _sync_moderators(session: Session, room_id: int, config: RoomConfig) -> int:
    existing = session.exec(
        select(RoomModerator).where(RoomModerator.room_id == room_id).order_by(RoomModerator.id)
    ).all()
    wanted = [(m.name, m.email) for m in config.moderators]
    if [(m.name, m.email) for m in existing] == wanted:
        return 0
    for row in existing:
        session.delete(row)
    for name, email in wanted:
        session.add(RoomModerator(room_id=room_id, name=name, email=email))
    return len(existing) + len(wanted)
