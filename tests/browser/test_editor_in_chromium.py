"""An organiser edits a conference in a real browser, by keyboard: its details and its
programme; the forms pass axe-core and fit a phone, and participants on the plenary see
the new programme without reloading."""

from playwright.sync_api import Browser, expect

from ..helpers import MYK, make_organiser
from .accessibility import check
from .helpers import joined_page, signed_in_at


def test_the_organiser_edits_details_and_programme_by_keyboard_and_the_plenary_follows(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    participant = joined_page(browser, server_url, "Anna")

    page = signed_in_at(browser, f"{server_url}/console/{MYK}/edit")
    expect(page.get_by_role("heading", name="Angaben zur Konferenz bearbeiten")).to_be_visible()
    check(page, "details editor")

    page.get_by_label("Code zum Beitreten").fill("myk")
    page.get_by_label("Ort").fill("Koblenz")
    page.get_by_label("Ort").press("Enter")
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Code zum Beitreten muss aus 4 bis 12 Großbuchstaben")
    expect(page.get_by_label("Ort")).to_have_value("Koblenz")  # kept
    check(page, "details editor with a problem")
    page.get_by_label("Code zum Beitreten").fill("MYK2022")
    page.get_by_role("button", name="Speichern").press("Enter")
    expect(page.get_by_text("Ihre Änderungen sind gespeichert.")).to_be_visible()

    page.get_by_role("link", name="Programm bearbeiten").click()
    expect(page.get_by_role("heading", name="Programm bearbeiten")).to_be_visible()
    check(page, "programme editor")
    # A time that leaves the day is said as it is typed, in the save's words.
    page.locator("#field-agenda-8-end").fill("14:00")
    page.locator("#field-agenda-8-end").press("Tab")
    expect(page.locator("#agenda-check")).to_contain_text("Punkt 9: Ende 14:00 liegt nach dem Ende")
    check(page, "programme editor saying what is wrong")
    page.locator("#field-agenda-8-end").fill("13:30")
    page.locator("#field-agenda-8-end").press("Tab")
    expect(page.locator("#agenda-check")).to_be_empty()
    first = page.get_by_label("Titel").first
    first.fill("Ankommen und Begrüßung")
    page.get_by_role("button", name="Speichern").first.press("Enter")
    expect(page.get_by_text("Ihre Änderungen sind gespeichert.")).to_be_visible()

    # The plenary's programme follows at once, without a reload.
    expect(participant.locator("#agenda")).to_contain_text("Ankommen und Begrüßung")


def test_the_organiser_sets_up_a_conference_like_an_earlier_one_by_keyboard(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    page = signed_in_at(browser, f"{server_url}/console")
    page.get_by_role("link", name="Neue Konferenz anlegen").press("Enter")
    expect(page.get_by_role("heading", name="Konferenz anlegen")).to_be_visible()
    check(page, "new conference")

    page.get_by_label("Wie").select_option(
        label="Regionalkonferenz Mayen-Koblenz (Dienstag, 22. März 2022)"
    )
    page.get_by_label("Titel").fill("Regionalkonferenz Bonn")
    page.get_by_label("Kurzname in Links").fill("Bonn 2023")
    page.get_by_label("Code zum Beitreten").fill("BONN2023")
    page.get_by_label("Datum").fill("2023-05-10")
    page.get_by_label("Beginn").fill("09:30")
    page.get_by_label("Ende").fill("13:30")
    page.get_by_label("Ort").fill("Bonn")
    page.get_by_role("button", name="Konferenz anlegen").press("Enter")
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.get_by_label("Kurzname in Links")).to_have_attribute("aria-invalid", "true")
    check(page, "new conference with a problem")

    page.get_by_label("Kurzname in Links").fill("regionalkonferenz-bonn-2023")
    page.get_by_role("button", name="Konferenz anlegen").press("Enter")
    expect(page.get_by_text("Die Konferenz ist angelegt.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regionalkonferenz Bonn")
    expect(page.locator("#room-narrative-der-smart-city")).to_be_visible()
