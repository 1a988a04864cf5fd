"""A stored conference as the sessions_config file that would make it: the way back of
config_sync. What happened live (cards, phases, who joined) is not part of a file, and
rooms or columns the file no longer names (archived) are left out, as the file left them.
"""

import json

from sqlmodel import Session, select

from ..conference_files import BoardConfig, ConferenceConfig
from .tables import AgendaItem, BoardColumn, Conference, Room, RoomModerator


def conference_config(session: Session, conference_id: int) -> ConferenceConfig:
    """The conference's structure, validated by the same model as a file."""
    conference = session.get(Conference, conference_id)
    fields = conference.model_dump(include=set(ConferenceConfig.model_fields))
    fields["registration"] = json.loads(conference.registration or "null")
    agenda = session.exec(
        select(AgendaItem)
        .where(AgendaItem.conference_id == conference_id)
        .order_by(AgendaItem.position)
    )
    rooms = session.exec(
        select(Room)
        .where(Room.conference_id == conference_id, Room.archived.is_(False))
        .order_by(Room.position)
    )
    return ConferenceConfig.model_validate(
        {
            **fields,
            "agenda": [
                item.model_dump(exclude={"id", "conference_id", "position"}) for item in agenda
            ],
            "rooms": [_room(session, room) for room in rooms],
        }
    )


def _room(session: Session, room: Room) -> dict:
    columns = session.exec(
        select(BoardColumn)
        .where(BoardColumn.room_id == room.id, BoardColumn.archived.is_(False))
        .order_by(BoardColumn.position)
    )
    moderators = session.exec(
        select(RoomModerator).where(RoomModerator.room_id == room.id).order_by(RoomModerator.id)
    )
    return {
        "slug": room.slug,
        "title": room.title,
        "description": room.description,
        "capacity": room.capacity,
        "prompts": [
            {"key": c.key, "title": c.title, "description": c.description} for c in columns
        ],
        "video_url": room.video_url,
        "moderators": [{"name": m.name, "email": m.email} for m in moderators],
        "board": {name: getattr(room, name) for name in BoardConfig.model_fields},
    }
