"""Settings for abuse tests whose outcome does not depend on the database: SQLite alone,
with the rate limits a test names and the defaults for the rest."""

from pathlib import Path

from server.settings import PROJECT_ROOT, RATE_LIMITS, Settings


def with_limits(tmp_path: Path, **rules: str) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'plenum.db'}",
        sessions_config=(PROJECT_ROOT / "sessions_config",),
        secret_key="test-secret",
        coalesce_ms=5,
        rate_limits={**RATE_LIMITS, **rules},
    )
