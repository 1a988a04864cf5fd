"""Organiser accounts: signing in and out, expiry, throttling, and the console's doors."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from server.app import create_app
from server.domain.permissions import Role
from server.services import organisers
from server.services.access import role_in_room
from server.settings import PROJECT_ROOT
from server.store import conferences
from server.store.database import Database
from server.store.tables import Participant

from .helpers import MYK, backends_of, join, make_organiser, sign_in


@pytest.fixture
def organiser(settings):
    make_organiser(settings)


def test_login_page_speaks_german_first_and_english_on_request(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert '<label for="username">Benutzername</label>' in page.text
    assert '<label for="password">Passwort</label>' in page.text
    assert 'autocomplete="current-password"' in page.text
    client.post("/language", data={"language": "en", "next": "/login"})
    english = client.get("/login").text
    assert '<label for="username">Username</label>' in english
    assert "Sign-in for the organising team" in english


def test_the_right_password_opens_the_console_with_every_conference(client, organiser):
    answer = sign_in(client)
    assert answer.status_code == 303 and answer.headers["location"] == "/console"
    console = client.get("/console")
    assert console.status_code == 200
    assert "Angemeldet als Mia Orga" in console.text
    links = re.findall(r'<a href="/console/([a-z0-9-]+)"', console.text)
    assert len(links) == len(list((PROJECT_ROOT / "sessions_config").glob("*.yaml")))
    assert MYK in links
    assert console.headers["cache-control"] == "no-store"


def test_usernames_are_not_case_sensitive(client, organiser):
    assert sign_in(client, username="  MIA ").status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(client, organiser):
    wrong_password = sign_in(client, password="falsches-passwort")
    unknown_user = sign_in(client, username="niemand")
    for answer in (wrong_password, unknown_user):
        assert answer.status_code == 422
        assert "Benutzername oder Passwort ist falsch." in answer.text
        assert "plenum_session" not in answer.headers.get("set-cookie", "")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_repeated_failures_are_throttled_even_for_the_right_password(settings):
    rules = {**settings.rate_limits, "sign_in_username_address": "2 per 15 minutes"}
    settings = replace(settings, rate_limits=rules)
    make_organiser(settings)
    with TestClient(create_app(settings)) as client:
        assert sign_in(client, password="falsch-1-xxxxxx").status_code == 422
        assert sign_in(client, password="falsch-2-xxxxxx").status_code == 422
        throttled = sign_in(client)
        assert throttled.status_code == 429
        assert "Zu viele fehlgeschlagene Anmeldeversuche" in throttled.text
        assert "15 Minuten" in throttled.text


def test_a_sign_in_expires_after_the_configured_hours(client, organiser, monkeypatch):
    sign_in(client)
    signed_in_at = organisers.now()  # after the sign-in began, however long it took
    assert client.get("/console").status_code == 200

    later = signed_in_at + timedelta(hours=12, seconds=1)
    monkeypatch.setattr(organisers, "now", lambda: later)
    answer = client.get(f"/console/{MYK}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?reason=expired&next=/console/{MYK}"
    assert "abgelaufen" in client.get(answer.headers["location"]).text

    monkeypatch.setattr(organisers, "now", lambda: signed_in_at)  # the cookie forgot it for good
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_console(client, organiser):
    sign_in(client)
    answer = client.post("/logout", follow_redirects=False)
    assert answer.status_code == 303
    assert "Sie sind abgemeldet." in client.get(answer.headers["location"]).text
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_a_new_password_ends_older_sign_ins(client, organiser, settings):
    sign_in(client)
    database = Database(settings.database_url)
    try:
        organisers.set_password(backends_of(database), "mia", "ganz-neues-passwort")
    finally:
        database.close()
    assert client.get("/console", follow_redirects=False).status_code == 303
    assert sign_in(client, password="ganz-neues-passwort").status_code == 303


def test_after_login_the_organiser_returns_to_the_page_asked_for_but_never_elsewhere(
    client, organiser
):
    assert sign_in(client, next_path=f"/console/{MYK}").headers["location"] == f"/console/{MYK}"
    client.post("/logout")
    assert sign_in(client, next_path="//evil.example/").headers["location"] == "/console"


@pytest.mark.parametrize("path", ["/console", f"/console/{MYK}"])
def test_strangers_and_participants_are_sent_to_the_login_page(client, path):
    for person in ("stranger", "participant"):
        client.cookies.clear()
        if person == "participant":
            join(client, "Anna")
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/login?reason=required&next={path}"
        page = client.get(answer.headers["location"])
        assert "Bitte melden Sie sich an, um die Konsole zu öffnen." in page.text


def test_console_actions_are_refused_without_a_sign_in(client):
    join(client, "Anna")
    make = client.post(
        f"/console/{MYK}/invites", data={"room": "strategieentwicklung", "name": "Anna"}
    )
    revoke = client.post(f"/console/{MYK}/invites/1/revoke")
    for answer in (make, revoke):
        assert answer.status_code == 403
        assert "Die Konsole ist nur für das Organisationsteam." in answer.text


def test_an_organiser_opening_a_conference_is_its_organiser_in_every_room(
    client, organiser, settings
):
    sign_in(client)
    lobby = client.get(f"/c/{MYK}")
    assert "Willkommen, Mia Orga" in lobby.text
    room_page = client.get(f"/c/{MYK}/rooms/strategieentwicklung")
    assert 'class="live as-moderator"' in room_page.text
    client.get(f"/c/{MYK}")  # a second visit is the same participant

    database = Database(settings.database_url)
    try:
        with database.session() as session:
            rows = session.exec(select(Participant).where(Participant.organiser_id.is_not(None)))
            (row,) = rows.all()
            participant = conferences.participant_by_id(session, row.id)
            room = conferences.room_by_slug(session, row.conference_id, "strategieentwicklung")
            assert role_in_room(session, participant, room) is Role.ORGANISER
        organisers.delete(backends_of(database), "mia")
        with database.session() as session:
            participant = conferences.participant_by_id(session, row.id)
            assert participant.organiser_id is None
            assert role_in_room(session, participant, room) is Role.PARTICIPANT
    finally:
        database.close()


def test_signing_out_also_ends_the_organiser_role_in_rooms(client, organiser):
    join(client, "Anna privat")
    sign_in(client)
    assert "Willkommen, Mia Orga" in client.get(f"/c/{MYK}").text
    client.post("/logout")
    assert "Willkommen, Anna privat" in client.get(f"/c/{MYK}").text
    room_page = client.get(f"/c/{MYK}/rooms/strategieentwicklung")
    assert "as-moderator" not in room_page.text
