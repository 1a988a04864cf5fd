"""DSGVO retention: after a conference's retention period (sessions_config
`retention_days`, 90 days after the event by default) its people become pseudonyms.

Names and organisations are replaced by the pseudonyms exports use ("Teilnehmende 17"),
sessions end (the participant no longer signs anyone in, presence and moderator roles
go), moderator links are deleted. What the rooms and the plenary produced stays. A second run finds
nothing to change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from ..domain.permissions import Action, Role, require
from ..exports import Labels
from ..exports.policy import pseudonym
from ..store import retention
from .backends import Backends


@dataclass(frozen=True)
class PurgeReport:
    slug: str
    expired_on: date
    counts: retention.PurgeCounts


def purge(
    backends: Backends,
    role: Role,
    labels_for: Callable[[str], Labels],
    dry_run: bool = False,
    today: date | None = None,
) -> list[PurgeReport]:
    """Purge (or with `dry_run`, only count) every conference past its period.

    `labels_for` gives the labels of a language: the pseudonyms are written in the
    conference's own."""
    require(role, Action.PURGE_DATA)
    today = today or datetime.now(UTC).date()
    now = datetime.now(UTC)

    def work(session: Session) -> list[PurgeReport]:
        reports = []
        for conference in retention.expired_conferences(session, today):
            labels = labels_for(conference.language)

            def name(number: int, labels=labels) -> str:
                return pseudonym(number, labels)

            if dry_run:
                counts = retention.plan(session, conference.id, name)
            else:
                counts = retention.purge(session, conference.id, name, now)
            reports.append(PurgeReport(conference.slug, conference.expired_on, counts))
        return reports

    database = backends.database
    return database.run_read(work) if dry_run else database.run_write(work)


async def status(backends: Backends, role: Role, conference_id: int) -> retention.RetentionRecord:
    require(role, Action.VIEW_CONSOLE)
    return await backends.database.read(lambda s: retention.retention_of(s, conference_id))


def describe(report: PurgeReport, dry_run: bool) -> str:
    counts = report.counts
    if not counts.anything:
        return f"{report.slug} (expired {report.expired_on}): nothing to change"
    verb = "would pseudonymise" if dry_run else "pseudonymised"
    return (
        f"{report.slug} (expired {report.expired_on}): {verb} {counts.people} participants; "
        f"{'would delete' if dry_run else 'deleted'} {counts.invites} moderator links, "
        f"{counts.grants} moderator roles, {counts.presence} room presences, "
        f"{counts.registrations} registrations, {counts.directory} directory entries"
    )
