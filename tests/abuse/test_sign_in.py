"""Guessing an organiser's password: from one address it is refused, from many addresses
it is slowed down, and the account's owner still gets in from a fresh address.

A real server trusts 127.0.0.1 as its proxy, so X-Forwarded-For names the address each
attempt comes from. The growing delay is recorded instead of slept."""

from dataclasses import replace

import httpx2
import pytest

from server.domain.organisers import MAX_SIGN_IN_DELAY_SECONDS
from server.web import accounts

from ..helpers import PASSWORD, make_organiser

WRONG = "falsches-passwort"


@pytest.fixture
def settings(settings):
    rules = {
        **settings.rate_limits,
        "sign_in_address": "6 per 15 minutes",
        "sign_in_username_address": "2 per 15 minutes",
        "sign_in_username": "5 per 15 minutes",
    }
    return replace(settings, rate_limits=rules)


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The delays sign-in attempts waited, in order (none is slept for real)."""
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(accounts, "wait", record)
    return waited


@pytest.fixture
async def server(live):
    make_organiser(live.settings)
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        yield client
        client.cookies.clear()
        assert (await client.get("/")).status_code == 200  # still serving everyone
        assert (await client.get("/login")).status_code == 200


async def attempt(client, address: str, username: str = "mia", password: str = WRONG):
    client.cookies.clear()
    return await client.post(
        "/login",
        data={"username": username, "password": password},
        headers={"X-Forwarded-For": address},
    )


async def test_guessing_from_many_addresses_slows_the_username_but_its_owner_gets_in(server, waits):
    guesses = [
        await attempt(server, f"10.0.0.{n}") for n in range(1, 8) for _ in range(2)
    ]  # 14 guesses, 2 from each of 7 addresses: none of them refused

    assert [answer.status_code for answer in guesses] == [422] * 14
    assert waits == [0] * 5 + [1, 2, 4, 8, 10, 10, 10, 10, 10]
    assert (await attempt(server, "10.0.0.1")).status_code == 429

    owner = await attempt(server, "192.0.2.50", password=PASSWORD)
    assert owner.status_code == 303
    assert 0 < waits[-1] <= MAX_SIGN_IN_DELAY_SECONDS  # slower, not kept out
    assert (await server.get("/console")).status_code == 200


async def test_one_address_is_refused_after_its_limit_whatever_the_username(server, waits):
    for username in ("mia", "ben", "olga", "anna", "mia", "ben"):
        assert (await attempt(server, "10.0.1.1", username)).status_code == 422

    refused = await attempt(server, "10.0.1.1", password=PASSWORD)
    assert refused.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in refused.text
    assert "15 Minuten" in refused.text
    assert "plenum_session" not in refused.headers.get("set-cookie", "")
    assert (await attempt(server, "10.0.1.2", password=PASSWORD)).status_code == 303


async def test_one_username_from_one_address_is_refused_and_a_success_forgives_it(server, waits):
    assert (await attempt(server, "10.0.2.1")).status_code == 422
    assert (await attempt(server, "10.0.2.1", password=PASSWORD)).status_code == 303
    assert (await attempt(server, "10.0.2.1")).status_code == 422  # the count began again
    assert (await attempt(server, "10.0.2.1")).status_code == 422

    assert (await attempt(server, "10.0.2.1", password=PASSWORD)).status_code == 429
    assert (await attempt(server, "10.0.2.1", username="ben")).status_code == 422
    assert (await attempt(server, "10.0.2.2", password=PASSWORD)).status_code == 303
