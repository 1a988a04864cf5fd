"""Cards as CSV, one row per card (merged duplicates right under their card).

Written for German Excel: UTF-8 with a byte order mark (else umlauts break), ';' as the
default separator, and cells that a spreadsheet would run as a formula are defused.
"""

import csv
import io
from collections.abc import Iterator

from .content import CardView
from .source import Source

COLUMNS = (
    "room",
    "column",
    "cluster",
    "card",
    "text",
    "author",
    "organisation",
    "votes",
    "comments",
    "status",
    "merged_into",
    "created",
    "edited",
)
# A cell starting with one of these is a formula (or a DDE call) in Excel and LibreOffice.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def defuse(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write(source: Source) -> Iterator[str]:
    labels = source.labels
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=source.options.delimiter, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(labels(f"export.csv.{name}") for name in COLUMNS)
    yield "\ufeff" + flush()
    for room in source.room_views():
        for card in room.cards():
            writer.writerow(_row(source, room.room.title, card))
            for merged in card.merged:
                writer.writerow(_row(source, room.room.title, merged))
        yield flush()


def _row(source: Source, room_title: str, card: CardView) -> list[str]:
    labels = source.labels
    values = [
        room_title,
        card.column.title,
        card.cluster.name if card.cluster else "",
        card.id,
        card.text,
        card.author,
        card.organisation or "",
        len(card.votes),
        len(card.comments),
        labels(f"export.status.{card.status.value}"),
        card.merged_into or "",
        source.stamp(card.created_at),
        source.stamp(card.edited_at),
    ]
    return [defuse(value) for value in values]
