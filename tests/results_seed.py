"""A conference with something of everything for export tests: cards in every state, a
merge, clusters (one ungrouped), votes, comments, results, people who agreed to be named
and people who did not, a log with undo data, and the plenary's questions in every state."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from server.domain.board import CardStatus
from server.store import presence
from server.store.events import room_log
from server.store.room_events import RoomEventType
from server.store.tables import (
    BoardColumn,
    Card,
    CardCluster,
    Comment,
    Conference,
    Participant,
    Question,
    QuestionVote,
    Room,
    Takeaway,
    Vote,
)

MYK = "regionalkonferenz-mayen-koblenz-2022"
NARRATIVE = "narrative-der-smart-city"
STRATEGY = "strategieentwicklung"
AT = datetime(2022, 3, 22, 11, 0, tzinfo=UTC)  # 12:00 in Mayen


@dataclass
class Seeded:
    people: dict[str, int] = field(default_factory=dict)
    cards: dict[str, int] = field(default_factory=dict)
    clusters: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, int] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)


# Words that must never leave in a default export.
SECRETS = (
    "GEHEIM-HIDDEN",
    "GEHEIM-PENDING",
    "GEHEIM-DELETED",
    "GEHEIM-UNDO",
    "GEHEIM-FRAGE-HIDDEN",
    "GEHEIM-FRAGE-PENDING",
)
NOT_CONSENTED = ("Ben Ohnename", "Verbandsgemeinde Vordereifel", "Dora Privat")


def seed(session: Session) -> Seeded:
    seeded = Seeded()
    conference = session.exec(select(Conference).where(Conference.slug == MYK)).one()
    rooms = {
        r.slug: r for r in session.exec(select(Room).where(Room.conference_id == conference.id))
    }
    seeded.rooms = {slug: room.id for slug, room in rooms.items()}
    people = [
        ("anna", "Anna Älterwein", "Stadt Mayen", True),
        ("ben", "Ben Ohnename", "Verbandsgemeinde Vordereifel", False),
        ("cem", "Cem Großmann", "Landkreis Mayen-Koblenz", True),
        ("mia", "Mia Moderatorin", None, True),
        ("dora", "Dora Privat", None, False),
        ("jue", "Jürgen Weiß", "Stadt Mayen", True),
    ]
    for key, name, organisation, consent in people:
        row = Participant(
            conference_id=conference.id,
            display_name=name,
            organisation=organisation,
            name_consent=consent,
            joined_at=AT,
        )
        session.add(row)
        session.flush()
        seeded.people[key] = row.id
    room = rooms[NARRATIVE]
    columns = _columns(session, room.id)
    for key in ("anna", "ben", "cem", "mia", "jue"):
        presence.record_visit(session, room.id, seeded.people[key])
    presence.record_visit(session, rooms[STRATEGY].id, seeded.people["dora"])

    examples = _cluster(session, room.id, columns[0], "Gute Beispiele & „Vorbilder“")
    old = _cluster(session, room.id, columns[0], "Aufgelöstes Cluster", removed=True)
    seeded.clusters = {"examples": examples, "old": old}
    p = seeded.people
    cards = [
        (
            "listening",
            columns[0],
            None,
            "anna",
            "Ämter, die zuhören – „Bürgernähe“ erzählen",
            CardStatus.VISIBLE,
            3,
        ),
        (
            "formula",
            columns[0],
            None,
            "ben",
            '=HYPERLINK("http://example.org","klick")',
            CardStatus.VISIBLE,
            1,
        ),
        (
            "benches",
            columns[0],
            examples,
            "cem",
            "Smarte Bänke am Marktplatz",
            CardStatus.VISIBLE,
            2,
        ),
        (
            "app",
            columns[0],
            examples,
            "jue",
            "Mängelmelder-App für alle Gemeinden",
            CardStatus.VISIBLE,
            5,
        ),
        ("hidden", columns[0], None, "cem", "Versteckte Idee GEHEIM-HIDDEN", CardStatus.HIDDEN, 0),
        (
            "pending",
            columns[1],
            None,
            "dora",
            "Wartende Idee GEHEIM-PENDING",
            CardStatus.PENDING,
            0,
        ),
        (
            "deleted",
            columns[1],
            None,
            "anna",
            "Gelöschte Idee GEHEIM-DELETED",
            CardStatus.DELETED,
            0,
        ),
        (
            "stories",
            columns[1],
            None,
            "mia",
            "Geschichten aus dem Alltag, nicht aus dem Labor",
            CardStatus.VISIBLE,
            0,
        ),
    ]
    for key, column, cluster, author, text, status, dots in cards:
        seeded.cards[key] = _card(session, room.id, column, cluster, p[author], text, status)
        for n in range(dots):
            session.add(
                Vote(
                    room_id=room.id,
                    card_id=seeded.cards[key],
                    participant_id=p["jue"],
                    created_at=AT + timedelta(minutes=30 + n),
                )
            )
    merged = _card(
        session,
        room.id,
        columns[0],
        None,
        p["cem"],
        "Doppelt: Bürgernähe als Geschichte",
        CardStatus.MERGED,
        into=seeded.cards["listening"],
    )
    seeded.cards["merged"] = merged
    _event(
        session,
        room.id,
        RoomEventType.CARDS_MERGED,
        {"cards": [seeded.cards["listening"]], "gone": [merged]},
        p["mia"],
    )
    undo = {"cards": {str(seeded.cards["deleted"]): {"text": "GEHEIM-UNDO", "status": "visible"}}}
    _event(
        session,
        room.id,
        RoomEventType.CARD_DELETED,
        {"gone": [seeded.cards["deleted"]], "undo": undo},
        p["anna"],
    )
    _event(
        session,
        room.id,
        RoomEventType.VOTE_CAST,
        {"vote_cards": [seeded.cards["app"]], "voters": [p["jue"]]},
        p["jue"],
    )
    for author, card, text in (
        ("ben", "listening", "Unbedingt, gerade für Ältere."),
        ("anna", "listening", "Beispiele aus Mayen gibt es schon."),
        ("dora", "hidden", "Kommentar GEHEIM-HIDDEN"),
    ):
        session.add(
            Comment(
                room_id=room.id,
                card_id=seeded.cards[card],
                author_id=p[author],
                text=text,
                created_at=AT + timedelta(minutes=20),
            )
        )
    for position, text in enumerate(
        ("Bürgernähe ist die Geschichte, nicht die Technik.", "Beispiele aus der Region zeigen")
    ):
        session.add(
            Takeaway(
                room_id=room.id, position=position, text=text, created_at=AT + timedelta(minutes=50)
            )
        )
    strategy_column = _columns(session, rooms[STRATEGY].id)[0]
    seeded.cards["strategy"] = _card(
        session,
        rooms[STRATEGY].id,
        strategy_column,
        None,
        p["dora"],
        "Ziele messbar machen",
        CardStatus.VISIBLE,
    )
    seeded.questions = _questions(session, conference.id, p)
    session.flush()
    return seeded


# The plenary's questions: key, author, text, status, answered, who voted. Asked in this
# order, so the ids are not the order of votes.
QUESTIONS = (
    ("quiet", "jue", "Wer pflegt die Daten später?", "visible", False, ("anna",)),
    (
        "popular",
        "anna",
        "Wie kommen kleine Gemeinden an Fördermittel?",
        "visible",
        False,
        ("ben", "cem", "jue"),
    ),
    ("answered", "ben", "Gibt es eine Ansprechperson im Land?", "visible", True, ("anna", "cem")),
    ("hidden", "cem", "Versteckte Frage GEHEIM-FRAGE-HIDDEN", "hidden", False, ()),
    ("pending", "dora", "Wartende Frage GEHEIM-FRAGE-PENDING", "pending", False, ()),
)


def _questions(session: Session, conference_id: int, people: dict[str, int]) -> dict[str, int]:
    ids = {}
    for minute, (key, author, text, status, answered, voters) in enumerate(QUESTIONS):
        row = Question(
            conference_id=conference_id,
            author_id=people[author],
            text=text,
            created_at=AT + timedelta(minutes=minute),
            status=status,
            answered=answered,
        )
        session.add(row)
        session.flush()
        ids[key] = row.id
        for voter in voters:
            session.add(QuestionVote(question_id=row.id, participant_id=people[voter], at=AT))
    return ids


def _columns(session: Session, room_id: int) -> list[int]:
    rows = session.exec(
        select(BoardColumn).where(BoardColumn.room_id == room_id).order_by(BoardColumn.position)
    )
    return [c.id for c in rows]


def _cluster(
    session: Session, room_id: int, column_id: int, name: str, removed: bool = False
) -> int:
    row = CardCluster(
        room_id=room_id, column_id=column_id, name=name, created_at=AT, removed=removed
    )
    session.add(row)
    session.flush()
    return row.id


def _card(session, room_id, column_id, cluster_id, author_id, text, status, into=None) -> int:
    row = Card(
        room_id=room_id,
        column_id=column_id,
        cluster_id=cluster_id,
        author_id=author_id,
        text=text,
        created_at=AT + timedelta(minutes=5),
        status=status.value,
        merged_into=into,
    )
    session.add(row)
    session.flush()
    return row.id


def _event(session, room_id, type_, payload, actor) -> None:
    room_log.append(session, room_id, type_, payload, actor)
