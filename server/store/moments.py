"""Moments as the database hands them back."""

from datetime import UTC, datetime


def aware(moment: datetime | None) -> datetime | None:
    """Every moment is stored in UTC, but SQLite hands it back without its time zone."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
