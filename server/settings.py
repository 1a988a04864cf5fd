"""All configuration, read once. Nothing else in the code reads the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from limits import parse_many

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# How often one participant, address or account may do something (docs/security.md), in
# the `limits` notation: "10 per 20 seconds", several joined by ";". Each can be set with
# an environment variable LIMIT_<NAME>, e.g. LIMIT_JOIN="200 per minute".
RATE_LIMITS = {
    # Per participant: a card, comment, question or result (what the board stores).
    "post": "10 per 20 seconds",
    # Per participant: every other message on a socket (votes, resync, ...); a projector's
    # per address.
    "command": "60 per 10 seconds",
    # Per moderator or organiser: every message on their sockets. Curating comes in
    # bursts (select, group, move, merge); this only stops a script.
    "moderate": "300 per 10 seconds",
    # Per participant: opening a room or plenary socket (tabs, reloads, reconnects).
    "socket": "30 per minute",
    # Per client address: joining a conference as a new participant.
    "join": "60 per minute;600 per hour",
    # Organiser sign-in attempts per client address, whatever the username: then 429.
    "sign_in_address": "30 per 15 minutes",
    # Per username from one client address: then 429 (a success forgives the count).
    "sign_in_username_address": "5 per 15 minutes",
    # Per username from anywhere: never refused, so an attacker cannot lock the owner out;
    # past it each attempt waits before its password is checked, 1 s doubling to 10 s.
    "sign_in_username": "5 per 15 minutes",
}


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///plenum.db"
    broadcast_url: str = "memory://"
    # Files or folders of conference definitions loaded at start-up.
    sessions_config: tuple[Path, ...] = (PROJECT_ROOT / "sessions_config",)
    # Signs session cookies; when unset, one is created and kept in the database.
    secret_key: str | None = None
    # Set behind HTTPS so the session cookie is never sent in the clear.
    secure_cookies: bool = False
    # Origins besides the server's own that may open room sockets (e.g. a proxy's name).
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    # Changes arriving faster than this are sent to a room as one frame.
    coalesce_ms: int = 20
    # Bytes queued for one slow socket before it is dropped (it resyncs on reconnect).
    socket_backlog_bytes: int = 1 << 20
    session_days: int = 30
    # --- Organiser accounts ---
    # An organiser's sign-in ends this long after it began, however active they are.
    organiser_session_hours: float = 12
    # --- Breakouts ---
    # How often each process looks for breakout rooms whose time is up.
    breakout_tick_seconds: float = 2
    # --- Limits (docs/security.md) ---
    rate_limits: Mapping[str, str] = field(default_factory=lambda: dict(RATE_LIMITS))
    # Open sockets one participant may have in one room, and on one conference's plenary
    # (tabs, a phone, reconnects); the next is refused with close code 4429.
    sockets_per_room: int = 8
    # A closed room or plenary socket counts as gone this long after; one the same person
    # opens there meanwhile (a reload, a network blip) takes its place unnoticed.
    departure_grace_seconds: float = 5.0
    # Addresses of proxies whose X-Forwarded-For names the client (comma-separated).
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        defaults = cls()
        _refuse_replaced(env)
        paths = env.get("SESSIONS_CONFIG")
        origins = env.get("ALLOWED_ORIGINS", "")
        proxies = env.get("TRUSTED_PROXIES")
        return cls(
            database_url=env.get("DATABASE_URL", defaults.database_url),
            broadcast_url=env.get("BROADCAST_URL", defaults.broadcast_url),
            sessions_config=(
                tuple(Path(p) for p in paths.split(os.pathsep) if p)
                if paths is not None
                else defaults.sessions_config
            ),
            secret_key=env.get("SECRET_KEY") or None,
            secure_cookies=env.get("SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
            allowed_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            coalesce_ms=int(env.get("COALESCE_MS", defaults.coalesce_ms)),
            socket_backlog_bytes=int(
                env.get("SOCKET_BACKLOG_BYTES", defaults.socket_backlog_bytes)
            ),
            # --- Organiser accounts ---
            organiser_session_hours=float(
                env.get("ORGANISER_SESSION_HOURS", defaults.organiser_session_hours)
            ),
            # --- Breakouts ---
            breakout_tick_seconds=float(
                env.get("BREAKOUT_TICK_SECONDS", defaults.breakout_tick_seconds)
            ),
            # --- Limits ---
            rate_limits={
                name: _rule(env, f"LIMIT_{name.upper()}", rule)
                for name, rule in defaults.rate_limits.items()
            },
            sockets_per_room=int(env.get("SOCKETS_PER_ROOM", defaults.sockets_per_room)),
            departure_grace_seconds=float(
                env.get("DEPARTURE_GRACE_SECONDS", defaults.departure_grace_seconds)
            ),
            trusted_proxies=(
                tuple(p.strip() for p in proxies.split(",") if p.strip())
                if proxies is not None
                else defaults.trusted_proxies
            ),
        )


def _refuse_replaced(env: Mapping[str, str]) -> None:
    """Settings that are no longer read stop the start, rather than silently doing nothing."""
    for name in ("LOGIN_ATTEMPTS", "LOGIN_WINDOW_MINUTES"):
        if name in env:
            raise ValueError(
                f"{name} is no longer read: set LIMIT_SIGN_IN_ADDRESS, "
                "LIMIT_SIGN_IN_USERNAME_ADDRESS and LIMIT_SIGN_IN_USERNAME instead "
                '(e.g. "5 per 15 minutes")'
            )


def _rule(env: Mapping[str, str], name: str, default: str) -> str:
    """A rate limit from the environment, refused at start-up when it does not parse."""
    rule = env.get(name, default)
    try:
        parse_many(rule)
    except ValueError:
        raise ValueError(
            f'{name}={rule!r} is not a rate limit; write it like "10 per 20 seconds" '
            '(several joined by ";")'
        ) from None
    return rule
