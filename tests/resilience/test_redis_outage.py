"""Redis is stopped for 5 s mid-session and started again.

The servers use a Redis of their own on a free port, so stopping it disturbs nobody
else's tests on this machine.
"""

import asyncio
import shutil
import subprocess
import time

import pytest
import redis

from ..servers import free_port
from ..services import missing
from .helpers import board_of, converge, room_and_column

MEMBERS, CARDS_EACH, OUTAGE_S = 10, 12, 5


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def private_redis():
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed (apt-get install redis-server)")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


async def test_no_card_is_lost_while_redis_is_away_and_members_converge(
    scaleout_env, private_redis, start_servers, participants, report
):
    env = {**scaleout_env, "BROADCAST_URL": f"redis://127.0.0.1:{private_redis.port}/0"}
    servers = start_servers(env, count=2)
    url = env["DATABASE_URL"]
    room, column = room_and_column(url)
    crowd = await participants([s.base for s in servers], MEMBERS, room)
    started = asyncio.Event()

    async def post_cards(participant) -> None:
        for k in range(CARDS_EACH):
            await participant.post(column, f"{participant.name}: Idee {k}")
            started.set()
            await asyncio.sleep(0.6)  # spread over the outage

    posting = asyncio.gather(*(post_cards(p) for p in crowd))
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.sleep(1)
    private_redis.stop()
    await asyncio.sleep(OUTAGE_S)  # the outage itself, not a wait for state
    private_redis.start()
    await asyncio.wait_for(posting, 60)
    # Each server reconnects on its own backoff (at most 2 s apart): wait, bounded.
    async with asyncio.timeout(15):
        while not all("Redis is back" in server.log() for server in servers):
            await asyncio.sleep(0.1)
    columns, texts = await converge(crowd, url, room)

    posted = sorted(f"{p.name}: Idee {k}" for p in crowd for k in range(CARDS_EACH))
    logs = [server.log() for server in servers]
    report(
        {
            "test": "redis-outage",
            "outage_s": OUTAGE_S,
            "servers": 2,
            "cards_posted": len(posted),
            "cards_in_database": len(texts),
            "cards_on_every_client": sorted({sum(map(len, board_of(p).values())) for p in crowd}),
            "losses": len(set(posted) - set(texts)),
            "duplicates": len(texts) - len(set(texts)),
            "servers_that_resynced": sum("Redis is back" in log for log in logs),
        }
    )
    assert sorted(texts) == posted
    assert all(board_of(p) == columns for p in crowd)
    assert all("lost Redis" in log and "Redis is back" in log for log in logs)
