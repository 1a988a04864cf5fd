"""PostgreSQL and Redis for the tests: where they run, and what to say when they do not.

The project's machines run both on 127.0.0.1 (see shared/TESTING.md); `scripts/test`
starts them when they are down. Outside CI a test that needs a missing one is skipped
with the command that starts it; in CI (`CI=true`) it fails instead.
"""

import functools
import os
import re
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
}
# Schemas made here are named after the test process, so leftovers of a killed run can be
# told apart from the schemas of a run still going on (another engineer's, say).
SCHEMA = re.compile(r"^plenum_test_(\d+)_[0-9a-f]+$")


@functools.cache
def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def require(service: str) -> None:
    port = {"PostgreSQL": 5432, "Redis": 6379}[service]
    if _listening(port):
        return
    message = f"{service} is not running on 127.0.0.1:{port}; start it with: {START[service]}"
    missing(message, f"{message} (or run scripts/test, which does)")


def missing(message: str, outside_ci: str | None = None) -> None:
    """What a test needs is not there: in CI that fails the test, elsewhere it skips."""
    if IN_CI:
        pytest.fail(f"{message} (in CI this test must run)")
    pytest.skip(outside_ci or message)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """An empty schema of its own in the `test` database; dropped afterwards."""
    require("PostgreSQL")
    name = f"plenum_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            _drop_leftovers(connection)
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def fill_with_newest_schema(url: str) -> None:
    """Give an empty schema made by `postgres_schema` the tables of the newest revision.

    Replaying what pg_dump wrote of one migrated schema takes a third of the time of
    migrating each schema anew (what migrating does is tested in test_migrations.py).
    Without pg_dump the schema stays empty and the app migrates it as usual.
    """
    template = _newest_schema_sql()
    if template is None:
        return
    name = _schema_of(url)
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(template.replace(TEMPLATE_NAME, name))
    finally:
        engine.dispose()


TEMPLATE_NAME = "plenum_schema_template"  # stands for the schema's name in the dump


@functools.cache
def _newest_schema_sql() -> str | None:
    """The newest schema's tables and rows (alembic's revision, the shipped conferences),
    once per test run."""
    from server.services.config_files import load_into
    from server.settings import PROJECT_ROOT
    from server.store.database import Database

    from .helpers import backends_of

    if shutil.which("pg_dump") is None:
        return None
    with postgres_schema() as url:
        name = _schema_of(url)
        database = Database(url)
        database.migrate()
        load_into(backends_of(database), [PROJECT_ROOT / "sessions_config"])
        database.close()
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", "--inserts", "--schema", name]
            + ["--dbname", POSTGRES_URL.replace("+psycopg", "")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    # Session settings and psql's own commands are for psql; the schema already exists.
    skipped = ("SET ", "SELECT pg_catalog.set_config", "\\", f"CREATE SCHEMA {name};")
    lines = [line for line in dump.splitlines() if not line.startswith(skipped)]
    return "\n".join(lines).replace(name, TEMPLATE_NAME)


def _schema_of(url: str) -> str:
    return url.rsplit("search_path%3D", 1)[1]


def _drop_leftovers(connection) -> None:
    for (name,) in connection.execute(text("SELECT nspname FROM pg_namespace")):
        match = SCHEMA.match(name)
        if match and not _alive(int(match[1])):
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def redis_url() -> str:
    """The test Redis, with a channel prefix of its own: other runs share the server."""
    require("Redis")
    return f"{REDIS_URL}?channel_prefix=plenum-test-{uuid.uuid4().hex[:10]}:"
