"""Issue 17's registration proof in a real browser: people register with ranked
workshops and an invitation code, get a seat or a waitlist place, one cancels and the
first in line moves up; on the conference's second day the personal link takes that
person into their workshop's room once the organiser starts the workshops."""

from dataclasses import replace

import pytest
from playwright.sync_api import Browser, Page, expect

from ..helpers import make_organiser
from ..servers import ServerThread
from ..test_registration import SLUG, werkstatt
from .accessibility import check
from .helpers import new_page, signed_in_at


@pytest.fixture
def server_url(settings, tmp_path):
    path = tmp_path / f"{SLUG}.yaml"
    path.write_text(werkstatt(), encoding="utf-8")  # its second day is today
    running = ServerThread(replace(settings, sessions_config=(path,)))
    running.start()
    yield f"http://127.0.0.1:{running.port}"
    running.stop()


def register(
    browser: Browser, base: str, name: str, code: str, wishes: list[str], checked=False
) -> Page:
    """From the conference's link to the registration's confirmation, as a person does;
    `checked`: the form's accessibility is checked on the way."""
    page = new_page(browser)
    page.goto(f"{base}/c/{SLUG}")
    page.get_by_role("link", name="Zur Anmeldung").click()
    if checked:
        check(page, "the registration form")
    page.get_by_label("Einladungscode").fill(code)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Funktion (optional)").fill("Smart-City-Koordination")
    for number, wish in enumerate(wishes, start=1):
        choice = page.get_by_label(f"{number}. Wahl")
        choice.select_option(choice.locator("option", has_text=wish).get_attribute("value"))
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Ihre Anmeldung ist gespeichert.")).to_be_visible()
    return page


def test_a_registration_waits_moves_up_and_the_personal_link_opens_the_workshop_on_day_two(
    browser: Browser, settings, server_url: str
):
    wishes = ["Daten teilen", "Klima handeln"]
    anna = register(browser, server_url, "Anna", "KIEL2022", wishes, checked=True)
    expect(anna.get_by_text("Platz: Daten teilen")).to_be_visible()
    check(anna, "the personal registration page")
    ben = register(browser, server_url, "Ben", "ULM2022", ["Daten teilen", "Klima handeln"])
    expect(ben.get_by_text("Platz: Klima handeln")).to_be_visible()
    cem = register(browser, server_url, "Cem", "ulm2022", ["Daten teilen", "Klima handeln"])
    expect(cem.get_by_text("Daten teilen: Platz 1 auf der Warteliste")).to_be_visible()
    expect(cem.get_by_text("Klima handeln: Platz 1 auf der Warteliste")).to_be_visible()
    link = cem.get_by_label("Ihr persönlicher Link").input_value()

    anna.get_by_label("Ja, ich möchte meine Anmeldung absagen.").check()
    anna.get_by_role("button", name="Anmeldung absagen").click()
    expect(anna.get_by_text("Diese Anmeldung ist abgesagt.")).to_be_visible()

    # Day two: Cem opens the link he kept, in a browser of its own.
    cem.context.close()
    cem = new_page(browser)
    cem.goto(link)
    expect(cem.get_by_text("Platz: Daten teilen")).to_be_visible()
    expect(cem.get_by_text("Warteliste")).to_have_count(0)

    make_organiser(settings)
    organiser = signed_in_at(browser, f"{server_url}/console/{SLUG}/live")
    expect(organiser.locator("#live")).to_have_attribute("data-live", "connected")
    organiser.get_by_role("button", name="„Daten teilen“ jetzt starten").click()
    expect(organiser.locator("#agenda-" + agenda_id(organiser, "Daten teilen"))).to_have_attribute(
        "aria-current", "step"
    )

    cem.get_by_role("button", name="Zur Veranstaltung").click()
    expect(cem).to_have_url(f"{server_url}/c/{SLUG}/rooms/daten")
    expect(cem.locator("#live")).to_have_attribute("data-live", "connected")
    expect(cem.get_by_role("heading", name="Daten", exact=True)).to_be_visible()
    assert not cem.console_errors


def agenda_id(page: Page, title: str) -> str:
    item = page.locator(".agenda-item", has_text=title).first
    return item.get_attribute("id").removeprefix("agenda-")


def test_the_organiser_sees_the_numbers_and_closes_registration(
    browser: Browser, settings, server_url: str
):
    register(browser, server_url, "Anna", "KIEL2022", ["Klima handeln"])
    make_organiser(settings)
    desk = signed_in_at(browser, f"{server_url}/console/{SLUG}")
    desk.get_by_role("link", name="Anmeldungen").click()
    expect(desk.get_by_role("heading", name="Anmeldungen", exact=True)).to_be_visible()
    expect(desk.get_by_role("row", name="Landeshauptstadt Kiel 1")).to_be_visible()
    check(desk, "the registration desk")
    desk.get_by_role("button", name="Anmeldung schließen").click()
    expect(desk.get_by_text("Die Anmeldung ist geschlossen.")).to_be_visible()

    late = new_page(browser)
    late.goto(f"{server_url}/c/{SLUG}/register")
    expect(late.get_by_text("Die Anmeldung ist geschlossen.")).to_be_visible()
