"""Organiser accounts: made, listed and removed on the command line; signing in and out."""

import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from ..domain import organisers as rules
from ..domain.errors import DomainError
from ..store import organisers
from ..store.records import ConferenceRecord, OrganiserRecord, ParticipantRecord
from .backends import Backends
from .passwords import Passwords, hash_password, needs_rehash


def now() -> datetime:
    """The one clock for sign-ins (tests move it instead of waiting)."""
    return datetime.now(UTC)


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
    """A new password ends every sign-in made with the old one."""
    rules.check_new_password(password)
    password_hash = hash_password(password)

    def transaction(session: Session) -> None:
        found = organisers.by_username(session, rules.normalise_username(username))
        if found is None:
            raise DomainError("organiser_unknown", username=username)
        organisers.set_password_hash(session, found.id, password_hash)
        organisers.end_sign_ins(session, found.id, now())

    backends.database.run_write(transaction)


def delete(backends: Backends, username: str) -> bool:
    name = rules.normalise_username(username)
    return backends.database.run_write(lambda s: organisers.delete(s, name))


def all_accounts(backends: Backends) -> list[OrganiserRecord]:
    return backends.database.run_read(organisers.all_organisers)


async def check_password(
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
        # The same password with stronger parameters: its sign-ins stay.
        stronger = await passwords.hash(password)
        await backends.database.write(
            lambda s: organisers.set_password_hash(s, account.id, stronger)
        )
    return account


# --- Sign-ins: each one a record the session cookie names, ended on the server ---


async def start_sign_in(backends: Backends, organiser: OrganiserRecord, max_age: timedelta) -> str:
    """A new sign-in's id, for the cookie: random, so it cannot be guessed or made up."""
    sign_in_id = secrets.token_urlsafe(32)
    started = now()
    await backends.database.write(
        lambda s: organisers.add_sign_in(s, sign_in_id, organiser.id, started, started - max_age)
    )
    return sign_in_id


async def signed_in(
    backends: Backends, sign_in_id: str, max_age: timedelta
) -> OrganiserRecord | None:
    """The account behind a sign-in while it lasts: not ended, not expired, not deleted."""
    found = await backends.database.read(lambda s: organisers.sign_in(s, sign_in_id))
    if found is None or not rules.sign_in_lasts(found.started_at, found.ended_at, now(), max_age):
        return None
    return found.organiser


async def sign_out(backends: Backends, sign_in_id: str) -> None:
    ended = now()
    await backends.database.write(lambda s: organisers.end_sign_in(s, sign_in_id, ended))


async def sign_out_everywhere(backends: Backends, organiser: OrganiserRecord) -> None:
    """End every sign-in of the account: other browsers, a copied cookie, this one."""
    ended = now()
    await backends.database.write(lambda s: organisers.end_sign_ins(s, organiser.id, ended))


async def participant_in(
    backends: Backends, organiser: OrganiserRecord, conference: ConferenceRecord
) -> ParticipantRecord:
    return await backends.database.write(
        lambda s: organisers.participant_for(s, conference.id, organiser)
    )
