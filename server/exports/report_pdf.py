"""The Ergebnisprotokoll as PDF (A4), set by ReportLab in pure Python: no browser, no
system service. Same outline as the HTML report; a page per room, page numbers below.

The font is DejaVu Sans where Debian's fonts-dejavu-core is installed (it covers far
more scripts), else the Bitstream Vera that ships inside ReportLab.
"""

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_VERA = Path(reportlab.__file__).parent / "fonts"
_MUTED = colors.HexColor("#555d66")
_ACCENT = colors.HexColor("#0b5cad")


@cache
def fonts() -> tuple[str, str]:
    regular, bold, family = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf", "DejaVu"
    if not (regular.exists() and bold.exists()):
        regular, bold, family = _VERA / "Vera.ttf", _VERA / "VeraBd.ttf", "Vera"
    names = f"Plenum{family}", f"Plenum{family}-Bold"
    pdfmetrics.registerFont(TTFont(names[0], str(regular)))
    pdfmetrics.registerFont(TTFont(names[1], str(bold)))
    pdfmetrics.registerFontFamily(
        names[0], normal=names[0], bold=names[1], italic=names[0], boldItalic=names[1]
    )
    return names


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14, spaceAfter=4)

    def like(name: str, **changes) -> ParagraphStyle:
        return ParagraphStyle(name, parent=body, **changes)

    return {
        "body": body,
        "title": like("title", fontName=bold, fontSize=24, leading=29, spaceAfter=8),
        "subtitle": like("subtitle", fontSize=14, leading=18, textColor=_MUTED, spaceAfter=14),
        "day": like("day", fontName=bold, fontSize=19, leading=23, spaceAfter=8),
        "h1": like(
            "h1",
            fontName=bold,
            fontSize=16,
            leading=20,
            spaceBefore=14,
            spaceAfter=6,
            textColor=_ACCENT,
        ),
        "h2": like("h2", fontName=bold, fontSize=15, leading=19, spaceAfter=6),
        "h3": like("h3", fontName=bold, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4),
        "h4": like("h4", fontName=bold, fontSize=11, leading=14, spaceBefore=6, spaceAfter=2),
        "meta": like("meta", fontSize=9, leading=12, textColor=_MUTED),
        "result": like("result", fontName=bold, leftIndent=14, bulletIndent=2),
        "card": like("card", leftIndent=14, bulletIndent=4, spaceAfter=0),
        "card_meta": like(
            "card_meta", fontSize=8.5, leading=11, textColor=_MUTED, leftIndent=14, spaceAfter=5
        ),
        "merged": like("merged", fontSize=9.5, leading=12, leftIndent=28, bulletIndent=18),
    }


def _p(text: str, style: str, **kwargs) -> Paragraph:
    """Every text goes in here: escaped for ReportLab's markup, without the characters
    rows stored before the input rule may hold."""
    return Paragraph(markup(text), _styles()[style], **kwargs)


def markup(text: str) -> str:
    return escape(_safe(text)).replace("\n", "<br/>")


def write(source: Source) -> bytes:
    labels = source.labels
    story = _title_page(source)
    for section in sections(source):
        if section.day_heading and not isinstance(story[-1], PageBreak):
            story.append(PageBreak())  # each day starts on a page of its own
        story += _section(source, section)
    story += _questions(source)
    if not isinstance(story[-1], PageBreak):
        story.append(PageBreak())
    story += _attendance(source)
    buffer = io.BytesIO()
    title = _safe(f"{labels('export.report.title')} – {source.conference.title}")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=22 * mm,
        title=title,
        lang=labels.language,
    )
    footer = _footer(source, title)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _section(source: Source, section: Section) -> list:
    story = [_p(section.day_heading, "day")] if section.day_heading else []
    if section.item:
        story += _item(source, section.item)
    else:
        story.append(_p(source.labels("export.report.rooms"), "h1"))
    story += [_p(note, "meta") for note in section.notes]
    for room in section.rooms:
        story += _room(source, source.room_view(room), section.item)
    if section.has_rooms:
        story.append(PageBreak())  # what follows the rooms starts on a page of its own
    return story


def _item(source: Source, item: AgendaRecord) -> list:
    story = [_p(item.title, "h1"), _p(item_line(source, item), "meta")]
    if item.description:
        story.append(_p(item.description, "body"))
    return story


def _footer(source: Source, title: str):
    regular, _ = fonts()

    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(_MUTED)
        canvas.drawString(18 * mm, 12 * mm, title)
        page = source.labels("export.report.page", number=document.page)
        canvas.drawRightString(A4[0] - 18 * mm, 12 * mm, page)
        canvas.restoreState()

    return draw


