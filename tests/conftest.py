import asyncio
import json
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT, Settings
from server.store.database import Database

from .helpers import backends_of
from .servers import ServerThread
from .services import fill_with_newest_schema, postgres_schema, redis_url

DATABASES = ("sqlite", "postgres")
# The key of a test's figures among its report's user properties (the resilience tests'):
# a report travels from the worker process that ran the test to the one that prints.
FIGURES = "figures"
_figures: list[dict] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=(*DATABASES, "all"),
        default="all",
        help="database(s) for tests that use one (default: all; PostgreSQL tests skip "
        "outside CI when it is not running)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Every test that uses a database runs on each engine chosen with --db. Browser tests
    # stay on SQLite: they test what people see, and the engine does not change that.
    if "database_url" not in metafunc.fixturenames:
        return
    chosen = metafunc.config.getoption("--db")
    engines = DATABASES if chosen == "all" else (chosen,)
    if "/browser/" in metafunc.definition.nodeid:
        engines = ("sqlite",)
    metafunc.parametrize("database_url", engines, indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh, empty database: a SQLite file, or a schema of its own in PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'plenum.db'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema with the shipped conferences loaded, made once:
    copying it is faster than migrating a new file and loading them for every test (what
    migrating does is tested in test_migrations.py; a server's start then finds every
    shipped file loaded already)."""
    path = tmp_path_factory.mktemp("template") / "plenum.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    load_into(backends_of(database), [PROJECT_ROOT / "sessions_config"])
    database.close()
    return path


@pytest.fixture
def settings(database_url: str, migrated_sqlite: Path) -> Settings:
    """The app's settings on the test's database, which starts at the newest schema."""
    path = Path(database_url.removeprefix("sqlite:///"))
    if database_url.startswith("sqlite:///") and not path.exists():
        shutil.copyfile(migrated_sqlite, path)
    elif database_url.startswith("postgresql"):
        fill_with_newest_schema(database_url)
    return Settings(
        database_url=database_url,
        sessions_config=(PROJECT_ROOT / "sessions_config",),
        secret_key="test-secret",
        coalesce_ms=5,
        # Who closes a socket is seen gone at once; the grace itself has tests of its own
        # (test_departures.py), the subprocess servers of tests/resilience keep the default.
        departure_grace_seconds=0.05,
    )


@pytest.fixture
def client(settings: Settings):
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
async def live(settings: Settings):
    """The app on a real server; the test's event loop runs on while it starts and stops
    (its bots answer the server's goodbye)."""
    server = ServerThread(settings)
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


@pytest.fixture
def scaleout_env():
    """Settings (as environment) for server processes on PostgreSQL and Redis."""
    with postgres_schema() as database_url:
        yield {
            "DATABASE_URL": database_url,
            "BROADCAST_URL": redis_url(),
            "SESSIONS_CONFIG": str(PROJECT_ROOT / "sessions_config"),
        }


@pytest.fixture
async def crowd():
    """Register bot members (`crowd(member)` returns it); their sockets are closed at the
    end, while the test's event loop still runs."""
    members: list = []

    def register(member):
        members.append(member)
        return member

    yield register
    for member in members:
        if member.socket is not None:
            await member.socket.close()


@pytest.fixture
def seeded(settings: Settings):
    """The conference files loaded and tests/results_seed.py's results in MYK."""
    from server.services.config_files import load_into

    from .results_seed import seed

    database = Database(settings.database_url)
    database.migrate()
    load_into(backends_of(database), list(settings.sessions_config))
    ids = database.run_write(seed)
    yield database, ids
    database.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Sync Playwright leaves an event loop running in the main thread; asyncio tests
    # collected after it would fail, so browser tests always run last.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _figures.extend(value for key, value in report.user_properties if key == FIGURES)


def pytest_terminal_summary(terminalreporter) -> None:
    if _figures:
        terminalreporter.section("resilience figures")
        for figures in _figures:
            terminalreporter.write_line(json.dumps(figures))
