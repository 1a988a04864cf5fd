"""Who changed a conference in the console, when, and which fields: read from its plenary
log, where every save is an event (services/conference_editor.py)."""

import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from .moments import aware
from .plenary_events import PlenaryEventType
from .tables import Conference, Participant, PlenaryEvent


@dataclass(frozen=True, slots=True)
class EditRecord:
    at: datetime  # in the conference's time zone, as its programme
    by: str | None  # the organiser's name in the conference (None: gone since)
    part: str
    fields: list[str]


def recent_edits(session: Session, conference_id: int, limit: int = 20) -> list[EditRecord]:
    zone = ZoneInfo(session.get(Conference, conference_id).timezone)
    rows = session.exec(
        select(PlenaryEvent.at, Participant.display_name, PlenaryEvent.payload)
        .outerjoin(Participant, Participant.id == PlenaryEvent.actor_id)
        .where(
            PlenaryEvent.conference_id == conference_id,
            PlenaryEvent.type == PlenaryEventType.CONFERENCE_EDITED,
        )
        .order_by(PlenaryEvent.seq.desc())
        .limit(limit)
    )
    edits = []
    for at, name, payload in rows:
        saved = json.loads(payload)
        edits.append(
            EditRecord(
                aware(at).astimezone(zone), name, saved.get("part", ""), saved.get("fields", [])
            )
        )
    return edits
