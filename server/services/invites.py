"""Moderator invites: a secret link per room, made by the CLI, shown once, revocable.

The link carries `<invite id>.<random secret>`, signed with the app's key so a forged
or mistyped link is refused without a database look-up; the database keeps only a hash
of the secret and whether the invite was revoked.
"""

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer
from sqlmodel import Session

from ..domain import participants
from ..domain.errors import DomainError
from ..store import conferences, rooms
from ..store.records import ParticipantRecord, RoomRecord
from ..store.room_events import RoomEventType, effects
from ..store.rooms import InviteRecord
from .backends import Backends
from .change import log_room_event

SALT = "plenum.moderator-invite"


@dataclass(frozen=True)
class Invitation:
    invite_id: int
    name: str
    room: RoomRecord


def signer(secret_key: str) -> Signer:
    return Signer(secret_key, salt=SALT)


def create(
    backends: Backends, signing: Signer, conference_slug: str, room_slug: str, name: str
) -> str:
    """Make an invite; returns the token for the link (it cannot be shown again)."""
    # The name is the display name suggested to the moderator, so the join rules apply.
    name = participants.join(name, None).display_name
    secret = secrets.token_urlsafe(24)

    def transaction(session: Session) -> int:
        conference = conferences.conference_by_slug(session, conference_slug)
        if conference is None:
            raise DomainError("unknown_conference", conference=conference_slug)
        room = conferences.room_by_slug(session, conference.id, room_slug)
        if room is None:
            slugs = ", ".join(r.slug for r in conferences.live_rooms(session, conference.id))
            raise DomainError(
                "room_not_in_conference", room=room_slug, conference=conference_slug, rooms=slugs
            )
        return rooms.add_invite(session, room.id, name, secret)

    invite_id = backends.database.run_write(transaction)
    return signing.sign(f"{invite_id}.{secret}").decode()


@dataclass(frozen=True)
class Revoked:
    """A revoked invite's room, and the room's event that ends its holders' moderation
    on their open pages (None when nobody had redeemed it)."""

    room_id: int
    seq: int | None


def end_moderation(session: Session, invite_id: int) -> Revoked | None:
    """Revoke an invite inside the caller's transaction. Commands are refused from now on
    anyway (roles are decided per command); the event takes the controls off the pages
    its holders have open. None if there is no such invite or it was revoked before."""
    invite = rooms.revoke_invite(session, invite_id)
    if invite is None:
        return None
    holders = rooms.holders_of_invite(session, invite_id)
    if not holders:
        return Revoked(invite.room_id, None)
    rooms.lock_room(session, invite.room_id)
    ended = effects(participant_ids=holders, members_changed=True)
    seq = log_room_event(session, invite.room_id, RoomEventType.MODERATION_ENDED, ended)
    return Revoked(invite.room_id, seq)


def revoke(backends: Backends, invite_id: int) -> Revoked | None:
    return backends.database.run_write(lambda s: end_moderation(s, invite_id))


def of_conference(backends: Backends, conference_slug: str) -> list[tuple[InviteRecord, str]]:
    """Every invite of a conference with its room's slug, oldest first."""

    def read(session: Session) -> list[tuple[InviteRecord, str]]:
        conference = conferences.conference_by_slug(session, conference_slug)
        if conference is None:
            raise DomainError("unknown_conference", conference=conference_slug)
        return rooms.invites_of_conference(session, conference.id)

    return backends.database.run_read(read)


def _parse(signing: Signer, token: str) -> tuple[int, str] | None:
    try:
        invite_id, secret = signing.unsign(token).decode().split(".", 1)
        return int(invite_id), secret
    except (BadSignature, ValueError):
        return None


def _invitation(session: Session, signing: Signer, token: str) -> Invitation:
    parsed = _parse(signing, token)
    invite = rooms.valid_invite(session, *parsed) if parsed else None
    room = conferences.room_by_id(session, invite.room_id) if invite else None
    if room is None:
        raise DomainError("invite_invalid")
    return Invitation(invite.id, invite.name, room)


async def look_up(backends: Backends, signing: Signer, token: str) -> Invitation:
    return await backends.database.read(lambda s: _invitation(s, signing, token))


async def redeem(
    backends: Backends, signing: Signer, token: str, participant: ParticipantRecord
) -> RoomRecord:
    """Make the participant a moderator of the invite's room."""

    def transaction(session: Session) -> RoomRecord:
        invitation = _invitation(session, signing, token)
        if invitation.room.conference_id != participant.conference_id:
            raise DomainError("invite_invalid")
        rooms.grant(session, invitation.room.id, participant.id, invitation.invite_id)
        return invitation.room

    return await backends.database.write(transaction)


async def create_for_room(backends: Backends, signing: Signer, room: RoomRecord, name: str) -> str:
    """Like `create`, for a room already found (the console's); returns the token, shown
    only once."""
    secret = secrets.token_urlsafe(24)
    invite_id = await backends.database.write(lambda s: rooms.add_invite(s, room.id, name, secret))
    return signing.sign(f"{invite_id}.{secret}").decode()
