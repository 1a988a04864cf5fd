"""An organiser edits a breakout room in a real browser, by keyboard: the rooms page and
the room's form pass axe-core and fit a phone, a problem is marked at its field, and a
new prompt is added, typed and saved."""

from playwright.sync_api import Browser, expect

from ..helpers import MYK, STRATEGY, make_organiser
from .accessibility import check
from .helpers import signed_in_at


def test_the_organiser_changes_a_room_by_keyboard(browser: Browser, settings, server_url: str):
    make_organiser(settings)
    page = signed_in_at(browser, f"{server_url}/console/{MYK}/edit/rooms")
    expect(page.get_by_role("heading", name="Räume bearbeiten")).to_be_visible()
    check(page, "rooms page")

    page.get_by_role("link", name="Bearbeiten – Strategieentwicklung").press("Enter")
    expect(
        page.get_by_role("heading", name="Raum „Strategieentwicklung“ bearbeiten")
    ).to_be_visible()
    check(page, "room editor")

    page.get_by_label("Plätze").fill("0")
    page.get_by_label("Ideen warten auf Freigabe").press("Space")
    page.get_by_role("button", name="Leitfrage hinzufügen").press("Enter")
    key = page.locator("#field-prompts-4-key")
    expect(key).to_be_focused()  # the new prompt's first field
    expect(page.get_by_label("Plätze")).to_have_value("0")  # kept across the button
    page.keyboard.type("ressourcen")
    page.keyboard.press("Tab")
    page.keyboard.type("Was brauchen wir dafür?")
    page.keyboard.press("Enter")  # Enter in a field saves: the form's first button
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Plätze muss eine positive ganze Zahl sein")
    expect(page.get_by_label("Plätze")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Ideen warten auf Freigabe")).to_be_checked()
    check(page, "room editor with a problem")

    page.get_by_label("Plätze").fill("40")
    page.get_by_role("button", name="Speichern").first.press("Enter")
    expect(page.get_by_text("Ihre Änderungen sind gespeichert.")).to_be_visible()
    expect(page.locator(f"#room-{STRATEGY}")).to_contain_text("5 Leitfragen")
    expect(page.locator(f"#room-{STRATEGY}")).to_contain_text("40")
