"""The store on a temporary SQLite file, and loading sessions_config into it."""

import shutil
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from server.conference_files import ConfigError
from server.domain import rooms as room_rules
from server.domain.participants import Joining
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT
from server.store import boards, conferences, presence
from server.store.database import Database
from server.store.events import room_log
from server.store.tables import BoardColumn, Card, Conference, Room

from .helpers import backends_of

MYK_FILE = PROJECT_ROOT / "sessions_config" / "regionalkonferenz-mayen-koblenz-2022.yaml"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions_config"
    folder.mkdir()
    shutil.copy(MYK_FILE, folder)
    return folder


@pytest.fixture
def database(database_url: str, config_dir: Path):
    db = Database(database_url)
    db.migrate()
    load_into(backends_of(db), [config_dir])
    yield db
    db.close()


def _room(session, slug="narrative-der-smart-city") -> Room:
    return session.exec(select(Room).where(Room.slug == slug)).one()


def _post(database: Database, text: str, room_slug="narrative-der-smart-city") -> int:
    def work(session):
        room = _room(session, room_slug)
        conference_id = room.conference_id
        author = conferences.add_participant(session, conference_id, Joining("Anna", None))
        column = min(boards.board_state(session, room.id).column_ids)
        card_id = boards.insert_card(session, room.id, column, author.id, text)
        return room_log.append(session, room.id, "card_posted", {"card_id": card_id}, author.id)

    return database.run_write(work)


def test_each_event_gets_the_next_seq_of_its_room(database):
    assert [_post(database, f"Idee {n}") for n in range(3)] == [1, 2, 3]
    assert _post(database, "anderer Raum", "strategieentwicklung") == 1


def test_a_command_id_is_found_again_for_retries(database):
    def work(session):
        room = _room(session)
        author = conferences.add_participant(session, room.conference_id, Joining("Ben", None))
        room_log.append(session, room.id, "x", {"a": 1}, author.id, "cmd-1")
        return (
            room_log.applied_command(session, room.id, author.id, "cmd-1"),
            room_log.applied_command(session, room.id, author.id, "cmd-2"),
        )

    assert database.run_write(work) == ((1, {"a": 1}), None)


def test_loading_the_same_file_twice_changes_nothing(database, config_dir):
    assert load_into(backends_of(database), [config_dir]) == {
        "regionalkonferenz-mayen-koblenz-2022": 0
    }


def test_editing_a_file_updates_structure_and_keeps_every_card(database, config_dir):
    _post(database, "Bleibt erhalten")
    data = yaml.safe_load(MYK_FILE.read_text(encoding="utf-8"))
    data["title"] = "Regionalkonferenz Mayen-Koblenz (geändert)"
    first_room = data["rooms"][0]
    first_room["title"] = "Narrative (neu)"
    first_room["prompts"] = first_room["prompts"][1:]  # the column holding the card goes
    data["rooms"] = data["rooms"][:2]  # the last room goes
    (config_dir / MYK_FILE.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")

    assert (
        load_into(backends_of(database), [config_dir])["regionalkonferenz-mayen-koblenz-2022"] > 0
    )

    with database.session() as session:
        assert session.exec(select(Card.text)).all() == ["Bleibt erhalten"]
        assert session.exec(select(Conference.title)).one().endswith("(geändert)")
        narrative = _room(session)
        assert narrative.title == "Narrative (neu)"
        archived_columns = session.exec(select(BoardColumn).where(BoardColumn.archived)).all()
        assert len(archived_columns) == 1
        assert _room(session, "erfolgreiche-akteursnetzwerke").archived


def test_a_broken_file_is_rejected_before_the_database_is_touched(database, config_dir):
    text = MYK_FILE.read_text(encoding="utf-8").replace("capacity: 60", "capacity: viele", 1)
    (config_dir / MYK_FILE.name).write_text(text, encoding="utf-8")
    with database.session() as session:
        before = [(r.id, r.title, r.capacity) for r in session.exec(select(Room))]

    with pytest.raises(ConfigError) as broken:
        load_into(backends_of(database), [config_dir])

    assert "regionalkonferenz-mayen-koblenz-2022.yaml:" in str(broken.value)
    assert "capacity must be a positive whole number, got 'viele'" in str(broken.value)
    with database.session() as session:
        assert [(r.id, r.title, r.capacity) for r in session.exec(select(Room))] == before


def test_presence_names_whom_it_counts_until_the_room_is_big(database, monkeypatch):
    monkeypatch.setattr(room_rules, "NAMES_SHOWN_UP_TO", 2)

    def work(session, names):
        room = _room(session)
        for name in names:
            joined = conferences.add_participant(session, room.conference_id, Joining(name, None))
            presence.add_connection(session, room.id, joined.id)
        return presence.presence_of(session, room.id)

    few = database.run_write(lambda s: work(s, ["Anna", "Ben"]))
    assert few.count == 2 and [m.display_name for m in few.members] == ["Anna", "Ben"]
    many = database.run_write(lambda s: work(s, ["Cem"]))
    assert (many.count, many.members) == (3, None)


def test_snapshot_lists_cards_oldest_first_in_their_columns(database):
    for n in range(3):
        _post(database, f"Idee {n}")

    def work(session):
        room = _room(session)
        return boards.load_board(session, room.id, room_log.last_seq(session, room.id))

    board = database.run_read(work)
    assert board.seq == 3
    assert [c.text for c in board.columns[0].cards] == ["Idee 0", "Idee 1", "Idee 2"]
    assert all(not column.cards for column in board.columns[1:])


def test_a_read_sees_one_moment_even_while_others_write(database):
    def read(session):
        before = session.exec(select(Card.text)).all()
        _post(database, "kommt während des Lesens")  # another connection commits meanwhile
        return before, session.exec(select(Card.text)).all()

    before, after = database.run_read(read)
    assert before == after == []
    assert database.run_read(lambda s: s.exec(select(Card.text)).all()) == [
        "kommt während des Lesens"
    ]
