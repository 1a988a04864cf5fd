"""English is the second language: the day's main pages pass axe-core and fit a phone in
English too (accessible names must contain the visible English text, say)."""

from playwright.sync_api import Browser, Page, expect

from ..helpers import MYK, PASSWORD, make_organiser
from .accessibility import PHONE, assert_accessible, assert_fits

ROOM = "Narrative der Smart City"
PANEL = "Meine Vision einer Smart City wird Wirklichkeit, wenn…"


def _english(browser: Browser, base: str) -> Page:
    page = browser.new_context(locale="en-GB").new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    page.goto(base)
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Sprache wechseln").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


def _check(page: Page, where: str) -> None:
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    assert_accessible(page, where)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert_fits(page, where)
    page.set_viewport_size(size)


def test_the_days_pages_pass_axe_in_english(browser: Browser, settings, server_url: str):
    make_organiser(settings)
    olga = _english(browser, server_url)
    olga.goto(f"{server_url}/login?next=/console/{MYK}/live")
    olga.get_by_label("Username").fill("mia")
    olga.get_by_label("Password").fill(PASSWORD)
    olga.keyboard.press("Enter")
    _check(olga, "live overview")

    anna = _english(browser, server_url)
    anna.goto(f"{server_url}/c/{MYK}")
    anna.get_by_label("Display name").fill("Anna")
    anna.get_by_role("button", name="Join").click()
    _check(anna, "lobby before the start")

    olga.get_by_role("button", name=f"Start now: “{PANEL}”").click()
    expect(anna.locator("#agenda")).to_have_attribute("data-focus", "qa")
    anna.get_by_label("Your question").fill("Who pays for the sensors?")
    anna.get_by_role("button", name="Send question").click()
    expect(olga.locator("#qa .question-text")).to_have_text(["Who pays for the sensors?"])
    _check(anna, "lobby, panel")
    _check(olga, "live overview, panel")

    anna.get_by_role("link", name=f"Enter room – {ROOM}").click()
    anna.get_by_label("Your idea for “Was macht unsere Smart City aus?”").fill("Open data")
    _check(anna, "room")
    olga.goto(f"{server_url}/c/{MYK}/rooms/narrative-der-smart-city")
    _check(olga, "room as moderator")
    for page in (anna, olga):
        assert page.console_errors == [], page.url
