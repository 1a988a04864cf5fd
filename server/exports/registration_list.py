"""The registrations as CSV for Excel, one row per person, a column per workshop slot.

Written like the cards' CSV (csv_export.py): UTF-8 with a byte order mark, ';' between
cells, formulas defused, since names and needs are typed by anyone with the link.
"""

import csv
import io

from ..domain.registration import Standing
from ..services.registrations import Overview
from .csv_export import defuse

MEDIA_TYPE = "text/csv; charset=utf-8"


def csv_text(view: Overview, labels) -> str:
    slots = view.offer.slots
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    heading = [
        labels(f"registrations.csv.{column}")
        for column in (
            "name",
            "organisation",
            "municipality",
            "role",
            "accessibility",
            "registered",
            "cancelled",
        )
    ]
    slot_titles = [" / ".join(item.title for item in slot.items) for slot in slots]
    writer.writerow(heading + slot_titles)
    for row in view.rows:
        r = row.registration
        cells = [
            r.name,
            r.organisation,
            r.municipality,
            r.role,
            r.accessibility,
            r.registered_at.date().isoformat(),
            r.cancelled_at.date().isoformat() if r.cancelled_at else "",
        ]
        for slot in slots:
            titles = {item.id: item.title for item in slot.items}
            mine = sorted((p for p in row.places if p.item_id in titles), key=lambda p: p.rank)
            cells.append(_standing(mine, titles, labels))
        writer.writerow([defuse(cell) for cell in cells])
    return "\ufeff" + buffer.getvalue()


def _standing(places, titles: dict[int, str], labels) -> str:
    """'Platz: A', 'Warteliste: A, B' or 'Wünsche: A, B' (best first)."""
    for standing in (Standing.SEAT, Standing.WAITING, Standing.WISHED):
        named = [titles[p.item_id] for p in places if p.standing == standing]
        if named:
            return labels(f"registrations.csv.{standing.value}", workshops=", ".join(named))
    return ""
