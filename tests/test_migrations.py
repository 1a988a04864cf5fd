"""The schema comes from the migrations, on SQLite and PostgreSQL alike."""

from alembic import command
from sqlalchemy import inspect

from server.cli import main
from server.services import organisers
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT, Settings
from server.store import conferences, schema
from server.store import organisers as store_organisers
from server.store.database import Database

from .helpers import MYK, backends_of

MYK_FILE = PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml"


def test_migrating_an_empty_database_gives_exactly_the_tables_in_code(database_url):
    database = Database(database_url)
    database.migrate()

    assert schema.differences(database.engine) == []
    assert schema.current_revision(database.engine) == schema.head_revision()
    database.close()


def test_migrating_twice_changes_nothing(database_url):
    database = Database(database_url)
    database.migrate()
    database.migrate()

    assert schema.differences(database.engine) == []
    database.close()


def test_a_database_made_before_migrations_is_adopted_and_keeps_its_rows(database_url):
    database = Database(database_url)
    # The schema as create_all made it until migrations came: revision 0001 without the
    # version table.
    with database.engine.begin() as connection:
        command.upgrade(schema.alembic_config(connection), schema.INITIAL_REVISION)
        connection.exec_driver_sql("DROP TABLE alembic_version")
    database.run_write(
        lambda s: s.connection().exec_driver_sql("INSERT INTO appsecret VALUES (1, 'kept')")
    )

    database.migrate()

    assert schema.current_revision(database.engine) == schema.head_revision()
    assert (
        database.run_read(
            lambda s: s.connection().exec_driver_sql("SELECT value FROM app_secret").one()
        )[0]
        == "kept"
    )
    database.close()


def test_migrate_command_reports_the_revision(database_url, capsys):
    settings = Settings(database_url=database_url)
    assert main(["migrate"], settings) == 0
    assert (
        capsys.readouterr().out.strip()
        == f"database at revision {schema.head_revision()} (was None)"
    )
    assert main(["migrate"], settings) == 0
    assert capsys.readouterr().out.strip() == f"database at revision {schema.head_revision()}"
    database = Database(database_url)
    assert "event" in inspect(database.engine).get_table_names()
    database.close()


def test_actions_taken_back_before_the_undone_mark_are_marked(database_url):
    database = Database(database_url)
    database.migrate()
    load_into(backends_of(database), [MYK_FILE])
    with database.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "0005")
        room = connection.exec_driver_sql("SELECT min(id) FROM room").scalar_one()
        for seq, type_, payload in [
            (1, "card_hidden", '{"undo":{"cards":{"1":{"status":"visible"}}}}'),
            (2, "card_highlighted", '{"undo":{"cards":{"1":{"highlighted":false}}}}'),
            (3, "undone", '{"undid":2}'),
        ]:
            connection.exec_driver_sql(
                "INSERT INTO event (room_id, seq, type, payload, at)"
                f" VALUES ({room}, {seq}, '{type_}', '{payload}', CURRENT_TIMESTAMP)"
            )

    database.migrate()

    with database.engine.connect() as connection:
        marks = connection.exec_driver_sql("SELECT seq, undone FROM event ORDER BY seq").all()
    assert [(seq, bool(undone)) for seq, undone in marks] == [(1, False), (2, True), (3, False)]
    database.close()


def test_organiser_accounts_and_their_participants_outlive_the_sign_in_table(database_url):
    database = Database(database_url)
    database.migrate()
    backends = backends_of(database)
    load_into(backends, [MYK_FILE])
    account = organisers.create(backends, "mia", "Mia Orga", "ein-langes-passwort")
    conference = database.run_read(lambda s: conferences.conference_by_slug(s, MYK))
    participant = database.run_write(
        lambda s: store_organisers.participant_for(s, conference.id, account)
    )
    with database.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "0007")

    database.migrate()  # 0008: the sign-in table; the password version leaves `organiser`

    assert schema.differences(database.engine) == []
    assert [a.username for a in organisers.all_accounts(backends)] == ["mia"]
    kept = database.run_read(lambda s: conferences.participant_by_id(s, participant.id))
    assert kept.organiser_id == account.id
    database.close()


def test_who_entered_a_room_before_visits_had_a_table_is_kept_as_visits(database_url):
    database = Database(database_url)
    database.migrate()
    load_into(backends_of(database), [MYK_FILE])
    with database.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "0008")
        room = connection.exec_driver_sql("SELECT min(id) FROM room").scalar_one()
        conference = connection.exec_driver_sql("SELECT min(id) FROM conference").scalar_one()
        people = []
        for name in ("Anna", "Ben"):
            connection.exec_driver_sql(
                "INSERT INTO participant (conference_id, display_name, joined_at, name_consent)"
                f" VALUES ({conference}, '{name}', CURRENT_TIMESTAMP, FALSE)"
            )
            people.append(
                connection.exec_driver_sql("SELECT max(id) FROM participant").scalar_one()
            )
        anna, ben = people
        # Anna came twice, Ben once; leaving is no visit.
        for seq, (type_, actor) in enumerate(
            [
                ("member_joined", anna),
                ("member_left", anna),
                ("member_joined", anna),
                ("member_joined", ben),
            ],
            start=1,
        ):
            connection.exec_driver_sql(
                "INSERT INTO event (room_id, seq, type, payload, actor_id, at)"
                f" VALUES ({room}, {seq}, '{type_}', '{{}}', {actor}, CURRENT_TIMESTAMP)"
            )

    database.migrate()

    with database.engine.connect() as connection:
        visits = connection.exec_driver_sql(
            "SELECT room_id, participant_id FROM room_visit ORDER BY participant_id"
        ).all()
    assert [tuple(visit) for visit in visits] == [(room, anna), (room, ben)]
    database.close()
