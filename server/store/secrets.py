"""The cookie-signing key, created once and kept in the database."""

import secrets

from sqlmodel import Session

from .tables import AppSecret


def signing_key(session: Session) -> str:
    row = session.get(AppSecret, 1)
    if row is None:
        row = AppSecret(id=1, value=secrets.token_urlsafe(48))
        session.add(row)
        session.flush()
    return row.value
