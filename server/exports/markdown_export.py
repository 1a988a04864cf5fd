"""A readable summary in Markdown: the programme (day by day when there are several), then
per room the item it was used for, its results, and each column's clusters with their
cards, most votes first; rooms in the report's order (report.sections). Then the
plenary's questions, if there were any."""

import re
from collections.abc import Iterator

from ..store.records import AgendaRecord
from .content import CardView, RoomView
from .report import (
    also_results_of,
    card_line,
    item_line,
    merged_line,
    programme,
    question_groups,
    question_line,
    sections,
    title_lines,
    votes,
)
from .source import Source

# Characters that would turn a participant's words into markup.
_MARKUP = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def escape(text: str) -> str:
    return _MARKUP.sub(r"\\\1", text).replace("\n", "  \n  ")


def write(source: Source) -> Iterator[str]:
    labels = source.labels
    yield f"# {escape(source.conference.title)}\n\n"
    for line in title_lines(source):
        yield f"{escape(line)}  \n"
    yield "\n"
    yield "".join(_programme(source))
    for section in sections(source):
        for room in section.rooms:
            yield "".join(_room(source, source.room_view(room), section.item))
    yield "".join(_questions(source))
    yield f"---\n\n{labels('export.report.generated_by')}\n"


def _programme(source: Source) -> Iterator[str]:
    yield f"## {source.labels('export.report.programme')}\n\n"
    for heading, items in programme(source):
        if heading:
            yield f"### {escape(heading)}\n\n"
        for item in items:
            yield f"- **{escape(item.title)}**  \n  {escape(item_line(source, item))}\n"
        yield "\n"


def _item_context(source: Source, item: AgendaRecord) -> str:
    """Which item a room's results belong to, with its day when there are several."""
    parts = [item.title, item_line(source, item)]
    if len(source.conference.days) > 1:
        parts.insert(0, source.labels.date(item.day))
    return " · ".join(parts)


def _room(source: Source, view: RoomView, item: AgendaRecord | None) -> Iterator[str]:
    labels = source.labels
    yield f"## {escape(view.room.title)}\n\n"
    if item is not None:
        yield f"*{escape(_item_context(source, item))}*\n\n"
    if view.moderators:
        names = ", ".join(view.moderators)
        yield f"{labels('export.report.moderation', names=escape(names))}\n\n"
    if also := also_results_of(source, view.room, item):
        yield f"{escape(also)}\n\n"
    yield f"### {labels('export.report.results')}\n\n"
    if view.takeaways:
        for number, takeaway in enumerate(view.takeaways, start=1):
            yield f"{number}. {escape(takeaway.text)}\n"
    else:
        yield f"{labels('export.report.no_results')}\n"
    yield "\n"
    for column in view.columns:
        yield f"### {escape(column.column.title)}\n\n"
        if not column.cards():
            yield f"{labels('export.report.no_cards')}\n\n"
        for group in column.clusters:
            yield f"#### {escape(group.cluster.name)} ({votes(source, group.votes)})\n\n"
            yield from _cards(source, group.cards)
        if column.loose:
            if column.clusters:
                yield f"#### {labels('export.report.unclustered')}\n\n"
            yield from _cards(source, column.loose)


def _cards(source: Source, cards: list[CardView]) -> Iterator[str]:
    for card in cards:
        yield f"- {escape(card.text)}  \n  *{escape(card_line(source, card))}*\n"
        for merged in card.merged:
            yield f"  - {escape(merged.text)} *({escape(merged_line(source, merged))})*\n"
    yield "\n"


def _questions(source: Source) -> Iterator[str]:
    groups = question_groups(source)
    if groups:
        yield f"## {source.labels('export.report.questions')}\n\n"
    for heading, questions in groups:
        yield f"### {escape(heading)}\n\n"
        for question in questions:
            line = question_line(source, question)
            yield f"- {escape(question.text)}  \n  *{escape(line)}*\n"
        yield "\n"
