"""Organiser accounts: what a username, a name and a password must look like.

Accounts are made on the command line only, so these rules speak to an administrator;
the login form applies the same username normalisation, so "Mia" and "mia" are one.
"""

import re
from dataclasses import dataclass

from .errors import DomainError
from .text import clean_text

MAX_DISPLAY_NAME_LENGTH = 60
MIN_PASSWORD_LENGTH = 12
# Hashing cost hardly depends on length, but an unbounded field invites abuse.
MAX_PASSWORD_LENGTH = 1024

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")


@dataclass(frozen=True)
class NewOrganiser:
    username: str
    display_name: str


def normalise_username(username: str) -> str:
    return username.strip().lower()


def new_organiser(username: str, display_name: str) -> NewOrganiser:
    """Validate the account's name parts (the password is checked on its own)."""
    name = normalise_username(username)
    if not _USERNAME.fullmatch(name):
        raise DomainError("username_invalid", username=username)
    shown = clean_text(display_name, multiline=False)
    if not shown:
        raise DomainError("name_missing")
    if len(shown) > MAX_DISPLAY_NAME_LENGTH:
        raise DomainError("name_too_long", max=MAX_DISPLAY_NAME_LENGTH)
    return NewOrganiser(username=name, display_name=shown)


def check_new_password(password: str) -> None:
    """Length is the rule that matters (NIST SP 800-63B); no composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short", min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError("password_too_long", max=MAX_PASSWORD_LENGTH)
    if not password.strip():
        raise DomainError("password_too_short", min=MIN_PASSWORD_LENGTH)


def session_expired(signed_in_at: float, now: float, max_age_seconds: float) -> bool:
    """Absolute expiry: activity does not extend an organiser's session.

    A clock that went backwards (a signed-in time in the future) counts as expired too.
    """
    return not (0 <= now - signed_in_at < max_age_seconds)
