"""The Ergebnisprotokoll's outline, shared by Markdown, HTML, DOCX and PDF: the title
page's lines, the programme, where the rooms go, how a card is labelled, and the
plenary's questions after the agenda's sections."""

from dataclasses import dataclass

from ..store.records import AgendaRecord
from .content import CardView, QuestionView
from .source import Source


@dataclass(frozen=True)
class Section:
    item: AgendaRecord | None  # None: rooms of a conference without a breakout item
    has_rooms: bool


def sections(source: Source) -> list[Section]:
    """One section per agenda item; the rooms go into the first breakout item. A single
    room's export has only that section."""
    agenda = source.dump.agenda
    breakout = next((item for item in agenda if item.kind == "breakout"), None)
    if source.options.room is not None:
        return [Section(breakout, True)]
    result = [Section(item, item is breakout) for item in agenda]
    if breakout is None:
        result.append(Section(None, True))
    return result


def title_lines(source: Source) -> list[str]:
    """Date, time and place under the title."""
    c, labels = source.conference, source.labels
    days = labels.date_range(c.date, c.end_date or c.date)
    lines = [f"{days}, {labels.time_range(c.start, c.end)}", c.place]
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
