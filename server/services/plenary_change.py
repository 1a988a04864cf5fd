"""The one way a command changes the plenary: decide, store and log in one transaction,
then announce after the commit (the plenary's own seq, and any room it touched)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from ..domain.permissions import Role
from ..store import events, plenary
from ..store.records import ParticipantRecord
from ..store.tables import Plenary
from .access import role_in_plenary
from .backends import Backends

# One Change for both logs: the plenary's payloads come from store.plenary_view.payload.
from .room_change import Applied, Change, created_in


@dataclass
class Context:
    """What a decision may use, and the room events it appends on the way."""

    session: Session
    conference_id: int
    actor_id: int | None  # None: the server itself (a breakout's time ran out)
    role: Role
    now: datetime
    state: Plenary
    room_events: list[tuple[int, int]] = field(default_factory=list)

    def tell_room(self, room_id: int, type_: str, payload: dict | None = None) -> None:
        """Append an event to a room's log in this transaction (announced after it)."""
        seq = events.append_event(self.session, room_id, type_, payload or {}, self.actor_id)
        self.room_events.append((room_id, seq))


Decision = Callable[[Context], Change]


async def apply(
    backends: Backends,
    actor: ParticipantRecord | None,
    conference_id: int,
    command_id: str | None,
    decide: Decision,
) -> Applied:
    """`actor` None: the server acts on the organisers' behalf (a clock ran out)."""
    actor_id = actor.id if actor is not None else None

    def transaction(session: Session) -> tuple[Applied, list[tuple[int, int]]]:
        role = Role.ORGANISER if actor is None else role_in_plenary(session, actor, conference_id)
        if command_id and actor_id is not None:
            first = plenary.applied_command(session, conference_id, actor_id, command_id)
            if first is not None:
                return Applied(first.seq, duplicate=True, created=created_in(first.payload)), []
        state = plenary.lock(session, conference_id)
        context = Context(session, conference_id, actor_id, role, datetime.now(UTC), state)
        change = decide(context)
        seq = plenary.append(
            session, conference_id, change.type, change.logged(), actor_id, command_id or None
        )
        return Applied(seq, notice=change.notice, created=change.created), context.room_events

    applied, room_events = await backends.database.write(transaction)
    if not applied.duplicate:
        await backends.announce_plenary(conference_id, applied.seq)
        for room_id, seq in room_events:
            await backends.announce(room_id, seq)
    return applied
