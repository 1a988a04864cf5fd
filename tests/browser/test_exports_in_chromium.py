"""An organiser exports results in a real browser; the printable report renders in Chromium."""

import io

import pypdfium2
from PIL import Image
from playwright.sync_api import Browser, expect

from ..helpers import MYK, PASSWORD, make_organiser


def _signed_in_context(browser: Browser, server_url: str, settings):
    make_organiser(settings)
    context = browser.new_context(locale="de-DE", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server_url}/login")
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Konsole")
    return context, page


def test_organiser_downloads_a_csv_and_sees_it_arrive(
    browser: Browser, settings, seeded, server_url
):
    context, page = _signed_in_context(browser, server_url, settings)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server_url}/console/{MYK}")
    page.get_by_role("link", name="Ergebnisse exportieren", exact=True).click()
    expect(page.get_by_role("heading", name="Ergebnisse exportieren")).to_be_visible()

    page.get_by_label("CSV-Tabelle der Ideen").check()
    page.get_by_label("Umfang").select_option(label="Nur der Raum „Narrative der Smart City“")
    with page.expect_download() as started:
        page.get_by_role("button", name="Exportieren").click()
    download = started.value
    assert download.suggested_filename == f"{MYK}-narrative-der-smart-city-ergebnisse.csv"
    status = page.get_by_role("status")
    expect(status).to_contain_text(f"Fertig: {MYK}-narrative-der-smart-city-ergebnisse.csv")
    expect(page.get_by_label("Fortschritt des Exports")).to_be_visible()
    with open(download.path(), encoding="utf-8-sig") as exported:
        text = exported.read()
    assert "Ämter, die zuhören – „Bürgernähe“ erzählen" in text and "GEHEIM" not in text
    assert errors == []
    context.close()


def test_the_report_renders_and_prints_on_a4_pages(browser: Browser, settings, seeded, server_url):
    context, page = _signed_in_context(browser, server_url, settings)
    answer = page.request.get(f"{server_url}/console/{MYK}/exports/download?format=html")
    assert answer.ok
    report = context.new_page()
    report.set_content(answer.text())
    expect(report.get_by_role("heading", level=1)).to_have_text("Regionalkonferenz Mayen-Koblenz")
    expect(
        report.get_by_role("heading", name="Breakout-Raum: Narrative der Smart City")
    ).to_be_visible()

    shot = Image.open(io.BytesIO(report.screenshot(full_page=True))).convert("L")
    assert shot.height > 2000  # the whole report, not one screen
    assert sum(shot.histogram()[:128]) > 20_000  # dark pixels: text was drawn

    report.emulate_media(media="print")
    printed = pypdfium2.PdfDocument(report.pdf(prefer_css_page_size=True))
    try:
        pages = [printed[i].get_textpage().get_text_range() for i in range(len(printed))]
        width, height = printed[0].get_size()
    finally:
        printed.close()
    assert (round(width), round(height)) == (595, 842)  # A4
    # Title page first; each room starts a page of its own.
    assert pages[0].lstrip().startswith("Ergebnisprotokoll")
    for title in (
        "Narrative der Smart City",
        "Strategieentwicklung",
        "Erfolgreiche Akteursnetzwerke",
    ):
        assert sum(page.lstrip().startswith(f"Breakout-Raum: {title}") for page in pages) == 1
    context.close()
