"""Which part of the programme an export covers: the whole of it, one day, one track, or
one track on one day.

Items of no track (welcome, keynotes, report-backs, breaks) are the plenary's, which every
track's people attend: a track's export keeps them, and with a day only that day's. The
day and the track come from a form or a command line, so they are checked against the
conference before anything is read: a refusal names the value in a sentence.
"""

from collections.abc import Iterable
from datetime import date

from ..domain.errors import DomainError
from ..store.records import AgendaRecord, ConferenceRecord


def in_scope(item: AgendaRecord, day: date | None, track: str | None) -> bool:
    return (day is None or item.day == day) and (track is None or item.track in (None, track))


def tracks_of(agenda: Iterable[AgendaRecord]) -> list[str]:
    """The programme's tracks, in the order they first come up."""
    return list(dict.fromkeys(item.track for item in agenda if item.track))


def day_asked(text: str | None, conference: ConferenceRecord) -> date | None:
    """The day a form asked for (ISO, "2022-04-27"); None when it asked for none."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DomainError("export_day_invalid", day=text) from None
    if day not in conference.days:
        raise DomainError("export_day_invalid", day=text)
    return day


def track_asked(text: str | None, agenda: Iterable[AgendaRecord]) -> str | None:
    if not text:
        return None
    if text not in tracks_of(agenda):
        raise DomainError("export_track_unknown", track=text)
    return text
