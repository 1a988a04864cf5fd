"""The Ergebnisprotokoll as one printable HTML page (A4, a page per room and per day),
streamed: the template pulls each room from the database as it reaches it."""

from collections.abc import Iterator
from typing import Protocol

from .report import (
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


class Template(Protocol):
    def generate(self, **context: object) -> Iterator[str]: ...


def write(source: Source, template: Template) -> Iterator[str]:
    return template.generate(
        _=source.labels,
        conference=source.conference,
        title_lines=title_lines(source),
        programme=programme(source),
        sections=sections(source),
        room_view=source.room_view,
        item_line=lambda item: item_line(source, item),
        programme_notes=lambda item: programme_notes(source, item),
        also_results_of=lambda room, item: also_results_of(source, room, item),
        room_heading=lambda room, item: room_heading(source, room, item),
        attendance=source.attendance,
        networking_lines=lambda: networking_lines(source),
        votes=lambda count: votes(source, count),
        card_line=lambda card: card_line(source, card),
        merged_line=lambda card: merged_line(source, card),
        question_groups=lambda: question_groups(source),
        question_line=lambda question: question_line(source, question),
    )
