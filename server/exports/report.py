"""The Ergebnisprotokoll's outline, shared by Markdown, HTML, DOCX and PDF: the title
page's lines, the programme day by day, a section per programme item with the rooms
placement.py puts under it, how items and cards are labelled, and the plenary's questions
after the agenda's sections."""

from dataclasses import dataclass
from itertools import groupby

from ..store.records import AgendaRecord, RoomRecord
from .content import CardView, QuestionView
from .source import Source


@dataclass(frozen=True)
class Section:
    item: AgendaRecord | None  # None: rooms of no item in a conference without a breakout item
    rooms: list[RoomRecord]  # whose results are written here
    day_heading: str | None  # the day it opens, in a report of several days
    notes: list[str]  # this item's rooms whose results are under an earlier item

    @property
    def has_rooms(self) -> bool:
        return bool(self.rooms)


def sections(source: Source) -> list[Section]:
    """One section per agenda item shown; a single room's export has only its room's."""
    parts = [part for part in source.parts if part.rooms or source.options.room is None]
    headings = _day_headings(source, [part.item for part in parts])
    return [
        Section(
            part.item,
            part.rooms,
            heading,
            [results_under(source, room, item) for room, item in part.written_under],
        )
        for part, heading in zip(parts, headings, strict=True)
    ]


def _several_days(source: Source) -> bool:
    return len({item.day for item in source.agenda}) > 1


def _day_headings(source: Source, items: list[AgendaRecord | None]) -> list[str | None]:
    """The date before the first item of each day, when the report spans several."""
    headings, day, several = [], None, _several_days(source)
    for item in items:
        opens = several and item is not None and item.day != day
        headings.append(source.labels.date(item.day) if opens else None)
        day = item.day if item is not None else day
    return headings


def programme(source: Source) -> list[tuple[str | None, list[AgendaRecord]]]:
    """The items shown, under their day's date when the report spans several days."""
    if not _several_days(source):
        return [(None, source.agenda)]
    by_day = groupby(source.agenda, key=lambda item: item.day)
    return [(source.labels.date(day), list(items)) for day, items in by_day]


def item_line(source: Source, item: AgendaRecord) -> str:
    """'10:45–12:45 · Workshop · Track: Daten · Speaker' under an item's heading."""
    labels = source.labels
    parts = [
        f"{labels.time(item.start)}–{labels.time(item.end)}",
        labels(f"agenda_kind.{item.kind}"),
    ]
    return " · ".join(parts + programme_notes(source, item))


def programme_notes(source: Source, item: AgendaRecord) -> list[str]:
    """An item's track and speaker, as far as it has them."""
    track = source.labels("plenary.track", track=item.track) if item.track else None
    return [note for note in (track, item.speaker) if note]


def _reference(source: Source, item: AgendaRecord) -> str:
    """'„Lösungswege“ (Mittwoch, 27. April 2022, 10:45)': the day only when there are several."""
    labels = source.labels
    when = labels.time(item.start)
    if len(source.conference.days) > 1:
        when = f"{labels.date(item.day)}, {when}"
    return labels("export.report.item_reference", title=item.title, when=when)


def room_heading(source: Source, room: RoomRecord, item: AgendaRecord | None) -> str:
    """'Breakout-Raum: X' for a breakout's rooms, 'Raum: X' for the room an item is held in."""
    if item is None or item.kind == "breakout":
        return source.labels("export.report.room", title=room.title)
    return source.labels("export.report.item_room", title=room.title)


def results_under(source: Source, room: RoomRecord, item: AgendaRecord) -> str:
    """Under a later item of a room's: where its one board is written."""
    reference = _reference(source, item)
    return source.labels("export.report.results_under", room=room.title, item=reference)


def also_results_of(source: Source, room: RoomRecord, item: AgendaRecord | None) -> str | None:
    """Under a room's board: the other items it was used for, whether shown or not."""
    others = [other for other in source.used_for.get(room.id, []) if other != item]
    if not others:
        return None
    items = ", ".join(_reference(source, other) for other in others)
    return source.labels("export.report.also_results_of", items=items)


def title_lines(source: Source) -> list[str]:
    """Date (the day chosen, if one was), time, track chosen and place under the title."""
    c, labels, day = source.conference, source.labels, source.options.day
    days = labels.date(day) if day else labels.date_range(c.date, c.end_date or c.date)
    lines = [f"{days}, {labels.time_range(c.start, c.end)}", c.place]
    if source.options.track:
        lines.insert(1, labels("plenary.track", track=source.options.track))
    if source.dump.organiser:
        lines.append(labels("export.report.organiser", organiser=source.dump.organiser))
    return lines


def votes(source: Source, count: int) -> str:
    return source.labels.plural("export.report.votes", count)


def card_line(source: Source, card: CardView) -> str:
    """'von Anna (Stadt Mayen) · 3 Punkte · 2 Kommentare' and the card's state if special."""
    labels = source.labels
    author = card.author + (f" ({card.organisation})" if card.organisation else "")
    parts = [labels("export.report.by", author=author), votes(source, len(card.votes))]
    if card.comments:
        parts.append(labels.plural("export.report.comments", len(card.comments)))
    if card.status.value != "visible":
        parts.append(labels(f"export.status.{card.status.value}"))
    if card.edited_by_moderator:
        parts.append(labels("export.report.edited_by_moderator"))
    return " · ".join(parts)


def merged_line(source: Source, card: CardView) -> str:
    return source.labels("export.report.merged", author=card.author)


def question_groups(source: Source) -> list[tuple[str, list[QuestionView]]]:
    """Answered questions, then open ones, each most votes first, under their heading.
    Empty without questions: the report then has no Q&A section."""
    questions = source.questions()
    groups = [
        ("export.report.questions_answered", [q for q in questions if q.answered]),
        ("export.report.questions_open", [q for q in questions if not q.answered]),
    ]
    return [(source.labels(key), listed) for key, listed in groups if listed]


def question_line(source: Source, question: QuestionView) -> str:
    """'von Anna (Stadt Mayen) · 3 Stimmen' and the question's state if special."""
    labels = source.labels
    author = question.author + (f" ({question.organisation})" if question.organisation else "")
    parts = [
        labels("export.report.by", author=author),
        labels.plural("export.report.question_votes", question.votes),
    ]
    if question.status.value != "visible":
        parts.append(labels(f"export.status.{question.status.value}"))
    return " · ".join(parts)


def networking_lines(source: Source) -> list[str]:
    """Registration and the directory in numbers, for the whole conference's report; the
    directory never by name (its entries were for finding each other during the event)."""
    if not source.everything:
        return []
    labels, found = source.labels, source.networking()
    lines = []
    if found.registered:
        lines.append(labels.plural("export.report.registered", found.registered))
    directory = found.directory
    if directory.people:
        lines.append(labels.plural("export.report.directory_people", directory.people))
        if directory.regions:
            regions = ", ".join(
                f"{labels(f'directory.region.{code}')} ({count})"
                for code, count in directory.regions
            )
            lines.append(labels("export.report.directory_regions", regions=regions))
        if directory.topics:
            topics = ", ".join(f"{topic} ({count})" for topic, count in directory.topics)
            lines.append(labels("export.report.directory_topics", topics=topics))
    return lines
