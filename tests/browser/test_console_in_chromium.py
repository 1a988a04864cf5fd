"""An organiser in a real browser: sign in, open the console, make a moderator's link."""

import re

from playwright.sync_api import Browser, expect

from ..conftest import MYK
from ..test_organisers import PASSWORD, make_organiser


def test_organiser_signs_in_and_makes_a_link_that_a_moderator_opens(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    page = browser.new_context(locale="de-DE").new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{server_url}/console")
    expect(page.get_by_text("Bitte melden Sie sich an, um die Konsole zu öffnen.")).to_be_visible()
    expect(page.get_by_label("Benutzername")).to_be_focused()
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Konsole")
    page.get_by_role("link", name="Konferenz „Regionalkonferenz Mayen-Koblenz").click()
    expect(page).to_have_url(f"{server_url}/console/{MYK}")
    room = page.locator("#room-narrative-der-smart-city")
    room.get_by_label("Name der Moderation").fill("Mia Moderatorin")
    room.get_by_role("button", name="Link erstellen").click()

    link = page.locator("#new-link-url")
    expect(link).to_be_focused()
    expect(link).to_have_value(re.compile(rf"^{re.escape(server_url)}/c/{MYK}/moderate/\S+$"))
    url = link.input_value()
    expect(room.get_by_text("Nr. 1 · Mia Moderatorin · gültig")).to_be_visible()

    moderator = browser.new_context(locale="de-DE").new_page()
    moderator.goto(url)
    expect(moderator.get_by_label("Anzeigename")).to_have_value("Mia Moderatorin")
    moderator.get_by_role("button", name="Moderation übernehmen").click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Narrative der Smart City")
    expect(moderator.get_by_text("Sie moderieren diesen Raum.")).to_be_visible()
    expect(moderator.locator("#live")).to_have_attribute("data-live", "connected")

    # Revoked: the open room page comes again as a participant's, by itself.
    page.get_by_role(
        "button", name="Moderationslink Nr. 1 für Mia Moderatorin zurückziehen"
    ).click()
    expect(room.get_by_text("Nr. 1 · Mia Moderatorin · zurückgezogen")).to_be_visible()
    expect(moderator.locator("#moderation")).to_have_count(0)
    expect(moderator.locator("#live")).not_to_have_class(re.compile("as-moderator"))
    expect(moderator.locator("#live")).to_have_attribute("data-live", "connected")

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    assert errors == []
