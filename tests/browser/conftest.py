"""Real Chromium (Debian's package) driven by Playwright against a real uvicorn."""

import os
import shutil

import pytest

from ..servers import ServerThread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Browser tests never skip: install it with "
            "'apt-get install chromium' (scripts/test does this for you)."
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": BROWSER_ARGS}


@pytest.fixture
def server(settings):
    running = ServerThread(settings)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def server_url(server) -> str:
    return f"http://127.0.0.1:{server.port}"
