"""How many sockets one participant may hold open on one stream (a room, the plenary)."""

from .errors import DomainError


def open_another(open_now: int, limit: int) -> None:
    """Let one more socket in unless the participant already holds `limit` open there.

    Tabs, a phone and reconnects need a few each; every socket costs the server a frame
    in flight and a share of each fan-out, so hundreds from one person would exhaust it.
    """
    if open_now >= limit:
        raise DomainError("too_many_sockets", limit=limit)
