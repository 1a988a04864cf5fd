"""Export benchmark: a conference with thousands of cards, every format timed.

Seeds a temporary SQLite database (the shipped Mayen-Koblenz conference, its three rooms
filled with generated cards, votes, comments, clusters, merges, hidden and deleted cards,
and a join event per participant), then writes each format to a file through the same
service as the console and the CLI, and prints one JSON object: seconds, bytes and, on a
second pass, the peak of Python memory while writing (tracemalloc). Progress on stderr.

    .venv/bin/python bench/export.py                 # 5000 cards, 1500 participants
    .venv/bin/python bench/export.py --cards 20000
"""

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from server.domain.permissions import Role  # noqa: E402
from server.exports import ExportOptions, Format  # noqa: E402
from server.realtime.broadcast import MemoryBroadcast  # noqa: E402
from server.services import exports  # noqa: E402
from server.services.backends import Backends  # noqa: E402
from server.services.config_files import load_into  # noqa: E402
from server.store import conferences  # noqa: E402
from server.store.database import Database  # noqa: E402
from server.store.room_events import RoomEventType  # noqa: E402
from server.store.tables import (  # noqa: E402
    BoardColumn,
    Card,
    CardCluster,
    Comment,
    Event,
    Participant,
    Room,
    Takeaway,
    Vote,
)
from server.views.environment import Views  # noqa: E402

MYK = "regionalkonferenz-mayen-koblenz-2022"
AT = datetime(2022, 3, 22, 10, 45, tzinfo=UTC)
WORDS = [
    "Bürgernähe",
    "Mängelmelder",
    "Ortsgemeinde",
    "Breitband",
    "Mobilität",
    "Ehrenamt",
    "Förderung",
    "Daten",
    "Plattform",
    "Verwaltung",
    "Beteiligung",
    "Quartier",
    "Energie",
    "Schule",
    "Pflege",
    "Tourismus",
    "Vereine",
]


def seed(database: Database, cards: int, people: int, rng: random.Random) -> None:
    def write(session) -> None:
        conference = conferences.conference_by_slug(session, MYK)
        rooms = session.scalars(select(Room).where(Room.conference_id == conference.id)).all()
        columns = {
            room.id: session.scalars(
                select(BoardColumn.id).where(BoardColumn.room_id == room.id)
            ).all()
            for room in rooms
        }
        c = session.connection()
        c.execute(
            insert(Participant),
            [
                {
                    "conference_id": conference.id,
                    "display_name": f"Person {n} Ärger",
                    "organisation": f"Gemeinde {n % 60}",
                    "name_consent": n % 3 != 0,
                    "joined_at": AT,
                }
                for n in range(people)
            ],
        )
        person_ids = session.scalars(
            select(Participant.id).where(Participant.conference_id == conference.id)
        ).all()
        seq = {room.id: room.last_seq for room in rooms}
        joined = []
        for pid in person_ids:
            room = rng.choice(rooms).id
            seq[room] += 1
            joined.append(
                {
                    "room_id": room,
                    "seq": seq[room],
                    "type": RoomEventType.MEMBER_JOINED.value,
                    "payload": json.dumps({"participant_id": pid}),
                    "actor_id": pid,
                    "at": AT,
                }
            )
        c.execute(insert(Event), joined)
        clusters = []
        for room in rooms:
            for column in columns[room.id]:
                for k in range(8):
                    clusters.append(
                        {
                            "room_id": room.id,
                            "column_id": column,
                            "name": f"Cluster {k} {rng.choice(WORDS)}",
                            "created_at": AT,
                        }
                    )
        c.execute(insert(CardCluster), clusters)
        cluster_rows = session.execute(select(CardCluster.id, CardCluster.column_id)).all()
        by_column = {}
        for cid, column in cluster_rows:
            by_column.setdefault(column, []).append(cid)
        rows = []
        for n in range(cards):
            room = rng.choice(rooms).id
            column = rng.choice(columns[room])
            roll = rng.random()
            status = "hidden" if roll < 0.03 else "deleted" if roll < 0.05 else "visible"
            rows.append(
                {
                    "room_id": room,
                    "column_id": column,
                    "author_id": rng.choice(person_ids),
                    "text": " ".join(rng.choices(WORDS, k=rng.randint(4, 25))),
                    "created_at": AT + timedelta(seconds=n),
                    "status": status,
                    "cluster_id": rng.choice(by_column[column]) if rng.random() < 0.6 else None,
                }
            )
        c.execute(insert(Card), rows)
        card_rows = session.execute(select(Card.id, Card.room_id)).all()
        votes, comments = [], []
        for card_id, room in card_rows:
            for _ in range(rng.randint(0, 6)):
                votes.append(
                    {
                        "room_id": room,
                        "card_id": card_id,
                        "participant_id": rng.choice(person_ids),
                        "created_at": AT,
                    }
                )
            if rng.random() < 0.3:
                comments.append(
                    {
                        "room_id": room,
                        "card_id": card_id,
                        "author_id": rng.choice(person_ids),
                        "text": " ".join(rng.choices(WORDS, k=8)),
                        "created_at": AT,
                    }
                )
        c.execute(insert(Vote), votes)
        c.execute(insert(Comment), comments)
        # Every 20th card is a duplicate merged into its predecessor in the room.
        for (card_id, _), (previous, _) in list(zip(card_rows[1:], card_rows, strict=False))[::20]:
            session.execute(
                Card.__table__.update()
                .where(Card.id == card_id)
                .values(status="merged", merged_into=previous, cluster_id=None)
            )
        for room in rooms:
            session.execute(
                Room.__table__.update().where(Room.id == room.id).values(last_seq=seq[room.id])
            )
            for position in range(5):
                c.execute(
                    insert(Takeaway),
                    [
                        {
                            "room_id": room.id,
                            "position": position,
                            "text": f"Ergebnis {position + 1}: {rng.choice(WORDS)}",
                            "created_at": AT,
                        }
                    ],
                )

    database.run_write(write)


def run(backends: Backends, fmt: Format, out: Path) -> tuple[float, int]:
    conference = backends.database.run_read(lambda s: conferences.conference_by_slug(s, MYK))
    views = Views()
    start = time.perf_counter()
    made = exports.open_export(
        backends,
        Role.ORGANISER,
        conference,
        ExportOptions(format=fmt, language="de"),
        views.translator("de"),
        views.env.get_template("report.html"),
    )
    with open(out, "wb") as target:
        for chunk in made.chunks:
            target.write(chunk)
    return time.perf_counter() - start, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        database.migrate()
        backends = Backends(database, MemoryBroadcast())
        load_into(backends, [ROOT / "sessions_config"])
        started = time.perf_counter()
        seed(database, args.cards, args.people, random.Random(args.seed))
        print(
            f"seeded {args.cards} cards in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        results = {}
        for fmt in Format:
            seconds, size = run(backends, fmt, Path(folder) / f"export.{fmt.value}")
            print(f"{fmt.value:>5}: {seconds:6.2f} s  {size / 1e6:6.2f} MB", file=sys.stderr)
            results[fmt.value] = {"seconds": round(seconds, 3), "bytes": size}
        for fmt in Format:
            tracemalloc.start()
            run(backends, fmt, Path(folder) / f"again.{fmt.value}")
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            results[fmt.value]["peak_python_mb"] = round(peak / 1e6, 1)
        database.close()
    print(json.dumps({"cards": args.cards, "people": args.people, "formats": results}))


if __name__ == "__main__":
    main()
