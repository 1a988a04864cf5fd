"""Every response tells the browser what a page may load and who may frame it; no server
banner; a page of another scheme is another origin, for POSTs and sockets alike."""

import asyncio
from dataclasses import replace

import httpx2
import pytest
import websockets
from starlette.routing import Route
from starlette.testclient import TestClient

from server.app import create_app

from .bot import Member
from .helpers import MYK, NARRATIVE, organiser_cookie


def policy(response) -> dict[str, str]:
    directives = response.headers["content-security-policy"].split(";")
    return dict(d.strip().split(" ", 1) for d in directives)


def assert_protected(response) -> None:
    csp = policy(response)
    assert "unsafe" not in response.headers["content-security-policy"]
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == "'self'"
    assert csp["connect-src"] == "'self'"
    assert csp["frame-ancestors"] == csp["object-src"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "camera=()" in response.headers["permissions-policy"]
    assert "microphone=()" in response.headers["permissions-policy"]


def test_pages_redirects_errors_static_files_and_exports_carry_the_headers(client, settings):
    organiser = organiser_cookie(client, settings)
    client.cookies.clear()
    responses = {
        "start page": client.get("/"),
        "lobby": client.get(f"/c/{MYK}"),
        "redirect": client.post("/code", data={"code": "MYK2022"}, follow_redirects=False),
        "moved favicon": client.get("/favicon.ico", follow_redirects=False),
        "not found": client.get("/c/gibt-es-nicht"),
        "wrong method": client.delete("/"),
        "static file": client.get("/static/plenum.js"),
        "cross-site refusal": client.post(
            f"/c/{MYK}/join", data={"display_name": "M"}, headers={"Origin": "https://evil.example"}
        ),
        "login page": client.get("/console"),
        "export": client.get(
            f"/console/{MYK}/exports/download?format=csv", headers={"cookie": organiser}
        ),
    }
    assert [(name, r.status_code) for name, r in responses.items()] == [
        ("start page", 200),
        ("lobby", 200),
        ("redirect", 303),
        ("moved favicon", 301),
        ("not found", 404),
        ("wrong method", 405),
        ("static file", 200),
        ("cross-site refusal", 403),
        ("login page", 200),
        ("export", 200),
    ]
    for response in responses.values():
        assert_protected(response)


def test_a_server_error_carries_the_headers_too(settings):
    app = create_app(settings)

    async def broken(request):
        raise RuntimeError("a bug")

    app.router.routes.insert(0, Route("/broken", broken))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert_protected(response)


async def test_the_real_server_names_no_software_and_sends_the_headers(live):
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as browser:
        response = await browser.get("/")
    assert response.status_code == 200
    assert "server" not in response.headers
    assert_protected(response)


def test_a_post_from_an_https_page_to_an_http_server_is_refused(client):
    client.cookies.clear()
    answer = client.post(
        f"/c/{MYK}/join",
        data={"display_name": "Mallory"},
        headers={"Origin": "https://testserver"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert "plenum_session" not in client.cookies


async def test_a_socket_from_an_https_page_to_an_http_server_is_refused(live):
    anna = await Member.join(live.base, MYK, "Anna")
    room = live.rooms()[NARRATIVE]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(
            f"ws://{live.base}/ws/rooms/{room}",
            additional_headers={"Cookie": anna.cookie},
            origin=f"https://{live.base}",
        )
    assert refused.value.response.status_code == 403
    await anna.enter(room, origin=f"http://{live.base}")
    assert anna.seq is not None  # the snapshot came


async def test_behind_a_trusted_tls_proxy_only_https_pages_are_the_same_origin(live):
    """The proxy (127.0.0.1, trusted by default) says the browser came by https."""
    anna = await Member.join(live.base, MYK, "Anna")
    room = live.rooms()[NARRATIVE]
    proxied = {"Cookie": anna.cookie, "X-Forwarded-Proto": "https"}

    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as proxy:
        plain = await proxy.post(
            f"/c/{MYK}/join",
            data={"display_name": "Ben"},
            headers={"X-Forwarded-Proto": "https", "Origin": f"http://{live.base}"},
        )
        secure = await proxy.post(
            f"/c/{MYK}/join",
            data={"display_name": "Ben"},
            headers={"X-Forwarded-Proto": "https", "Origin": f"https://{live.base}"},
        )
    assert (plain.status_code, secure.status_code) == (403, 303)

    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(
            f"ws://{live.base}/ws/rooms/{room}",
            additional_headers=proxied,
            origin=f"http://{live.base}",
        )
    assert refused.value.response.status_code == 403
    async with websockets.connect(
        f"ws://{live.base}/ws/rooms/{room}",
        additional_headers=proxied,
        origin=f"https://{live.base}",
    ) as socket:
        first = await asyncio.wait_for(socket.recv(), 5)
    assert first.startswith("<!--plenum snapshot ")


def test_allowed_origins_are_full_origins_with_their_scheme(settings):
    allowing = replace(settings, allowed_origins=("https://plenum.example.org/",))
    with TestClient(create_app(allowing)) as client:
        answers = [
            client.post(
                f"/c/{MYK}/join",
                data={"display_name": "Anna"},
                headers={"Origin": origin},
                follow_redirects=False,
            ).status_code
            for origin in ("https://plenum.example.org", "http://plenum.example.org")
        ]
    assert answers == [303, 403]
