"""Real Chromium (Debian's package) driven by Playwright against a real uvicorn."""

import os
import shutil
import threading
import time

import pytest
import uvicorn

from server.app import create_app
from server.cli import uvicorn_config

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


class ServerThread:
    """The app on a real uvicorn in a thread: a browser cannot reach the test client."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.port = 0

    def start(self) -> str:
        config = uvicorn_config(create_app(self.settings), "127.0.0.1", self.port, "warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def server(settings):
    running = ServerThread(settings)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def server_url(server) -> str:
    return f"http://127.0.0.1:{server.port}"
