"""Banners the organiser sends: to everyone, to every room, or to one room."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, or_, select

from ..domain.announcements import Announced, Target, reaches
from .plenary_records import AnnouncementRecord
from .tables import Announcement, Room


def add(session: Session, conference_id: int, author_id: int, announced: Announced) -> int:
    row = Announcement(
        conference_id=conference_id,
        target=announced.target.value,
        room_id=announced.room_id,
        text=announced.text,
        author_id=author_id,
        created_at=datetime.now(UTC),
        expires_at=announced.expires_at,
    )
    session.add(row)
    session.flush()
    return row.id


@dataclass(frozen=True, slots=True)
class BannerFacts:
    """What ending a banner depends on."""

    target: Target
    room_id: int | None
    ended_at: datetime | None
    expires_at: datetime | None


def get(session: Session, conference_id: int, announcement_id: int) -> BannerFacts | None:
    row = session.get(Announcement, announcement_id)
    if row is None or row.conference_id != conference_id:
        return None
    return BannerFacts(
        Target(row.target), row.room_id, _aware(row.ended_at), _aware(row.expires_at)
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back the UTC moments it keeps without their zone."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def end(session: Session, announcement_id: int) -> None:
    row = session.get(Announcement, announcement_id)
    row.ended_at = datetime.now(UTC)
    session.add(row)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
    return moment


def active(
    session: Session, conference_id: int, where: int | None = None, everywhere: bool = False
) -> list[AnnouncementRecord]:
    """Banners still showing, newest first: for the plenary (where None), for one room, or
    all of them (`everywhere`, for the organiser)."""
    now = datetime.now(UTC)
    rows = session.exec(
        select(Announcement, Room.title)
        .outerjoin(Room, Room.id == Announcement.room_id)
        .where(
            Announcement.conference_id == conference_id,
            Announcement.ended_at.is_(None),
            or_(Announcement.expires_at.is_(None), Announcement.expires_at > now),
        )
        .order_by(Announcement.id.desc())
    )
    found = []
    for row, room_title in rows:
        if everywhere or reaches(Target(row.target), row.room_id, where):
            found.append(
                AnnouncementRecord(
                    row.id,
                    row.target,
                    row.room_id,
                    room_title,
                    row.text,
                    _aware(row.created_at),
                    _aware(row.expires_at),
                )
            )
    return found
