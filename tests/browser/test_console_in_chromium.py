"""An organiser in a real browser: sign in, open the console, make a moderator's link and
copy it, open a room's projector link, print the join poster; every console page passes
axe-core and fits a phone."""

import io
import re

import pypdfium2
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, expect

from ..helpers import MYK, PASSWORD, make_organiser
from .accessibility import check


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

    page.get_by_role("button", name="Abmelden", exact=True).click()
    expect(page.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    assert errors == []


def test_the_console_pages_copy_links_lead_to_the_live_overview_and_pass_axe(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{server_url}/console")
    check(page, "login")
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Konsole")
    check(page, "console")
    page.get_by_role("link", name="Konferenz „Regionalkonferenz Mayen-Koblenz").click()
    check(page, "a conference in the console")

    room = page.locator("#room-narrative-der-smart-city")
    room.get_by_label("Name der Moderation").fill("Mia Moderatorin")
    room.get_by_role("button", name="Link erstellen").click()
    link = page.locator("#new-link-url")
    url = link.input_value()
    assert re.fullmatch(rf"{re.escape(server_url)}/c/{MYK}/moderate/\S+", url)
    # Shown whole: the field is as tall as the link needs, nothing cut off.
    assert link.evaluate("f => f.scrollHeight <= f.clientHeight + 1")
    page.get_by_role("button", name="Link kopieren").click()
    expect(page.locator("#new-link-copied")).to_have_text("Der Link ist in der Zwischenablage.")
    assert page.evaluate("navigator.clipboard.readText()") == url
    check(page, "a conference with a new link")

    # The room's projector link opens on a screen that never joined, and follows the room.
    screen = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 720}).new_page()
    name = "Projektionsansicht des Raums „Narrative der Smart City“"
    screen.goto(server_url + page.get_by_role("link", name=name).get_attribute("href"))
    expect(screen.locator("#live")).to_have_attribute("data-live", "connected")
    check(screen, "a room's projector")
    moderator = browser.new_context(locale="de-DE").new_page()
    moderator.goto(url)
    moderator.get_by_role("button", name="Moderation übernehmen").click()
    expect(moderator.locator("#live")).to_have_attribute("data-live", "connected")
    field = moderator.locator(".post-form textarea").first
    field.fill("Geschichten aus dem Alltag")
    field.press("Control+Enter")
    expect(screen.locator(".card-text")).to_have_text(["Geschichten aus dem Alltag"])
    moderator.get_by_role("button", name="Abstimmen").click()
    expect(screen.locator("#room-state")).to_have_attribute("data-phase", "vote")
    expect(screen.locator("#my-votes")).to_be_hidden()  # a screen has no dots of its own
    check(screen, "a room's projector after a live update")

    page.get_by_role("link", name="Live-Übersicht").click()
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    assert errors == []


def test_organiser_opens_the_join_poster_and_prints_it_on_one_a4_page(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server_url}/console/{MYK}")
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")

    page.get_by_role("link", name="Aushang zum Beitreten").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server_url}/console/{MYK}/poster")
    join_url = f"{server_url}/c/{MYK}"
    expect(page.get_by_role("heading", level=1)).to_have_text("Regionalkonferenz Mayen-Koblenz")
    qr = page.get_by_role("img", name=f"QR-Code mit dem Link {join_url}")
    expect(qr).to_be_visible()
    # Loaded, not only laid out: the picture comes in a request of its own.
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=qr.element_handle()
    )
    shot = Image.open(io.BytesIO(qr.screenshot()))
    assert [found.text for found in zxingcpp.read_barcodes(shot)] == [join_url]
    check(page, "the join poster")

    page.emulate_media(media="print")
    for chrome in (".site-header", ".console-nav", ".site-footer"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.get_by_role("link", name="PDF herunterladen")).to_be_hidden()
    expect(qr).to_be_visible()
    printed = pypdfium2.PdfDocument(page.pdf(prefer_css_page_size=True))
    try:
        assert len(printed) == 1
        width, height = printed[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 portrait
        text = printed[0].get_textpage().get_text_range()
        assert "MYK2022" in text and join_url in text and "Konsole" not in text
        picture = printed[0].render(scale=2).to_pil()
        assert [found.text for found in zxingcpp.read_barcodes(picture)] == [join_url]
    finally:
        printed.close()

    page.emulate_media(media="screen")
    with page.expect_download() as started:
        page.get_by_role("link", name="PDF herunterladen").click()
    assert started.value.suggested_filename == f"{MYK}-aushang.pdf"
    page.get_by_role("link", name="Zurück zur Übersicht der Konferenz").click()
    expect(page).to_have_url(f"{server_url}/console/{MYK}")
    assert errors == []
    context.close()
