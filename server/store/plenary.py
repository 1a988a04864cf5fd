"""A conference's plenary as it stands: what it shows now, read and changed.

Its events go to `events.plenary_log`; this is the row they describe.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from .events import plenary_log
from .tables import Plenary

_LOCK = (
    select(Plenary.conference_id)
    .where(Plenary.conference_id == bindparam("conference"))
    .with_for_update()
)


@dataclass(frozen=True, slots=True)
class PlenaryState:
    conference_id: int
    current_item_id: int | None = None
    item_started_at: datetime | None = None
    qa_pre_moderation: bool = False
    pinned_question_id: int | None = None
    report_order: tuple[int, ...] = ()  # the rooms in the organiser's order
    report_room_id: int | None = None  # the one shown now


def lock(session: Session, conference_id: int) -> PlenaryState:
    """Take the plenary row's lock and return its state (as of now)."""
    plenary_log.make_head(session, conference_id)
    session.connection().execute(_LOCK, {"conference": conference_id})
    return state(session, conference_id)


def state(session: Session, conference_id: int) -> PlenaryState:
    row = session.get(Plenary, conference_id, populate_existing=True)
    if row is None:
        return PlenaryState(conference_id)
    started = row.item_started_at
    if started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return PlenaryState(
        conference_id=conference_id,
        current_item_id=row.current_item_id,
        item_started_at=started,
        qa_pre_moderation=row.qa_pre_moderation,
        pinned_question_id=row.pinned_question_id,
        report_order=tuple(json.loads(row.report_order or "[]")),
        report_room_id=row.report_room_id,
    )


def change(session: Session, conference_id: int, **values) -> None:
    """Set some of the fields of `PlenaryState` (the row must exist: see `lock`)."""
    if "report_order" in values:
        values["report_order"] = json.dumps(list(values["report_order"]))
    session.execute(update(Plenary).where(Plenary.conference_id == conference_id).values(**values))
