"""An organiser's announcement reaches the plenary and a room in real browsers, into the
live region the page already has: screen readers announce changes of a live region that
stays, not of one put in its place."""

from playwright.sync_api import Browser, Page, expect

from ..helpers import MYK, make_organiser
from .accessibility import assert_accessible, axe_violations
from .helpers import NARRATIVE, new_page, organiser_page

NARRATIVE_SLUG = "narrative-der-smart-city"


def _joined(browser: Browser, base: str, name: str, path: str = "") -> Page:
    page = new_page(browser)
    page.goto(f"{base}/c/{MYK}")
    page.get_by_label("Anzeigename").fill(name)
    page.get_by_role("button", name="Teilnehmen").click()
    if path:
        page.goto(f"{base}/c/{MYK}{path}")
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    return page


def _mark_live_region(page: Page) -> None:
    page.evaluate("document.getElementById('banners').dataset.original = 'yes'")


def _announce(olga: Page, text: str, target: str) -> None:
    olga.get_by_label("Text der Durchsage").fill(text)
    olga.get_by_label("An wen?").select_option(label=target)
    olga.get_by_role("button", name="Durchsage senden").click()


def test_announcements_arrive_in_the_live_region_the_page_already_has(
    browser: Browser, settings, server, server_url: str
):
    make_organiser(settings)
    olga = organiser_page(browser, server_url)
    anna = _joined(browser, server_url, "Anna")
    ben = _joined(browser, server_url, "Ben", f"/rooms/{NARRATIVE_SLUG}")
    for page in (anna, ben):
        expect(page.locator("#banners")).to_have_attribute("aria-live", "assertive")
        _mark_live_region(page)

    _announce(olga, "Kaffee steht bereit", "Alle (Plenum und alle Räume)")
    for page in (anna, ben):
        expect(page.locator("#banners .banner-text")).to_have_text(["Kaffee steht bereit"])
    _announce(olga, "Noch 10 Minuten", "Alle Breakout-Räume")
    expect(ben.locator("#banners .banner-text")).to_have_text(
        ["Noch 10 Minuten", "Kaffee steht bereit"]
    )
    olga.get_by_role("button", name="Durchsage beenden: Kaffee steht bereit").click()
    expect(anna.locator("#banners .banner")).to_have_count(0)
    expect(ben.locator("#banners .banner-text")).to_have_text(["Noch 10 Minuten"])

    # The same element all along, still a live region, in the plenary and in the room.
    for page in (anna, ben):
        region = page.locator("#banners")
        expect(region).to_have_attribute("data-original", "yes")
        expect(region).to_have_attribute("aria-live", "assertive")
    assert_accessible(ben, f"{NARRATIVE} after announcements")
    in_banners = [v for v in axe_violations(anna) if any("#banners" in t for t in v[2])]
    assert in_banners == [], in_banners
    for page in (olga, anna, ben):
        assert page.console_errors == []
