"""Exports for the console and the command line: permission first, then a stream that
reads the conference in one read transaction while it is written."""

from collections.abc import Generator
from dataclasses import dataclass

from ..domain.errors import DomainError
from ..domain.permissions import Action, Role, require
from ..exports import KINDS, ExportOptions, Labels, Source, write
from ..exports.report_html import Template
from ..store import conferences
from ..store.records import ConferenceRecord
from .backends import Backends


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    chunks: Generator[bytes, None, None]

    def close(self) -> None:
        """End the export's read transaction now: a download given up half way would
        otherwise hold it until the garbage collector finds the stream. After the last
        chunk it has ended already."""
        self.chunks.close()


def open_export(
    backends: Backends,
    role: Role,
    conference: ConferenceRecord,
    options: ExportOptions,
    labels: Labels,
    template: Template,
) -> ExportFile:
    """Checked now (so a refusal comes before any byte); read and written while iterated.

    Blocking: call it, and iterate the chunks, off the event loop.
    """
    require(role, Action.EXPORT_RESULTS)
    if options.room is not None:
        found = backends.database.run_read(
            lambda s: conferences.room_by_slug(s, conference.id, options.room)
        )
        if found is None:
            raise DomainError("unknown_room", room=options.room)
    kind = KINDS[options.format]
    day = options.day.isoformat() if options.day else None
    track = _slugged(options.track) if options.track else None
    parts = (conference.slug, options.room, day, track, labels("export.filename"))
    name = "-".join(part for part in parts if part)
    chunks = _chunks(backends, conference, options, labels, template)
    return ExportFile(f"{name}.{kind.extension}", kind.media_type, chunks)


def _chunks(backends, conference, options, labels, template) -> Generator[bytes, None, None]:
    # One read transaction for the whole export: every room as of the same moment.
    with backends.database.read_transaction() as session:
        yield from write(Source(session, conference, options, labels), template)


def _slugged(text: str) -> str:
    """A track's name as a part of a file name: letters, digits and dashes."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())
