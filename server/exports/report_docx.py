"""The Ergebnisprotokoll as a Word document, for offices that edit it further.

python-docx builds the document in memory (a .docx is a zip written at the end); it is
made room by room from the same outline as the HTML report. Every text goes in through
the helpers below, which drop what XML cannot hold (lxml refuses a string with U+FFFF or
a control character, and the whole download would stop): rows stored before the input
rule existed may still have such characters.
"""

import io

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt, RGBColor

from ..domain.text import remove_unsafe_characters as _safe
from ..store.records import AgendaRecord
from .content import CardView, RoomView
from .report import (
    Section,
    also_results_of,
    card_line,
    item_line,
    merged_line,
    networking_lines,
    programme,
    programme_notes,
    question_groups,
    question_line,
    room_heading,
    sections,
    title_lines,
    votes,
)
from .source import Source

_MUTED = RGBColor(0x55, 0x5D, 0x66)


def write(source: Source) -> bytes:
    labels = source.labels
    document = Document()
    title = f"{labels('export.report.title')} – {source.conference.title}"
    document.core_properties.title = _safe(title)
    document.core_properties.language = labels.language
    _title_page(document, source)
    outline = sections(source)
    on_new_page = True  # the title page ends with a break
    for section in outline:
        if section.day_heading and not on_new_page:
            _page_break(document)  # each day starts on a page of its own
        _section(document, source, section)
        on_new_page = section.has_rooms
    asked = _questions(document, source)
    if asked or not on_new_page:
        _page_break(document)
    _attendance(document, source)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _section(document, source: Source, section: Section) -> None:
    if section.day_heading:
        _heading(document, section.day_heading, 1)
    if section.item:
        _item(document, source, section.item)
    else:
        _heading(document, source.labels("export.report.rooms"), 1)
    for note in section.notes:
        _muted(_paragraph(document), note)
    for room in section.rooms:
        _room(document, source, source.room_view(room), section.item)
    if section.has_rooms:
        _page_break(document)  # what follows the rooms starts on a page of its own


def _item(document, source: Source, item: AgendaRecord) -> None:
    _heading(document, item.title, 1)
    meta_line = _paragraph(document)
    meta_line.paragraph_format.keep_with_next = True  # never alone at a page's end
    _muted(meta_line, item_line(source, item))
    if item.description:
        _paragraph(document, item.description)


def _table(document, *headings: str):
    """A plain grid with a bold header row (Word's list styles print heavy and inverted)."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].add_run(_safe(heading)).bold = True
    return table


def _styled(document, style_id: str, text: str):
    """A paragraph in one of the template's list styles, set by its id: python-docx looks
    up the default style on every assignment by name (4 ms each), which made a
    conference of thousands of cards take 80 % longer than everything else together."""
    paragraph = _paragraph(document, text)
    paragraph._p.get_or_add_pPr().style = style_id
    return paragraph


def _paragraph(document, text: str = ""):
    return document.add_paragraph(_safe(text))


def _heading(document, text: str, level: int) -> None:
    document.add_heading(_safe(text), level=level)


def _cells(row, *texts: str) -> None:
    for cell, text in zip(row.cells, texts, strict=True):
        cell.text = _safe(text)


def _page_break(document) -> None:
    _paragraph(document).add_run().add_break(WD_BREAK.PAGE)


def _muted(paragraph, text: str, size: float = 9.5) -> None:
    run = paragraph.add_run(_safe(text))
    run.font.color.rgb = _MUTED
    run.font.size = Pt(size)


def _title_page(document, source: Source) -> None:
    labels = source.labels
    _muted(_paragraph(document), labels("export.report.title"), 11)
    _heading(document, source.conference.title, 0)
    if source.conference.subtitle:
        _paragraph(document, source.conference.subtitle)
    for line in title_lines(source):
        _paragraph(document, line)
    _heading(document, labels("export.report.programme"), 1)
    table = _table(document, labels("export.report.time"), labels("export.report.item"))
    for day, items in programme(source):
        if day:
            _day_row(table, day)
        for item in items:
            notes = " · ".join(programme_notes(source, item))
            _cells(
                table.add_row(),
                f"{labels.time(item.start)}–{labels.time(item.end)}",
                item.title + (f"\n{notes}" if notes else ""),
            )
    _page_break(document)


def _day_row(table, day: str) -> None:
    cells = table.add_row().cells
    merged = cells[0].merge(cells[-1])
    merged.paragraphs[0].add_run(_safe(day)).bold = True


def _room(document, source: Source, view: RoomView, item: AgendaRecord | None) -> None:
    labels = source.labels
    _page_break(document)
    _heading(document, room_heading(source, view.room, item), 2)
    if view.room.description:
        _paragraph(document, view.room.description)
    meta = labels.plural("export.report.ideas", view.card_count())
    if view.moderators:
        names = ", ".join(view.moderators)
        meta = f"{labels('export.report.moderation', names=names)} · {meta}"
    _muted(_paragraph(document), meta)
    if also := also_results_of(source, view.room, item):
        _muted(_paragraph(document), also)
    _heading(document, labels("export.report.results"), 3)
    if not view.takeaways:
        _muted(_paragraph(document), labels("export.report.no_results"))
    for takeaway in view.takeaways:
        _styled(document, "ListNumber", takeaway.text).runs[0].bold = True
    for column in view.columns:
        _heading(document, column.column.title, 3)
        if not column.cards():
            _muted(_paragraph(document), labels("export.report.no_cards"))
        for group in column.clusters:
            _heading(document, f"{group.cluster.name} ({votes(source, group.votes)})", 4)
            _cards(document, source, group.cards)
        if column.loose:
            if column.clusters:
                _heading(document, labels("export.report.unclustered"), 4)
            _cards(document, source, column.loose)


def _cards(document, source: Source, cards: list[CardView]) -> None:
    for card in cards:
        paragraph = _styled(document, "ListBullet", card.text)
        paragraph.add_run().add_break()
        _muted(paragraph, card_line(source, card))
        for merged in card.merged:
            inner = _styled(document, "ListBullet2", merged.text)
            _muted(inner, f" ({merged_line(source, merged)})")


def _questions(document, source: Source) -> bool:
    """The plenary's Q&A, if there was any; says whether it wrote something."""
    groups = question_groups(source)
    if groups:
        _heading(document, source.labels("export.report.questions"), 1)
    for heading, questions in groups:
        _heading(document, heading, 2)
        for question in questions:
            paragraph = _styled(document, "ListBullet", question.text)
            paragraph.add_run().add_break()
            _muted(paragraph, question_line(source, question))
    return bool(groups)


def _attendance(document, source: Source) -> None:
    labels = source.labels
    attendance = source.attendance()
    _heading(document, labels("export.report.attendance"), 1)
    _paragraph(document, labels.plural("export.report.people", attendance.people))
    table = _table(
        document, labels("export.report.room_column"), labels("export.report.participants_column")
    )
    for room, count in attendance.rooms:
        _cells(table.add_row(), room.title, str(count))
    _heading(document, labels("export.report.organisations"), 2)
    if not attendance.organisations:
        _muted(_paragraph(document), labels("export.report.no_organisations"))
    for name, count in attendance.organisations:
        _styled(document, "ListBullet", f"{name} ({count})")
    _muted(_paragraph(document), labels("export.report.organisations_note"))
    networking = networking_lines(source)
    if networking:
        _heading(document, labels("export.report.networking"), 2)
        for line in networking:
            _paragraph(document, line)
        _muted(_paragraph(document), labels("export.report.directory_note"))
    _muted(_paragraph(document), labels("export.report.generated_by"))
