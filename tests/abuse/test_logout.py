"""Signing out ends the sign-in on the server: a copy of the cookie taken before opens
neither the console nor an organiser's socket, and "sign out everywhere" ends the
account's sign-ins in every other browser too."""

import httpx2
import pytest
import websockets

from ..bot import Member
from ..helpers import MYK, conference_id, make_organiser, organiser, sign_in


@pytest.fixture
def mia(settings):
    make_organiser(settings)


def browser(client, cookie: str) -> None:
    """Make the test client act as the browser holding `cookie`."""
    client.cookies.clear()
    client.cookies.set("plenum_session", cookie)


def test_a_cookie_copied_before_logout_no_longer_opens_the_console(client, mia):
    assert sign_in(client).status_code == 303
    copied = client.cookies["plenum_session"]
    assert client.get("/console").status_code == 200

    assert client.post("/logout", follow_redirects=False).status_code == 303

    browser(client, copied)
    answer = client.get("/console", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?reason=expired")
    assert client.get(f"/console/{MYK}/live", follow_redirects=False).status_code == 303
    refused = client.post(f"/console/{MYK}/invites", data={"room": "strategieentwicklung"})
    assert refused.status_code == 403
    assert client.get("/").status_code == 200  # the server serves on


def test_sign_out_everywhere_ends_the_sign_in_of_another_browser(client, mia):
    sign_in(client)
    laptop = client.cookies["plenum_session"]
    client.cookies.clear()
    sign_in(client)
    phone = client.cookies["plenum_session"]
    console = client.get("/console").text
    assert '<form method="post" action="/logout/everywhere">' in console
    assert "Überall abmelden" in console

    answer = client.post("/logout/everywhere", follow_redirects=False)
    assert answer.headers["location"] == "/login?reason=signed_out_everywhere"
    assert "Sie sind auf allen Geräten abgemeldet." in client.get(answer.headers["location"]).text

    for cookie in (laptop, phone):
        browser(client, cookie)
        assert client.get("/console", follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert sign_in(client).status_code == 303  # the account itself is not locked
    assert client.get("/console").status_code == 200


def test_an_ended_sign_in_cannot_end_the_others(client, mia):
    sign_in(client)
    stale = client.cookies["plenum_session"]
    client.post("/logout")
    client.cookies.clear()
    sign_in(client)
    current = client.cookies["plenum_session"]

    browser(client, stale)
    answer = client.post("/logout/everywhere", follow_redirects=False)
    assert answer.headers["location"] == "/login?reason=expired"
    browser(client, current)
    assert client.get("/console").status_code == 200


async def test_a_copied_cookie_opens_no_organiser_socket_after_logout(live):
    olga = await organiser(live)
    cid = conference_id(live)
    copy = Member(live.base, olga.cookie, "Olga's cookie, copied")
    await olga.attend(cid, "dashboard")  # open before the logout: allowed to finish

    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        answer = await client.post("/logout", headers={"Cookie": olga.cookie})
        assert answer.status_code == 303

    with pytest.raises(websockets.ConnectionClosed):
        await copy.attend(cid, "dashboard")
    assert copy.closed_with == 4401  # the cookie's organiser participant is not let in
    assert (await copy.get("/console")).status_code == 303
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.attend(cid)  # everyone else carries on
    await anna.leave()
    await olga.leave()
