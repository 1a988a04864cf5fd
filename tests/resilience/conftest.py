"""Fixtures of the resilience tests: real server processes, resilient participants, and a
report of the figures."""

import pytest

from ..conftest import FIGURES
from ..helpers import MYK
from ..servers import ServerProcess
from .client import Participant

# These members post and edit as fast as scripts do, not as people: the rate limits have
# tests of their own (tests/abuse).
SCRIPTED = {
    "LIMIT_POST": "10000 per minute",
    "LIMIT_COMMAND": "10000 per minute",
    "LIMIT_SOCKET": "10000 per minute",
}


@pytest.fixture
def report(request: pytest.FixtureRequest):
    """Record a test's figures; they are printed at the end of the run (tests/conftest.py)."""
    return lambda figures: request.node.user_properties.append((FIGURES, figures))


@pytest.fixture
def start_servers(tmp_path):
    """start_servers(env, count) -> started processes; all are stopped afterwards."""
    started: list[ServerProcess] = []

    def start(env: dict[str, str], count: int = 1) -> list[ServerProcess]:
        env = {**SCRIPTED, **env}
        batch = [ServerProcess(env, tmp_path) for _ in range(count)]
        started.extend(batch)
        for server in batch:
            server.launch()
        for server in batch:
            server.wait_ready()
        return batch

    yield start
    for server in started:
        server.terminate()


@pytest.fixture
async def participants():
    """join(servers, count) -> participants in the room; all stopped afterwards."""
    joined: list[Participant] = []

    async def join(bases: list[str], count: int, room_id: int) -> list[Participant]:
        batch = []
        for n in range(len(joined), len(joined) + count):
            member = await Participant.join(bases[n % len(bases)], MYK, f"Person {n}")
            batch.append(Participant(member.base, member.cookie, member.name, bases=bases))
        joined.extend(batch)
        for participant in batch:
            await participant.start(room_id)
        return batch

    yield join
    for participant in joined:
        await participant.stop()
