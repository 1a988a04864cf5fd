"""Real servers for tests, on a port of 127.0.0.1: the app on uvicorn in a thread of the
test process (`ServerThread`: what a browser or a bot reaches, started in a moment), or
`python -m server serve` as a process of its own (`ServerProcess`: for what needs one,
a crash, a SIGTERM, several workers behind one bus).

A process runs with the settings given as environment, logs to a file (shown when it
fails to start), and is always stopped: SIGTERM, then SIGKILL.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import uvicorn
from sqlalchemy import update

from server.app import create_app
from server.cli import uvicorn_config
from server.settings import PROJECT_ROOT, Settings
from server.store.database import Database
from server.store.tables import Room

from .helpers import MYK, column_ids, room_ids


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerThread:
    """Stopped and started again, it keeps its port, as a restarted server would."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = 0

    @property
    def base(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> str:
        app = create_app(self.settings)
        config = uvicorn_config(
            app, "127.0.0.1", self.port, "warning", trusted_proxies=self.settings.trusted_proxies
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://{self.base}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def rooms(self, slug: str = MYK) -> dict[str, int]:
        return room_ids(self.settings, slug)

    def columns(self, room_id: int) -> list[int]:
        return column_ids(self.settings, room_id)

    def set_room(self, room_id: int, **values) -> None:
        """Change a room's settings as an edited sessions_config file would."""
        database = Database(self.settings.database_url)
        database.run_write(
            lambda s: s.execute(update(Room).where(Room.id == room_id).values(**values))
        )
        database.close()


class ServerProcess:
    def __init__(self, env: dict[str, str], log_dir: Path, port: int | None = None) -> None:
        self.env = {**os.environ, "SECRET_KEY": "test-secret", "COALESCE_MS": "5", **env}
        self.port = port or free_port()
        self.base = f"127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "ServerProcess":
        self.launch()
        return self.wait_ready(timeout)

    def launch(self) -> None:
        command = [sys.executable, "-m", "server", "serve", "--host=127.0.0.1"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, f"--port={self.port}"],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 30) -> "ServerProcess":
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"server did not start:\n{self.log()[-4000:]}")
            time.sleep(0.05)
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                probe.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return probe.recv(12).startswith(b"HTTP/1.1")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def terminate(self, timeout: float = 15) -> int:
        """SIGTERM, as a process manager stops a server; SIGKILL if it does not end."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
