"""The Ergebnisprotokoll as a Word document, for offices that edit it further.

python-docx builds the document in memory (a .docx is a zip written at the end); it is
made room by room from the same outline as the HTML report.
"""

import io

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt, RGBColor

from .content import CardView, RoomView
from .report import (
    card_line,
    merged_line,
    question_groups,
    question_line,
    sections,
    title_lines,
    votes,
)
from .source import Source

_MUTED = RGBColor(0x55, 0x5D, 0x66)


def write(source: Source) -> bytes:
    labels = source.labels
    document = Document()
    document.core_properties.title = f"{labels('export.report.title')} – {source.conference.title}"
    document.core_properties.language = labels.language
    _title_page(document, source)
    rooms = source.room_views()
    outline = sections(source)
    for section in outline:
        if section.item:
            item = section.item
            document.add_heading(item.title, level=1)
            meta = f"{labels.time(item.start)}–{labels.time(item.end)}"
            meta += f" · {labels('agenda_kind.' + item.kind)}"
            if item.speaker:
                meta += f" · {item.speaker}"
            meta_line = document.add_paragraph()
            meta_line.paragraph_format.keep_with_next = True  # never alone at a page's end
            _muted(meta_line, meta)
            if item.description:
                document.add_paragraph(item.description)
        else:
            document.add_heading(labels("export.report.rooms"), level=1)
        if section.has_rooms:
            for view in rooms:
                _room(document, source, view)
            # What follows the rooms starts on a page of its own.
            _page_break(document)
    asked = _questions(document, source)
    if asked or not outline[-1].has_rooms:
        _page_break(document)
    _attendance(document, source)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, *headings: str):
    """A plain grid with a bold header row (Word's list styles print heavy and inverted)."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    return table


def _styled(document, style_id: str, text: str):
    """A paragraph in one of the template's list styles, set by its id: python-docx looks
    up the default style on every assignment by name (4 ms each), which made a
    conference of thousands of cards take 80 % longer than everything else together."""
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().style = style_id
    return paragraph


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _muted(paragraph, text: str, size: float = 9.5) -> None:
    run = paragraph.add_run(text)
    run.font.color.rgb = _MUTED
    run.font.size = Pt(size)


def _title_page(document, source: Source) -> None:
    labels = source.labels
    _muted(document.add_paragraph(), labels("export.report.title"), 11)
    document.add_heading(source.conference.title, level=0)
    if source.conference.subtitle:
        document.add_paragraph(source.conference.subtitle)
    for line in title_lines(source):
        document.add_paragraph(line)
    document.add_heading(labels("export.report.programme"), level=1)
    table = _table(document, labels("export.report.time"), labels("export.report.item"))
    for item in source.dump.agenda:
        cells = table.add_row().cells
        cells[0].text = f"{labels.time(item.start)}–{labels.time(item.end)}"
        cells[1].text = item.title + (f"\n{item.speaker}" if item.speaker else "")
    _page_break(document)


def _room(document, source: Source, view: RoomView) -> None:
    labels = source.labels
    _page_break(document)
    document.add_heading(labels("export.report.room", title=view.room.title), level=2)
    if view.room.description:
        document.add_paragraph(view.room.description)
    meta = labels.plural("export.report.ideas", view.card_count())
    if view.moderators:
        names = ", ".join(view.moderators)
        meta = f"{labels('export.report.moderation', names=names)} · {meta}"
    _muted(document.add_paragraph(), meta)
    document.add_heading(labels("export.report.results"), level=3)
    if not view.takeaways:
        _muted(document.add_paragraph(), labels("export.report.no_results"))
    for takeaway in view.takeaways:
        _styled(document, "ListNumber", takeaway.text).runs[0].bold = True
    for column in view.columns:
        document.add_heading(column.column.title, level=3)
        if not column.cards():
            _muted(document.add_paragraph(), labels("export.report.no_cards"))
        for group in column.clusters:
            document.add_heading(f"{group.cluster.name} ({votes(source, group.votes)})", level=4)
            _cards(document, source, group.cards)
        if column.loose:
            if column.clusters:
                document.add_heading(labels("export.report.unclustered"), level=4)
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
        document.add_heading(source.labels("export.report.questions"), level=1)
    for heading, questions in groups:
        document.add_heading(heading, level=2)
        for question in questions:
            paragraph = _styled(document, "ListBullet", question.text)
            paragraph.add_run().add_break()
            _muted(paragraph, question_line(source, question))
    return bool(groups)


def _attendance(document, source: Source) -> None:
    labels = source.labels
    attendance = source.attendance()
    document.add_heading(labels("export.report.attendance"), level=1)
    document.add_paragraph(labels.plural("export.report.people", attendance.people))
    table = _table(
        document, labels("export.report.room_column"), labels("export.report.participants_column")
    )
    for room, count in attendance.rooms:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = room.title, str(count)
    document.add_heading(labels("export.report.organisations"), level=2)
    if not attendance.organisations:
        _muted(document.add_paragraph(), labels("export.report.no_organisations"))
    for name, count in attendance.organisations:
        _styled(document, "ListBullet", f"{name} ({count})")
    _muted(document.add_paragraph(), labels("export.report.organisations_note"))
    _muted(document.add_paragraph(), labels("export.report.generated_by"))
