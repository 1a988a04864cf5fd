"""The conference's directory ("Wer ist da?"): every joined participant sees who opted in
and keeps their own entry; nobody is listed who did not opt in (domain/directory.py)."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from ..domain import directory as rules
from ..domain.directory import Entry, Listing, Search
from ..domain.permissions import Action, require
from ..store import directory as store
from ..store.records import ConferenceRecord, ParticipantRecord
from .access import role_in_plenary
from .backends import Backends
from .rate_limits import RateLimits


@dataclass(frozen=True)
class Directory:
    search: Search
    people: list[Listing]  # whom the search found, by name
    total: int  # everyone listed
    topics: list[str]  # the topic filter's choices
    own: Entry | None  # the participant's own entry; None: not listed


async def directory(
    backends: Backends,
    participant: ParticipantRecord | None,
    conference: ConferenceRecord,
    wanted: Search,
) -> Directory:
    def read(session: Session) -> Directory:
        _require(session, participant, conference)
        listed = store.listings(session, conference.id)
        own = store.entry_of(session, conference.id, participant.id)
        found = rules.found(wanted, listed)
        return Directory(wanted, found, len(listed), rules.topics_of(listed), own)

    return await backends.database.read(read)


async def opt_in(
    backends: Backends,
    limits: RateLimits,
    participant: ParticipantRecord | None,
    conference: ConferenceRecord,
    fields: Mapping[str, str],
) -> Entry:
    """List the participant with what they typed (`fields`: municipality, region,
    topics, offer, seek), or update their entry; a DomainError saves nothing. A save
    counts against the participant's "post" limit, as everything else they write."""
    if participant is not None:  # a stranger is refused inside, by the permission table
        (await limits.hit("post", "participant", participant.id)).raise_if_refused()

    def transaction(session: Session) -> Entry:
        _require(session, participant, conference)
        entry = rules.entry(
            fields.get("municipality", ""),
            fields.get("region", ""),
            fields.get("topics", ""),
            fields.get("offer", ""),
            fields.get("seek", ""),
        )
        store.save(session, conference.id, participant.id, entry)
        return entry

    return await backends.database.write(transaction)


async def withdraw(
    backends: Backends, participant: ParticipantRecord | None, conference: ConferenceRecord
) -> None:
    """The participant leaves the directory: their entry is deleted whole."""

    def transaction(session: Session) -> None:
        _require(session, participant, conference)
        store.remove(session, participant.id)

    await backends.database.write(transaction)


def _require(
    session: Session, participant: ParticipantRecord | None, conference: ConferenceRecord
) -> None:
    require(role_in_plenary(session, participant, conference.id), Action.VIEW_DIRECTORY)
