"""The schema, created and upgraded by the Alembic migrations in migrations/versions/.

Every server process upgrades at start-up (and `python -m server migrate` does it alone).
On PostgreSQL, workers starting together take turns on an advisory lock, so the first
migrates and the others find the schema at head.
"""

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from . import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# The tables as `create_all` made them before there were migrations.
INITIAL_REVISION = "0001"
# Any constant: the key of the PostgreSQL advisory lock held while migrating (with the
# schema's name, hashed: see database._WRITE_LOCK).
_MIGRATION_LOCK = 0x706C656E


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@dataclass(frozen=True)
class Upgrade:
    before: str | None  # None: the database was empty
    after: str | None


def upgrade(engine: Engine) -> Upgrade:
    """Bring the database to the newest revision, in one transaction."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                {"key": _MIGRATION_LOCK},
            )
        _adopt_unversioned(connection)
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(alembic_config(connection), "head")
        after = MigrationContext.configure(connection).get_current_revision()
    if before != after:
        log.info("database schema upgraded from revision %s to %s", before, after)
    return Upgrade(before, after)


def _adopt_unversioned(connection: Connection) -> None:
    # A database made by create_all before migrations existed holds exactly the initial
    # revision's tables: record that, instead of failing on "table already exists".
    names = set(inspect(connection).get_table_names())
    if "alembic_version" not in names and "event" in names:
        command.stamp(alembic_config(connection), INITIAL_REVISION)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def differences(engine: Engine) -> list:
    """What the tables in code have that the database lacks, or the other way round."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def _next_id(config: Config) -> str:
    # Revisions are numbered 0001, 0002, ...: easier to read in a listing than hashes.
    head = ScriptDirectory.from_config(config).get_current_head()
    return f"{int(head or 0) + 1:04d}"


def new_revision(message: str) -> Path:
    """Write a migration from the difference between head and the tables in code.

    Compares against a scratch SQLite database brought to head, so it needs no server
    and no existing database; the result uses batch operations and runs on both engines.
    """
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        try:
            upgrade(engine)
            with engine.begin() as connection:
                config = alembic_config(connection)
                script = command.revision(
                    config, message=message, autogenerate=True, rev_id=_next_id(config)
                )
        finally:
            engine.dispose()
    return Path(script.path)
