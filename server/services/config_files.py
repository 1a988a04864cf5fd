"""Conference files (sessions_config): loading them into the database (validate
everything, then write once), and writing a stored conference back out as one."""

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from ..conference_files import (
    ConferenceConfig,
    conference_files_in,
    conference_yaml,
    load_conference_dir,
    load_conference_file,
)
from ..domain.permissions import Action, Role, require
from ..store.config_export import conference_config
from ..store.config_sync import file_digests, mark_loaded, sync_conference
from ..store.records import ConferenceRecord
from .backends import Backends


def load_into(backends: Backends, paths: list[Path], changed_only: bool = False) -> dict[str, int]:
    """Validate the files (directories: every file in them) and sync them in one transaction.

    A ConfigError is raised before the database is touched, so a broken file changes
    nothing. With `changed_only` (a server's start), a file whose content is the one last
    loaded is not synced again: what organisers changed in the console since stays until
    the file itself changes. Returns the number of changed rows per conference slug.
    """
    configs: list[ConferenceConfig] = []
    digests: dict[str, str] = {}  # a file's slug is its name (the loader's rule)
    for path in paths:
        files = conference_files_in(path) if path.is_dir() else [path]
        digests.update({file.stem: hashlib.sha256(file.read_bytes()).hexdigest() for file in files})
        configs.extend(load_conference_dir(path) if path.is_dir() else [load_conference_file(path)])

    def transaction(session: Session) -> dict[str, int]:
        loaded = file_digests(session, list(digests))
        changes = {}
        for config in configs:
            digest = digests[config.slug]
            if changed_only and loaded.get(config.slug) == digest:
                changes[config.slug] = 0
                continue
            changes[config.slug] = sync_conference(session, config)
            mark_loaded(session, config.slug, digest)
        return changes

    return backends.database.run_write(transaction)


def conference_file(backends: Backends, role: Role, conference: ConferenceRecord) -> str:
    """The conference's structure as a file that `load_into` takes back unchanged: its
    programme, rooms, prompts, moderators and board settings, not what happened live.

    Blocking: call it off the event loop."""
    require(role, Action.EXPORT_CONFERENCE)
    config = backends.database.run_read(lambda s: conference_config(s, conference.id))
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return conference_yaml(config, f"{conference.slug} · Plenum · {written}")
