"""What every entry point opens first: the database, its schema, the bus, and the key
that signs cookies and links."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ..realtime.broadcast import broadcast_from_url
from ..settings import Settings
from ..store import schema
from ..store.database import Database
from ..store.secrets import signing_key
from .backends import Backends


@contextlib.contextmanager
def opened(settings: Settings) -> Iterator[Backends]:
    """The database and the bus as the settings name them; the bus is not connected (a
    command that tells running servers about a change connects it), the database is
    closed at the end."""
    database = Database(settings.database_url)
    try:
        yield Backends(database, broadcast_from_url(settings.broadcast_url))
    finally:
        database.close()


def migrate(backends: Backends) -> schema.Upgrade:
    """Create the schema or bring it to the newest revision; says from which to which."""
    return backends.database.migrate()


def new_revision(message: str) -> Path:
    """Write a migration for what changed in store/tables.py."""
    return schema.new_revision(message)


def secret_key(backends: Backends, settings: Settings) -> str:
    """The key from the settings, else the one kept in the database (made on first use)."""
    return settings.secret_key or backends.database.run_write(signing_key)
