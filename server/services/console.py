"""The organiser's console: every action asks the permission table first."""

from itsdangerous import Signer
from sqlmodel import Session

from ..domain import participants
from ..domain.errors import DomainError
from ..domain.permissions import Action, Role, require
from ..exports.join_poster import JoinPoster
from ..store import conferences, console
from ..store.console import ConsoleRecord
from ..store.records import ConferenceRecord, RoomRecord
from . import invites
from .backends import Backends


async def conference_list(backends: Backends, role: Role) -> list[ConferenceRecord]:
    require(role, Action.VIEW_CONSOLE)
    return await backends.database.read(console.all_conferences)


async def overview(backends: Backends, role: Role, conference: ConferenceRecord) -> ConsoleRecord:
    require(role, Action.VIEW_CONSOLE)
    return await backends.database.read(lambda s: console.load_console(s, conference))


def join_poster(role: Role, conference: ConferenceRecord, base_url: str) -> JoinPoster:
    """The poster that lets people in: for the organisers to print or show."""
    require(role, Action.VIEW_CONSOLE)
    return JoinPoster(conference, base_url)


async def make_invite(
    backends: Backends,
    signing: Signer,
    role: Role,
    conference: ConferenceRecord,
    room_slug: str,
    name: str,
) -> tuple[RoomRecord, str, str]:
    """A moderator's link for one room: (room, the name as cleaned, token to show once)."""
    require(role, Action.INVITE_MODERATOR)
    # The name is the display name suggested to the moderator, so the join rules apply.
    cleaned = participants.join(name, None).display_name
    room = await backends.database.read(
        lambda s: conferences.room_by_slug(s, conference.id, room_slug)
    )
    if room is None:
        raise DomainError("unknown_room", room=room_slug)
    token = await invites.create_for_room(backends, signing, room, cleaned)
    return room, cleaned, token


async def revoke_invite(
    backends: Backends, role: Role, conference: ConferenceRecord, invite_id: int
) -> None:
    require(role, Action.REVOKE_INVITE)

    def transaction(session: Session) -> invites.Revoked:
        if console.invite_conference_id(session, invite_id) != conference.id:
            raise DomainError("invite_unknown")
        revoked = invites.end_moderation(session, invite_id)
        if revoked is None:
            raise DomainError("invite_already_revoked")
        return revoked

    revoked = await backends.database.write(transaction)
    if revoked.seq is not None:
        await backends.announce(revoked.room_id, revoked.seq)
