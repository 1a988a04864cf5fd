"""The programme as an iCalendar file (RFC 5545, written by icalendar): one event per
agenda item at its day and times in the conference's time zone, with that zone's
definition for the conference's years, and the item's room and link. A participant's own
file also names the room they are placed in on the breakout it belongs to."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..store.records import AgendaRecord, ConferenceRecord, RoomRecord
from .options import Labels

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Plenum//Programme//EN"


@dataclass(frozen=True)
class OwnRoom:
    """Where a participant is placed in the running breakout, and the item it is for."""

    room: RoomRecord
    item_id: int


@dataclass(frozen=True)
class Programme:
    conference: ConferenceRecord
    agenda: list[AgendaRecord]
    rooms: list[RoomRecord]
    base_url: str  # where this server is reached, without a trailing slash
    personal: bool = False  # a participant's own file ("Mein Programm")
    own_room: OwnRoom | None = None  # in a participant's own file, while they are placed


def write(programme: Programme, labels: Labels) -> bytes:
    """Some milliseconds for a day's programme: call it off the event loop."""
    conference = programme.conference
    calendar = Calendar.new(
        name=conference.title,
        description=labels("calendar.mine") if programme.personal else labels("calendar.whole"),
        prodid=PRODID,
        method="PUBLISH",
        uid=f"programme.{conference.slug}@plenum",
    )
    stamp = datetime.now(UTC)
    zone = ZoneInfo(conference.timezone)
    for item in programme.agenda:
        calendar.add_component(_event(programme, item, zone, labels, stamp))
    days = conference.days
    calendar.add_missing_timezones(date(days[0].year, 1, 1), date(days[-1].year + 1, 1, 1))
    return calendar.to_ical()


def _event(
    programme: Programme, item: AgendaRecord, zone: ZoneInfo, labels: Labels, stamp: datetime
) -> Event:
    slug = programme.conference.slug
    room = _room_of(programme, item)
    lines = [labels(f"agenda_kind.{item.kind}")]
    if item.speaker:
        lines.append(labels("calendar.speaker", speaker=item.speaker))
    if item.track:
        lines.append(labels("plenary.track", track=item.track))
    if _is_own(programme, item):
        lines.append(labels("calendar.your_room", room=room.title))
    if item.description:
        lines += ["", item.description]
    place = f"/rooms/{room.slug}" if room else ""
    return Event.new(
        uid=f"agenda-{item.id}.{slug}@plenum",
        stamp=stamp,
        start=datetime.combine(item.day, item.start, zone),
        end=datetime.combine(item.day, item.end, zone),
        summary=item.title,
        description="\n".join(lines),
        location=room.title if room else None,
        url=f"{programme.base_url}/c/{slug}{place}",
    )


def _room_of(programme: Programme, item: AgendaRecord) -> RoomRecord | None:
    """The participant's own room on their breakout, else the room the item names (if
    it is still one of the conference's)."""
    if _is_own(programme, item):
        return programme.own_room.room
    return next((room for room in programme.rooms if room.slug == item.room), None)


def _is_own(programme: Programme, item: AgendaRecord) -> bool:
    return programme.own_room is not None and programme.own_room.item_id == item.id
