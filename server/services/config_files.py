"""Loading sessions_config into the database: validate everything, then write once."""

from pathlib import Path

from sqlmodel import Session

from ..conference_files import ConferenceConfig, load_conference_dir, load_conference_file
from ..store.config_sync import sync_conference
from .backends import Backends


def load_into(backends: Backends, paths: list[Path]) -> dict[str, int]:
    """Validate the files (directories: every file in them) and sync them in one transaction.

    A ConfigError is raised before the database is touched, so a broken file changes
    nothing. Returns the number of changed rows per conference slug.
    """
    configs: list[ConferenceConfig] = []
    for path in paths:
        if path.is_dir():
            configs.extend(load_conference_dir(path))
        else:
            configs.append(load_conference_file(path))

    def transaction(session: Session) -> dict[str, int]:
        return {config.slug: sync_conference(session, config) for config in configs}

    return backends.database.run_write(transaction)