def _title_page(source: Source) -> list:
    labels = source.labels
    story = [Spacer(1, 30 * mm), _p(labels("export.report.title"), "meta")]
    story.append(_p(source.conference.title, "title"))
    if source.conference.subtitle:
        story.append(_p(source.conference.subtitle, "subtitle"))
    story += [_p(line, "body") for line in title_lines(source)]
    story.append(_p(labels("export.report.programme"), "h1"))
    rows = [[_p(labels("export.report.time"), "h4"), _p(labels("export.report.item"), "h4")]]
    day_rows = []
    for day, items in programme(source):
        if day:
            day_rows.append(len(rows))
            rows.append([_p(day, "h4"), ""])
        rows += [_programme_row(source, item) for item in items]
    table = Table(rows, colWidths=[32 * mm, None], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9ced4")),
                *[("SPAN", (0, row), (-1, row)) for row in day_rows],
            ]
        )
    )
    return [*story, table, PageBreak()]


def _programme_row(source: Source, item: AgendaRecord) -> list:
    labels = source.labels
    notes = " · ".join(programme_notes(source, item))
    text = markup(item.title) + (f"<br/><font size=9>{markup(notes)}</font>" if notes else "")
    return [
        _p(f"{labels.time(item.start)}–{labels.time(item.end)}", "body"),
        Paragraph(text, _styles()["body"]),
    ]


def _room(source: Source, view: RoomView, item: AgendaRecord | None) -> list:
    labels = source.labels
    story = [PageBreak(), _p(room_heading(source, view.room, item), "h2")]
    if view.room.description:
        story.append(_p(view.room.description, "body"))
    meta = labels.plural("export.report.ideas", view.card_count())
    if view.moderators:
        meta = f"{labels('export.report.moderation', names=', '.join(view.moderators))} · {meta}"
    story.append(_p(meta, "meta"))
    if also := also_results_of(source, view.room, item):
        story.append(_p(also, "meta"))
    story.append(_p(labels("export.report.results"), "h3"))
    if not view.takeaways:
        story.append(_p(labels("export.report.no_results"), "meta"))
    for number, takeaway in enumerate(view.takeaways, start=1):
        story.append(_p(takeaway.text, "result", bulletText=f"{number}."))
    for column in view.columns:
        story.append(_p(column.column.title, "h3"))
        if not column.cards():
            story.append(_p(labels("export.report.no_cards"), "meta"))
        for group in column.clusters:
            story.append(_p(f"{group.cluster.name} ({votes(source, group.votes)})", "h4"))
            story += _cards(source, group.cards)
        if column.loose:
            if column.clusters:
                story.append(_p(labels("export.report.unclustered"), "h4"))
            story += _cards(source, column.loose)
    return story


def _cards(source: Source, cards: list[CardView]) -> list:
    story = []
    for card in cards:
        parts = [_p(card.text, "card", bulletText="•"), _p(card_line(source, card), "card_meta")]
        parts += [
            _p(f"{merged.text} ({merged_line(source, merged)})", "merged", bulletText="–")
            for merged in card.merged
        ]
        story.append(KeepTogether(parts))
    return story


def _questions(source: Source) -> list:
    groups = question_groups(source)
    story = [_p(source.labels("export.report.questions"), "h1")] if groups else []
    for heading, questions in groups:
        story.append(_p(heading, "h3"))
        story += [
            KeepTogether(
                [
                    _p(question.text, "card", bulletText="•"),
                    _p(question_line(source, question), "card_meta"),
                ]
            )
            for question in questions
        ]
    return story


def _attendance(source: Source) -> list:
    labels = source.labels
    attendance = source.attendance()
    story = [_p(labels("export.report.attendance"), "h1")]
    story.append(_p(labels.plural("export.report.people", attendance.people), "body"))
    rows = [
        [
            _p(labels("export.report.room_column"), "h4"),
            _p(labels("export.report.participants_column"), "h4"),
        ]
    ]
    rows += [[_p(room.title, "body"), _p(str(count), "body")] for room, count in attendance.rooms]
    table = Table(rows, colWidths=[None, 40 * mm])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9ced4"))]))
    story += [table, _p(labels("export.report.organisations"), "h3")]
    if not attendance.organisations:
        story.append(_p(labels("export.report.no_organisations"), "meta"))
    for name, count in attendance.organisations:
        story.append(_p(f"{name} ({count})", "card", bulletText="•"))
    story.append(Spacer(1, 4 * mm))
    story.append(_p(labels("export.report.organisations_note"), "meta"))
    networking = networking_lines(source)
    if networking:
        story.append(_p(labels("export.report.networking"), "h3"))
        story += [_p(line, "body") for line in networking]
        story.append(_p(labels("export.report.directory_note"), "meta"))
    story.append(_p(labels("export.report.generated_by"), "meta"))
    return story
