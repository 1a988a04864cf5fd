"""All configuration, read once. Nothing else in the code reads the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


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
    # Failed logins allowed per client address and per username within the window.
    login_attempts: int = 5
    login_window_minutes: float = 15
    # --- Breakouts ---
    # How often each process looks for breakout rooms whose time is up.
    breakout_tick_seconds: float = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        defaults = cls()
        paths = env.get("SESSIONS_CONFIG")
        origins = env.get("ALLOWED_ORIGINS", "")
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
            login_attempts=int(env.get("LOGIN_ATTEMPTS", defaults.login_attempts)),
            login_window_minutes=float(
                env.get("LOGIN_WINDOW_MINUTES", defaults.login_window_minutes)
            ),
            # --- Breakouts ---
            breakout_tick_seconds=float(
                env.get("BREAKOUT_TICK_SECONDS", defaults.breakout_tick_seconds)
            ),
        )
