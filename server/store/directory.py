"""The conference's directory: the entries of those who opted in (domain/directory.py)."""

import json
from datetime import UTC, datetime

from sqlmodel import Session, delete, select

from ..domain.directory import Entry, Listing
from .tables import DirectoryEntry, Participant


def listings(session: Session, conference_id: int) -> list[Listing]:
    """Everyone listed in the conference's directory, under their display name."""
    rows = session.exec(
        select(DirectoryEntry, Participant.display_name)
        .join(Participant, Participant.id == DirectoryEntry.participant_id)
        .where(
            DirectoryEntry.conference_id == conference_id,
            Participant.conference_id == conference_id,
        )
    )
    return [Listing(row.participant_id, name, _entry(row)) for row, name in rows]


def entry_of(session: Session, conference_id: int, participant_id: int) -> Entry | None:
    row = session.get(DirectoryEntry, participant_id)
    return _entry(row) if row is not None and row.conference_id == conference_id else None


def save(session: Session, conference_id: int, participant_id: int, entry: Entry) -> None:
    row = session.get(DirectoryEntry, participant_id)
    if row is None:
        row = DirectoryEntry(participant_id=participant_id, conference_id=conference_id, topics="")
    row.municipality, row.region = entry.municipality, entry.region
    row.topics = json.dumps(list(entry.topics), ensure_ascii=False)
    row.offer, row.seek = entry.offer, entry.seek
    row.updated_at = datetime.now(UTC)
    session.add(row)


def remove(session: Session, participant_id: int) -> None:
    session.exec(delete(DirectoryEntry).where(DirectoryEntry.participant_id == participant_id))


def _entry(row: DirectoryEntry) -> Entry:
    return Entry(row.municipality, row.region, tuple(json.loads(row.topics)), row.offer, row.seek)
