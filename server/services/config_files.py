"""Conference files (sessions_config): loading them into the database (validate
everything, then write once), and writing a stored conference back out as one."""

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from ..conference_files import (
    ConferenceConfig,
    conference_yaml,
    load_conference_dir,
    load_conference_file,
)
from ..domain.permissions import Action, Role, require
from ..store.config_export import conference_config
from ..store.config_sync import sync_conference
from ..store.records import ConferenceRecord
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


def conference_file(backends: Backends, role: Role, conference: ConferenceRecord) -> str:
    """The conference's structure as a file that `load_into` takes back unchanged: its
    programme, rooms, prompts, moderators and board settings, not what happened live.

    Blocking: call it off the event loop."""
    require(role, Action.EXPORT_CONFERENCE)
    config = backends.database.run_read(lambda s: conference_config(s, conference.id))
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return conference_yaml(config, f"{conference.slug} · Plenum · {written}")
