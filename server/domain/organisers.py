"""Organiser accounts: what a username, a name and a password must look like.

Accounts are made on the command line only, so these rules speak to an administrator;
the login form applies the same username normalisation, so "Mia" and "mia" are one.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import DomainError
from .text import clean_text

MAX_DISPLAY_NAME_LENGTH = 60
MIN_PASSWORD_LENGTH = 12
# Hashing cost hardly depends on length, but an unbounded field invites abuse.
MAX_PASSWORD_LENGTH = 1024
# The longest an attempt for a username under attack waits before its password is checked.
MAX_SIGN_IN_DELAY_SECONDS = 10

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


def sign_in_lasts(
    started_at: datetime, ended_at: datetime | None, now: datetime, max_age: timedelta
) -> bool:
    """Whether a sign-in still opens the console: not ended (signed out, here or
    everywhere, or a new password), and younger than `max_age`.

    Expiry is absolute: activity does not extend it. A sign-in that began in the future
    (a clock gone backwards) does not last either.
    """
    return ended_at is None and timedelta(0) <= now - started_at < max_age


def sign_in_delay(attempts_beyond: int) -> float:
    """Seconds an attempt waits before its password is checked, once a username had more
    attempts from anywhere than its limit allows: 1 s for the first beyond it, doubling
    with each further one, at most MAX_SIGN_IN_DELAY_SECONDS.

    A delay, never a refusal: whoever knows the password still gets in, only slower.
    It slows a guesser who tries one password after another; one who sends many at
    once is held by the limits per address instead.
    """
    if attempts_beyond <= 0:
        return 0.0
    return float(min(MAX_SIGN_IN_DELAY_SECONDS, 2 ** (attempts_beyond - 1)))
