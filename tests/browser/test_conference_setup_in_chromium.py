"""Issue 16's proof in a real browser: an organiser sets up a conference from nothing,
invites a moderator by the QR code of the link, and a participant joins by the poster's
code; then a running conference is edited, and a participant in its plenary and one in a
breakout room see the new room and the moved item at once."""

import io

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, expect

from ..helpers import MYK, make_organiser
from .accessibility import check
from .helpers import NARRATIVE, join_and_enter, joined_page, new_page, signed_in_at

ULM = "regionalkonferenz-ulm-2024"


def test_a_conference_set_up_from_nothing_gets_a_moderator_by_qr_and_a_participant_by_code(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    page = signed_in_at(browser, f"{server_url}/console/conferences/new")
    page.get_by_label("Titel").fill("Regionalkonferenz Ulm")
    page.get_by_label("Kurzname in Links").fill(ULM)
    page.get_by_label("Code zum Beitreten").fill("ULM2024")
    page.get_by_label("Datum").fill("2024-06-12")
    page.get_by_label("Beginn").fill("10:00")
    page.get_by_label("Ende").fill("15:00")
    page.get_by_label("Ort").fill("Stadthaus Ulm")
    page.get_by_label("Format").select_option("hybrid")
    page.get_by_role("button", name="Konferenz anlegen").click()
    expect(page.get_by_text("Die Konferenz ist angelegt.")).to_be_visible()

    page.get_by_role("link", name="Programm bearbeiten").click()
    page.get_by_role("button", name="Punkt hinzufügen").click()
    expect(page.locator("#field-agenda-1-start")).to_have_value("10:15")
    page.locator("#field-agenda-1-end").fill("12:00")
    page.locator("#field-agenda-1-title").fill("Workshops")
    page.locator("#field-agenda-1-kind").select_option("breakout")
    page.get_by_role("button", name="Speichern").first.click()
    expect(page.get_by_text("Ihre Änderungen sind gespeichert.")).to_be_visible()

    page.get_by_role("link", name="Räume bearbeiten").click()
    page.get_by_label("Titel").fill("Strategieentwicklung")
    page.get_by_label("Kurzname in Links").fill("strategieentwicklung")
    page.get_by_label("Plätze").fill("40")
    page.get_by_label("Erste Leitfrage").fill("Wo wollen wir hin?")
    page.get_by_role("button", name="Raum hinzufügen").click()
    expect(
        page.get_by_role("heading", name="Raum „Strategieentwicklung“ bearbeiten")
    ).to_be_visible()

    # A moderator's link, scanned from the screen.
    page.goto(f"{server_url}/console/{ULM}")
    room = page.locator("#room-strategieentwicklung")
    room.get_by_label("Name der Moderation").fill("Mia Moderatorin")
    room.get_by_role("button", name="Link erstellen").click()
    code = page.locator(".invite-qr-code")
    expect(code).to_be_visible()
    check(page, "a new link with its QR code")
    scanned = zxingcpp.read_barcodes(Image.open(io.BytesIO(code.screenshot())))
    assert [found.text for found in scanned] == [page.locator("#new-link-url").input_value()]
    moderator = new_page(browser)
    moderator.goto(scanned[0].text)
    moderator.get_by_role("button", name="Moderation übernehmen").click()
    expect(moderator.get_by_text("Sie moderieren diesen Raum.")).to_be_visible()

    # A participant comes in by the code on the poster.
    page.goto(f"{server_url}/console/{ULM}/poster")
    join_code = page.locator(".poster-code").inner_text()
    assert join_code == "ULM2024"
    participant = new_page(browser)
    participant.goto(f"{server_url}/")
    participant.get_by_label("Konferenz-Code").fill(join_code)
    participant.get_by_role("button", name="Weiter").click()
    participant.get_by_label("Anzeigename").fill("Anna")
    participant.get_by_role("button", name="Teilnehmen").click()
    expect(participant.get_by_role("heading", level=1)).to_have_text("Regionalkonferenz Ulm")
    expect(participant.locator("#rooms")).to_contain_text("Strategieentwicklung")
    expect(participant.locator("#agenda")).to_contain_text("Workshops")


def test_a_running_conference_is_edited_and_its_plenary_and_rooms_follow_at_once(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    participant = joined_page(browser, server_url, "Anna")
    first = participant.locator("#agenda-all li").first
    expect(first).to_contain_text("Begrüßung")
    in_room = join_and_enter(browser, server_url, "Ben", NARRATIVE)
    in_room.get_by_text("Ganzes Programm und alle Räume").click()
    programme = in_room.locator("#room-programme")
    expect(programme.locator(".agenda-list li").first).to_contain_text("Begrüßung")

    page = signed_in_at(browser, f"{server_url}/console/{MYK}/edit/rooms")
    page.get_by_label("Titel").fill("Mobilität im ländlichen Raum")
    page.get_by_label("Kurzname in Links").fill("mobilitaet")
    page.get_by_label("Plätze").fill("30")
    page.get_by_label("Erste Leitfrage").fill("Was fehlt?")
    page.get_by_role("button", name="Raum hinzufügen").click()
    expect(participant.locator("#rooms")).to_contain_text("Mobilität im ländlichen Raum")
    expect(programme.get_by_role("link", name="Mobilität im ländlichen Raum")).to_be_visible()

    page.goto(f"{server_url}/console/{MYK}/edit/agenda")
    page.get_by_role("button", name="Nach unten – Punkt 1").click()
    page.locator("#field-agenda-0-start").fill("09:30")
    page.locator("#field-agenda-0-end").fill("09:40")
    page.locator("#field-agenda-1-start").fill("09:40")
    page.locator("#field-agenda-1-end").fill("09:50")
    page.get_by_role("button", name="Speichern").first.click()
    expect(page.get_by_text("Ihre Änderungen sind gespeichert.")).to_be_visible()
    expect(first).to_contain_text("Ziel der Regionalkonferenz")
    # Ben's room follows too, with the programme still open as he left it.
    expect(programme.locator(".agenda-list li").first).to_contain_text("Ziel der Regionalkonferenz")
    expect(in_room.locator("#room-programme-all")).to_have_attribute("open", "")
    check(in_room, "a room with the whole programme and every room open")
