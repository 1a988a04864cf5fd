"""Joins from one address, as fast as a script sends them: past the limit each is refused
with 429, a Retry-After and the form as it was typed; other addresses still join."""

import asyncio
import dataclasses
from pathlib import Path

import httpx2
import pytest
from lxml import html

from server.settings import Settings

from ..helpers import MYK
from ..servers import ServerThread
from .settings import with_limits

LIMIT = 3


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return with_limits(tmp_path, join=f"{LIMIT} per minute")


async def _join(client: httpx2.AsyncClient, address: str, name: str) -> httpx2.Response:
    """A join form sent from `address` (the test server trusts X-Forwarded-For from
    127.0.0.1, as a server behind its proxy does)."""
    form = {"display_name": name, "organisation": "Stadt Mayen"}
    headers = {"X-Forwarded-For": address}
    return await client.post(f"/c/{MYK}/join", data=form, headers=headers)


async def test_a_flood_of_joins_from_one_address_is_refused_past_the_limit(live):
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        flood = await asyncio.gather(*(_join(client, "10.0.0.1", f"Bot {n}") for n in range(12)))
        elsewhere = await _join(client, "10.0.0.2", "Anna")

    statuses = sorted(response.status_code for response in flood)
    assert statuses == [303] * LIMIT + [429] * (12 - LIMIT)
    refused = next(response for response in flood if response.status_code == 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = html.fromstring(refused.text)
    assert page.get_element_by_id("display_name").get("value").startswith("Bot ")
    assert page.get_element_by_id("organisation").get("value") == "Stadt Mayen"
    (error,) = page.xpath("//*[@id='form-errors']//li")
    assert f"in {refused.headers['Retry-After']} s noch einmal" in error.text_content()
    assert elsewhere.status_code == 303


async def test_only_joins_that_make_a_participant_count(live):
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        typos = [await _join(client, "10.0.0.3", " ") for _ in range(LIMIT + 2)]
        joined = await _join(client, "10.0.0.3", "Anna")
        lobby = [
            await client.get(f"/c/{MYK}", headers={"X-Forwarded-For": "10.0.0.3"})
            for _ in range(LIMIT + 2)
        ]
        more = [await _join(client, "10.0.0.3", f"Gast {n}") for n in range(LIMIT)]

    assert {response.status_code for response in typos} == {422}
    assert joined.status_code == 303
    assert {response.status_code for response in lobby} == {200}
    assert [response.status_code for response in more] == [303] * (LIMIT - 1) + [429]


async def test_a_client_that_is_no_trusted_proxy_cannot_pose_as_many_addresses(settings):
    server = ServerThread(dataclasses.replace(settings, trusted_proxies=()))
    await asyncio.to_thread(server.start)
    try:
        async with httpx2.AsyncClient(base_url=f"http://{server.base}") as client:
            posing = [await _join(client, f"10.0.1.{n}", f"Bot {n}") for n in range(LIMIT + 2)]
    finally:
        await asyncio.to_thread(server.stop)
    statuses = [response.status_code for response in posing]
    assert statuses == [303] * LIMIT + [429] * 2  # all counted as 127.0.0.1
