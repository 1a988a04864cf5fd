"""Organiser accounts: made, listed and removed on the command line; signing in."""

from sqlmodel import Session

from ..domain import organisers as rules
from ..domain.errors import DomainError
from ..store import organisers
from ..store.records import ConferenceRecord, OrganiserRecord, ParticipantRecord
from .backends import Backends
from .passwords import Passwords, hash_password, needs_rehash


def create(backends: Backends, username: str, display_name: str, password: str) -> OrganiserRecord:
    new = rules.new_organiser(username, display_name)
    rules.check_new_password(password)
    password_hash = hash_password(password)  # before the transaction: it takes a while

    def transaction(session: Session) -> OrganiserRecord:
        if organisers.by_username(session, new.username) is not None:
            raise DomainError("username_taken", username=new.username)
        return organisers.add(session, new, password_hash)

    return backends.database.run_write(transaction)


def set_password(backends: Backends, username: str, password: str) -> None:
    rules.check_new_password(password)
    password_hash = hash_password(password)

    def transaction(session: Session) -> None:
        found = organisers.by_username(session, rules.normalise_username(username))
        if found is None:
            raise DomainError("organiser_unknown", username=username)
        organisers.set_password_hash(session, found.id, password_hash, new=True)

    backends.database.run_write(transaction)


def delete(backends: Backends, username: str) -> bool:
    name = rules.normalise_username(username)
    return backends.database.run_write(lambda s: organisers.delete(s, name))


def all_accounts(backends: Backends) -> list[OrganiserRecord]:
    return backends.database.run_read(organisers.all_organisers)


async def sign_in(
    backends: Backends, passwords: Passwords, username: str, password: str
) -> OrganiserRecord | None:
    """The account when the password matches; None otherwise, whichever part was wrong."""
    name = rules.normalise_username(username)
    found = await backends.database.read(lambda s: organisers.credentials(s, name))
    account, password_hash = found if found else (None, None)
    if len(password) > rules.MAX_PASSWORD_LENGTH:
        password = ""  # still verified, so a long guess costs the same time as any other
    if not await passwords.verify(password_hash, password) or account is None:
        return None
    if needs_rehash(password_hash):
        stronger = await passwords.hash(password)
        await backends.database.write(
            lambda s: organisers.set_password_hash(s, account.id, stronger, new=False)
        )
    return account


async def signed_in(
    backends: Backends, organiser_id: int, password_version: int
) -> OrganiserRecord | None:
    """The account behind a session, unless it was deleted or its password changed since."""
    account = await backends.database.read(lambda s: organisers.by_id(s, organiser_id))
    if account is None or account.password_version != password_version:
        return None
    return account


async def participant_in(
    backends: Backends, organiser: OrganiserRecord, conference: ConferenceRecord
) -> ParticipantRecord:
    return await backends.database.write(
        lambda s: organisers.participant_for(s, conference.id, organiser)
    )
