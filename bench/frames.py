"""Frame weight: bytes of one card as each audience gets it, and of a whole board's snapshot.

Renders with the server's own renderer (views/board.RoomRenderer), no server or socket:

    .venv/bin/python bench/frames.py                 # 120-character card, 600-card board
    .venv/bin/python bench/frames.py --text-size 500 --cards 2000

Prints one JSON object: per audience the card fragment (`<li id="card-…">…</li>`), the
delta frame that brings a new card (header, the card, the screen reader's announcement)
and the snapshot of a board with `--cards` cards spread over three columns. How to read it:
bench/README.md.
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.domain.audience import MODERATOR, PARTICIPANT, Audience  # noqa: E402
from server.domain.phases import Phase, RoomState  # noqa: E402
from server.store.records import (  # noqa: E402
    BoardRecord,
    CardRecord,
    ColumnRecord,
    PresenceRecord,
)
from server.store.room_live import RoomExtras, RoomLiveUpdate  # noqa: E402
from server.views.board import RoomRenderer  # noqa: E402
from server.views.environment import Views  # noqa: E402

GOALS = {"participant": 900, "moderator": 1500}  # card fragment bytes, 120 characters
COLUMNS = ("Ideen", "Fragen", "Nächste Schritte")


def text_of(size: int, index: int) -> str:
    words = f"Karte {index}: Smart-City-Strategie braucht Beteiligung vor Ort und offene Daten. "
    return (words * (size // len(words) + 1))[:size]


def card(index: int, column: int, size: int, votes: int = 0) -> CardRecord:
    return CardRecord(
        id=index,
        room_id=1,
        column_id=column + 1,
        column_title=COLUMNS[column],
        author_id=1000 + index % 150,
        author_name=f"Teilnehmerin {index % 150}",
        author_organisation="Stadt Musterhausen",
        text=text_of(size, index),
        created_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        votes=votes,
    )


def board(cards: int, size: int, state: RoomState) -> BoardRecord:
    by_column = [[] for _ in COLUMNS]
    for index in range(1, cards + 1):
        by_column[index % len(COLUMNS)].append(card(index, index % len(COLUMNS), size, index % 4))
    columns = [
        ColumnRecord(id=i + 1, key=f"c{i}", title=title, description=None, cards=by_column[i])
        for i, title in enumerate(COLUMNS)
    ]
    # 150 present: above the room size whose names are listed, so the count only.
    return BoardRecord(1, cards, state, columns, [], [], PresenceRecord(150, None))


def measure(renderer: RoomRenderer, audience: Audience, size: int, cards: int) -> dict:
    state = RoomState(phase=Phase.COLLECT, locked=False)
    one = card(cards + 1, 0, size)
    context = renderer.context(state, audience)
    fragment = renderer.views.render("_card.html", audience.language, card=one, **context)
    update = RoomLiveUpdate(
        seq=cards + 1, first_seq=cards + 1, cards=[one], state=state, announce=one
    )
    frame = renderer.delta(update, audience)
    extras = RoomExtras(announcements=[], ended_breakout=None, conference_slug="bench")
    snapshot = renderer.snapshot(
        RoomLiveUpdate(
            seq=cards,
            first_seq=cards,
            state=state,
            snapshot=board(cards, size, state),
            extras=extras,
        ),
        audience,
    )
    return {
        "card_fragment_bytes": len(fragment.encode()),
        "new_card_frame_bytes": len(frame.encode()),
        "snapshot_bytes": len(snapshot.encode()),
        "snapshot_bytes_per_card": round(len(snapshot.encode()) / cards),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-size", type=int, default=120)
    parser.add_argument("--cards", type=int, default=600)
    parser.add_argument("--language", default="de")
    args = parser.parse_args()
    renderer = RoomRenderer(Views())
    result = {"text_size": args.text_size, "cards": args.cards}
    for view in (PARTICIPANT, MODERATOR):
        figures = measure(renderer, Audience(view, args.language), args.text_size, args.cards)
        figures["goal_card_fragment_bytes"] = GOALS[view]
        figures["ok"] = figures["card_fragment_bytes"] <= GOALS[view]
        result[view] = figures
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
