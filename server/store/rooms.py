"""A room's live state (phase, lock, timer, settings), who moderates it, who was removed."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from ..domain.phases import Phase, RoomState
from ..domain.room_settings import RoomSettings
from ..domain.timer import Timer
from .moments import aware
from .tables import ModeratorGrant, ModeratorInvite, Room, RoomRemoval

_SETTINGS = [getattr(Room, name) for name in RoomSettings.__dataclass_fields__]
_STATE = select(
    Room.phase, Room.locked, Room.timer_deadline, Room.timer_remaining, *_SETTINGS
).where(Room.id == bindparam("room"))
_LOCK = select(Room.id).where(Room.id == bindparam("room")).with_for_update()


@dataclass(frozen=True, slots=True)
class InviteRecord:
    id: int
    room_id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None
    accepted_by: tuple[str, ...] = ()  # who moderates by it (display names), where known


def room_state(session: Session, room_id: int) -> RoomState:
    row = session.connection().execute(_STATE, {"room": room_id}).one()
    phase, locked, deadline, remaining, *settings = row
    return RoomState(
        phase=Phase(phase),
        locked=locked,
        timer=Timer(deadline=aware(deadline), remaining=remaining),
        settings=RoomSettings(*settings),
    )


def lock_room(session: Session, room_id: int) -> None:
    """Take the room's row lock first, so what is read next is not raced by another writer.

    SQLite has one writer at a time anyway; PostgreSQL needs the FOR UPDATE.
    """
    session.connection().execute(_LOCK, {"room": room_id})


def set_timer(session: Session, room_id: int, timer: Timer) -> None:
    session.execute(
        update(Room)
        .where(Room.id == room_id)
        .values(timer_deadline=timer.deadline, timer_remaining=timer.remaining)
    )


def remove_member(session: Session, room_id: int, participant_id: int, by: int) -> None:
    session.add(
        RoomRemoval(
            room_id=room_id, participant_id=participant_id, removed_by=by, at=datetime.now(UTC)
        )
    )


def readmit(session: Session, room_id: int, participant_id: int) -> None:
    row = session.get(RoomRemoval, (room_id, participant_id))
    if row is not None:
        session.delete(row)


def is_removed(session: Session, room_id: int, participant_id: int) -> bool:
    key = {"room_id": room_id, "participant_id": participant_id}
    return session.connection().execute(_REMOVED, key).first() is not None


# Asked on every entry into a room: built once, executed as Core (store/presence.py).
_REMOVED = select(RoomRemoval.room_id).where(
    RoomRemoval.room_id == bindparam("room_id"),
    RoomRemoval.participant_id == bindparam("participant_id"),
)


def set_phase(session: Session, room_id: int, phase: Phase) -> None:
    session.execute(update(Room).where(Room.id == room_id).values(phase=phase.value))


def set_locked(session: Session, room_id: int, locked: bool) -> None:
    session.execute(update(Room).where(Room.id == room_id).values(locked=locked))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def add_invite(session: Session, room_id: int, name: str, secret: str) -> int:
    invite = ModeratorInvite(
        room_id=room_id, name=name, secret_hash=_hash(secret), created_at=datetime.now(UTC)
    )
    session.add(invite)
    session.flush()
    return invite.id


def valid_invite(session: Session, invite_id: int, secret: str) -> ModeratorInvite | None:
    """The invite if it exists, is not revoked and the secret matches."""
    invite = session.get(ModeratorInvite, invite_id)
    if invite is None or invite.revoked_at is not None:
        return None
    return invite if hmac.compare_digest(invite.secret_hash, _hash(secret)) else None


def revoke_invite(session: Session, invite_id: int) -> ModeratorInvite | None:
    """The invite, now revoked; None if there is none or it was revoked before."""
    invite = session.get(ModeratorInvite, invite_id)
    if invite is None or invite.revoked_at is not None:
        return None
    invite.revoked_at = datetime.now(UTC)
    session.add(invite)
    return invite


def holders_of_invite(session: Session, invite_id: int) -> list[int]:
    rows = session.execute(
        select(ModeratorGrant.participant_id).where(ModeratorGrant.invite_id == invite_id)
    )
    return sorted(rows.scalars())


def invites_of_conference(session: Session, conference_id: int) -> list[tuple[InviteRecord, str]]:
    """Every invite of the conference with its room's slug, oldest first."""
    rows = session.exec(
        select(ModeratorInvite, Room.slug)
        .join(Room, Room.id == ModeratorInvite.room_id)
        .where(Room.conference_id == conference_id)
        .order_by(ModeratorInvite.id)
    )
    return [
        (InviteRecord(i.id, i.room_id, i.name, i.created_at, i.revoked_at), slug)
        for i, slug in rows
    ]


def grant(session: Session, room_id: int, participant_id: int, invite_id: int) -> None:
    if session.get(ModeratorGrant, (room_id, participant_id)) is None:
        session.add(
            ModeratorGrant(room_id=room_id, participant_id=participant_id, invite_id=invite_id)
        )


def moderates(session: Session, room_id: int, participant_id: int) -> bool:
    """Whether the participant holds a grant for the room whose invite is still valid."""
    key = {"room_id": room_id, "participant_id": participant_id}
    row = session.connection().execute(_GRANT, key).first()
    return row is not None and row[0] is None


# Asked on every entry into a room: built once, executed as Core (store/presence.py).
_GRANT = (
    select(ModeratorInvite.revoked_at)
    .join(ModeratorGrant, ModeratorGrant.invite_id == ModeratorInvite.id)
    .where(
        ModeratorGrant.room_id == bindparam("room_id"),
        ModeratorGrant.participant_id == bindparam("participant_id"),
    )
)


# --- Moderators in the plenary ---


def moderates_any(session: Session, conference_id: int, participant_id: int) -> bool:
    """Whether the participant holds a valid grant for any room of the conference."""
    row = session.exec(
        select(ModeratorGrant.room_id)
        .join(ModeratorInvite, ModeratorInvite.id == ModeratorGrant.invite_id)
        .join(Room, Room.id == ModeratorGrant.room_id)
        .where(
            ModeratorGrant.participant_id == participant_id,
            Room.conference_id == conference_id,
            ModeratorInvite.revoked_at.is_(None),
        )
        .limit(1)
    ).first()
    return row is not None
