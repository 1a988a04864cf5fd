"""An organiser edits a breakout room in a real browser, by keyboard: the rooms page and
the room's form pass axe-core and fit a phone, a problem is marked at its field, and a
new prompt is added, typed and saved. Someone in the room sees the new column at once, can
choose it in the column filter, and keeps what they were typing."""

from playwright.sync_api import Browser, expect

from ..helpers import MYK, STRATEGY, make_organiser
from .accessibility import check
from .helpers import join_and_enter, signed_in_at


def test_the_organiser_changes_a_room_by_keyboard(browser: Browser, settings, server_url: str):
    make_organiser(settings)
    anna = join_and_enter(browser, server_url, "Anna", "Strategieentwicklung")
    half_typed = anna.locator("#columns textarea").first
    half_typed.fill("Ein Leitbild, das")
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

    expect(anna.get_by_role("heading", name="Was brauchen wir dafür?")).to_be_visible()
    expect(anna.get_by_label("Ihre Idee zu „Was brauchen wir dafür?“")).to_be_visible()
    anna.get_by_label("Spalte").select_option(label="Was brauchen wir dafür?")
    expect(anna.locator("section.column:visible")).to_have_count(1)
    expect(half_typed).to_have_value("Ein Leitbild, das")
