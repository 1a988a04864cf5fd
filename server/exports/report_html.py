"""The Ergebnisprotokoll as one printable HTML page (A4, a page per room), streamed: the
template pulls each room from the database as it reaches it."""

from collections.abc import Iterator
from typing import Protocol

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


class Template(Protocol):
    def generate(self, **context: object) -> Iterator[str]: ...


def write(source: Source, template: Template) -> Iterator[str]:
    return template.generate(
        _=source.labels,
        conference=source.conference,
        title_lines=title_lines(source),
        agenda=source.dump.agenda,
        sections=sections(source),
        rooms=source.room_views(),
        attendance=source.attendance,
        votes=lambda count: votes(source, count),
        card_line=lambda card: card_line(source, card),
        merged_line=lambda card: merged_line(source, card),
        question_groups=lambda: question_groups(source),
        question_line=lambda question: question_line(source, question),
    )
