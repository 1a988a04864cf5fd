"""Networking rounds: a participant says whether they want to be drawn to a table."""

from sqlmodel import Session

from ..domain.permissions import Action, require
from ..store import networking as store
from ..store.records import ConferenceRecord, ParticipantRecord
from .access import role_in_plenary
from .backends import Backends


async def wants_a_table(
    backends: Backends, participant: ParticipantRecord, conference: ConferenceRecord
) -> bool:
    return await backends.database.read(lambda s: store.opted_in(s, participant.id))


async def choose(
    backends: Backends,
    participant: ParticipantRecord | None,
    conference: ConferenceRecord,
    wanted: bool,
) -> None:
    """In or out of the next rounds' drawing (a round running now keeps its tables)."""

    def transaction(session: Session) -> None:
        require(role_in_plenary(session, participant, conference.id), Action.VIEW_LOBBY)
        store.set_opt_in(session, conference.id, participant.id, wanted)

    await backends.database.write(transaction)
