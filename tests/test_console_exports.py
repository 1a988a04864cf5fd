"""Exports in the organiser's console through the test client, and consent at joining."""

import csv
import io

import anyio
from sqlmodel import select

from server.store.database import Database
from server.store.tables import Participant

from .helpers import MYK, join, organiser_cookie

DOWNLOAD = f"/console/{MYK}/exports/download"


def test_export_page_offers_every_format_room_and_option_and_tells_the_retention(client, settings):
    organiser = organiser_cookie(client, settings)
    overview = client.get(f"/console/{MYK}", headers={"cookie": organiser}).text
    assert f'href="/console/{MYK}/exports"' in overview
    assert f'href="/console/{MYK}/exports?room=strategieentwicklung"' in overview

    page = client.get(
        f"/console/{MYK}/exports?room=strategieentwicklung", headers={"cookie": organiser}
    )
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    for value in ("csv", "json", "md", "html", "docx", "pdf"):
        assert f'name="format" value="{value}"' in text
    assert '<option value="strategieentwicklung" selected>' in text
    assert 'role="status"' in text and '<progress id="export-progress">' in text
    assert "bis Montag, 20. Juni 2022 aufbewahrt" in text
    assert "/static/export.js" in text


def test_download_streams_an_attachment_that_german_excel_opens(client, settings, seeded):
    organiser = organiser_cookie(client, settings)
    answer = client.get(DOWNLOAD, params={"format": "csv"}, headers={"cookie": organiser})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (f'attachment; filename="{MYK}-ergebnisse.csv"')
    assert answer.headers["cache-control"] == "no-store"
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Raum", "Leitfrage", "Cluster"] and len(rows) == 8


def test_a_download_given_up_half_way_ends_its_read_transaction(client, settings, seeded):
    """The browser goes away after the first piece: the export stops reading and hands
    its database connection back instead of holding a transaction open."""
    organiser = organiser_cookie(client, settings)
    pool = client.app_state["runtime"].backends.database.engine.pool
    assert pool.checkedout() == 0

    sent = client.portal.call(_give_up_after_the_first_piece, client, organiser)

    assert sent[0]["status"] == 200
    pieces = [m for m in sent if m["type"] == "http.response.body"]
    assert pieces and all(m["more_body"] for m in pieces)  # cut off: never finished
    assert pool.checkedout() == 0


async def _give_up_after_the_first_piece(client, cookie: str) -> list[dict]:
    """Download the CSV as a browser that closes the connection once the first piece
    arrived; returns what the app sent."""
    sent: list[dict] = []
    first_piece = anyio.Event()
    requested = False

    async def receive() -> dict:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await first_piece.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and message.get("body"):
            first_piece.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": DOWNLOAD,
        "raw_path": DOWNLOAD.encode(),
        "root_path": "",
        "query_string": b"format=csv",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": dict(client.app_state),
    }
    await client.app(scope, receive, send)
    return sent


def test_download_of_one_room_as_pdf_with_pseudonyms(client, settings, seeded):
    organiser = organiser_cookie(client, settings)
    params = {"format": "pdf", "room": "strategieentwicklung", "authors": "pseudonyms"}
    answer = client.get(DOWNLOAD, params=params, headers={"cookie": organiser})
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF-")
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="{MYK}-strategieentwicklung-ergebnisse.pdf"'
    )


def test_unknown_settings_and_rooms_are_refused_on_the_form(client, settings):
    organiser = organiser_cookie(client, settings)
    wrong = client.get(DOWNLOAD, params={"format": "xls"}, headers={"cookie": organiser})
    assert wrong.status_code == 422
    assert "Diese Export-Einstellungen kennt Plenum nicht." in wrong.text
    missing = client.get(DOWNLOAD, params={"room": "gibt-es-nicht"}, headers={"cookie": organiser})
    assert missing.status_code == 404
    assert "Den Raum „gibt-es-nicht“ gibt es in dieser Konferenz nicht." in missing.text


def test_participants_and_strangers_get_no_export(client, settings):
    anna = join(client, "Anna")
    client.cookies.clear()
    for cookie in (anna, ""):
        answer = client.get(DOWNLOAD, headers={"cookie": cookie}, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?reason=required")


def _consents(settings) -> dict[str, bool]:
    database = Database(settings.database_url)
    try:
        rows = database.run_read(lambda s: s.exec(select(Participant)).all())
        return {row.display_name: row.name_consent for row in rows}
    finally:
        database.close()


def test_consent_to_be_named_is_given_only_by_ticking_the_box(client, settings):
    client.post(f"/c/{MYK}/join", data={"display_name": "Anna", "name_consent": "yes"})
    client.cookies.clear()
    client.post(f"/c/{MYK}/join", data={"display_name": "Ben"})
    assert _consents(settings) == {"Anna": True, "Ben": False}
