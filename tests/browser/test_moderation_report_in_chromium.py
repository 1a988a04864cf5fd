"""Who moderated, in the Ergebnisprotokoll, after a breakout run in real browsers: the
people who took up a room's link, named as they agreed on joining, instead of the names
the conference file planned; a planned moderator who never opened the link is not named."""

import re
from dataclasses import replace

import pypdfium2
import pytest
from lxml import html as lxml_html
from playwright.sync_api import Browser, Page, expect

from server.services import invites
from server.store.database import Database

from ..helpers import MYK, backends_of, make_organiser
from .helpers import (
    NARRATIVE,
    NARRATIVE_SLUG,
    breakout_ends,
    new_page,
    open_breakout,
    organiser_page,
    participant_page,
)

STRATEGY_SLUG = "strategieentwicklung"


@pytest.fixture
def settings(settings):
    return replace(settings, breakout_tick_seconds=0.1)


def _link(settings, base: str, room_slug: str, name: str) -> str:
    database = Database(settings.database_url)
    try:
        token = invites.create(
            backends_of(database), invites.signer(settings.secret_key), MYK, room_slug, name
        )
    finally:
        database.close()
    return f"{base}/c/{MYK}/moderate/{token}"


def _moderator(browser: Browser, link: str, name: str, consent: bool) -> Page:
    """Joins the conference (agreeing to be named, or not), takes up the room's link,
    and goes back to the plenary."""
    page = new_page(browser)
    base = link.split("/c/")[0]
    page.goto(f"{base}/c/{MYK}")
    page.get_by_label("Anzeigename").fill(name)
    if consent:
        page.get_by_label("Mein Name und meine Organisation dürfen").check()
    page.get_by_role("button", name="Teilnehmen").click()
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    page.goto(link)
    page.get_by_role("button", name=f"Als {name} moderieren").click()
    expect(page.locator("#moderation")).to_be_visible()
    page.goto(f"{base}/c/{MYK}")  # back to the plenary, where breakouts will send her
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    return page


def test_the_report_names_who_actually_moderated(browser: Browser, settings, server, server_url):
    make_organiser(settings)
    olga = organiser_page(browser, server_url)
    # The file plans Anna Beispiel for Narrative and Jonas Muster and Leyla Probst for
    # Strategieentwicklung. Mia Muster moderates Narrative instead; Otto (who did not agree
    # to be named) Strategieentwicklung; Leyla gets a link and never opens it.
    mia = _moderator(
        browser, _link(settings, server_url, NARRATIVE_SLUG, "Mia"), "Mia Muster", True
    )
    otto = _moderator(browser, _link(settings, server_url, STRATEGY_SLUG, "Otto"), "Otto", False)
    _link(settings, server_url, STRATEGY_SLUG, "Leyla Probst")
    anna = participant_page(browser, server_url, "Anna", NARRATIVE)

    open_breakout(olga, "30")
    for page, slug in ((mia, NARRATIVE_SLUG), (anna, NARRATIVE_SLUG), (otto, STRATEGY_SLUG)):
        expect(page).to_have_url(f"{server_url}/c/{MYK}/rooms/{slug}")
        expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    mia.get_by_label("Neues Ergebnis").fill("Geschichten statt Technik")
    mia.get_by_role("button", name="Ergebnis hinzufügen").click()
    expect(anna.locator("#results")).to_contain_text("Geschichten statt Technik")
    breakout_ends(settings)
    for page in (mia, anna, otto):
        expect(page).to_have_url(f"{server_url}/c/{MYK}")

    # The report-back in the plenary and the printed report name the same people.
    olga.goto(f"{server_url}/console/{MYK}")
    olga.get_by_role("link", name="Ergebnisse exportieren", exact=True).click()
    olga.get_by_label("Ergebnisprotokoll als PDF").check()
    with olga.expect_download() as started:
        olga.get_by_role("button", name="Exportieren").click()
    pdf = pypdfium2.PdfDocument(started.value.path())
    try:
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    named = sorted(" ".join(m.split()) for m in re.findall(r"Moderation: ([^·\n]+)", text))
    assert named[:2] == ["Mia Muster", "Paul Exempel"], named
    assert re.fullmatch(r"Teilnehmende \d+", named[2]), named
    for planned_or_unnamed in ("Anna Beispiel", "Jonas Muster", "Leyla Probst", "Otto"):
        assert planned_or_unnamed not in text

    # Attendance per room counts the moderators in the rooms they moderated.
    answer = olga.request.get(f"{server_url}/console/{MYK}/exports/download?format=html")
    report = lxml_html.fromstring(answer.text())
    rows = report.find(".//section[@class='attendance']").findall(".//tr")
    counts = {r.findtext("td") or r.findtext("th"): r.findall("td")[-1].text for r in rows[1:]}
    assert counts[NARRATIVE] == "2" and counts["Strategieentwicklung"] == "1", counts
    for page in (olga, mia, otto, anna):
        assert page.console_errors == []
