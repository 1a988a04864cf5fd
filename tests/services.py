"""PostgreSQL and Redis for the tests: where they run, and what to say when they do not.

The project's machines run both on 127.0.0.1 (see shared/TESTING.md); `scripts/test`
starts them when they are down. Outside CI a test that needs a missing one is skipped
with the command that starts it; in CI (`CI=true`) it fails instead.
"""

import functools
import os
import re
import socket
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
