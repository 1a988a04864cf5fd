"""The pages of a participant's and a moderator's day, walked in Chromium: every one passes
axe-core and fits a 390 px phone (and a 1280 px window at 200 % zoom) once its live state
settled and again after a live update. The room is walked in every phase, full of what a
room holds: cards, a cluster, open comments, dots, a takeaway, a hidden card and a queue."""

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from server.store.database import Database
from server.store.tables import Room

from ..helpers import MYK, PASSWORD, make_organiser
from .accessibility import PHONE, assert_accessible, assert_fits
from .helpers import NARRATIVE, invite_link, join_and_enter, post_card, shot

DESKTOP = {"width": 1280, "height": 900}
ZOOMED = 640  # a 1280 px window at 200 % zoom


def _check(page: Page, where: str) -> None:
    """axe-core at 1280 px; no sideways scrolling at 1280 px zoomed to 200 % and at 390 px."""
    page.set_viewport_size(DESKTOP)
    assert_accessible(page, where)
    shot(page, f"{where}-1280")
    page.set_viewport_size({"width": ZOOMED, "height": 900})
    assert_fits(page, where, ZOOMED)
    page.set_viewport_size(PHONE)
    assert_fits(page, where)
    shot(page, f"{where}-390")
    page.set_viewport_size(DESKTOP)


def _new_page(browser: Browser) -> Page:
    return browser.new_context(locale="de-DE").new_page()


def _pre_moderated(settings) -> None:
    database = Database(settings.database_url)
    database.run_write(
        lambda s: s.execute(
            update(Room).where(Room.slug == "narrative-der-smart-city").values(pre_moderation=True)
        )
    )
    database.close()


def test_the_entrance_pages_pass_axe_and_fit_a_phone(browser: Browser, server_url: str):
    page = _new_page(browser)
    page.goto(server_url)
    _check(page, "start")
    page.get_by_label("Konferenz-Code").fill("GIBTSNICHT")
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_role("alert")).to_contain_text("Zu diesem Code gibt es keine Konferenz")
    _check(page, "start-error")

    page.goto(f"{server_url}/c/{MYK}")
    _check(page, "join")
    page.get_by_label("Anzeigename").fill("   ")
    page.get_by_role("button", name="Teilnehmen").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte geben Sie einen Anzeigenamen ein")
    # A refused form brings focus to what went wrong, so a keyboard starts from there.
    expect(page.locator("#form-errors")).to_be_focused()
    _check(page, "join-error")

    page.goto(f"{server_url}/c/{MYK}/rooms/gibt-es-nicht")
    expect(page.get_by_role("heading", level=1)).to_have_text("Das hat nicht geklappt")
    _check(page, "error")


def test_a_full_room_in_every_phase_passes_axe_and_fits_a_phone(
    browser: Browser, server, server_url: str, settings
):
    _pre_moderated(settings)
    mia = join_and_enter(browser, server_url, "Mia", NARRATIVE)
    mia.goto(invite_link(settings, server_url))
    _check(mia, "invite")
    mia.get_by_role("button", name="Als Mia moderieren").click()
    expect(mia.locator("#live")).to_have_attribute("data-live", "connected")
    anna = join_and_enter(browser, server_url, "Anna", NARRATIVE)
    ben = join_and_enter(browser, server_url, "Ben", NARRATIVE)

    ideas = ["Offene Daten", "Ein Datenportal für den Landkreis", "Werbung", "Geschichten"]
    for idea in ideas:
        post_card(anna, idea)
    expect(mia.locator("#queue .card")).to_have_count(4)
    expect(mia.locator("#queue-section")).to_be_visible()
    for idea in ideas[:3]:
        mia.locator("#queue .card", has_text=idea).get_by_role("button", name="Freigeben").click()
    expect(anna.locator(".card")).to_have_count(3)
    mia.locator(".card", has_text="Werbung").get_by_role("button", name="Ausblenden").click()
    expect(anna.locator(".card")).to_have_count(2)
    mia.get_by_label("Minuten", exact=True).fill("15")
    mia.get_by_role("button", name="Timer starten").click()
    expect(anna.locator("#timer")).to_have_attribute("data-state", "running")
    card = anna.locator(".card", has_text="Offene Daten")
    card.locator(".comments summary").click()
    card.get_by_label("Ihr Kommentar").fill("Mit Open-Data-Portal des Landes verknüpfen")
    card.get_by_role("button", name="Kommentieren").click()
    expect(card.locator(".comment-list li")).to_have_count(1)
    mia.locator(".card", has_text="Offene Daten").locator(".comments summary").click()
    _check(anna, "room-participant-collect")
    _check(mia, "room-moderator-collect")

    # Each phase: once settled, and again after a live update (Ben comments).
    for phase, label in (
        ("cluster", "Clustern"),
        ("vote", "Abstimmen"),
        ("discuss", "Diskutieren"),
        ("closed", "Geschlossen"),
    ):
        mia.locator("#moderation").get_by_role("button", name=label, exact=True).click()
        if phase == "closed":
            mia.get_by_role("dialog").get_by_role("button", name="Raum schließen").click()
        for page in (anna, mia):
            expect(page.locator("#room-state")).to_have_attribute("data-phase", phase)
        if phase == "cluster":
            mia.get_by_role("checkbox", name="Karte auswählen: Offene Daten").check()
            mia.get_by_role(
                "checkbox", name="Karte auswählen: Ein Datenportal für den Landkreis"
            ).check()
            mia.get_by_label("Name des neuen Clusters").fill("Daten")
            mia.get_by_role("button", name="Neues Cluster bilden").click()
            expect(anna.locator(".cluster .card")).to_have_count(2)
        if phase == "vote":
            anna.get_by_role("button", name="Einen Punkt geben: Offene Daten").click()
            expect(anna.locator("#my-votes")).to_contain_text("Sie haben noch 4 von 5 Punkten.")
        if phase == "discuss":
            mia.get_by_label("Neues Ergebnis").fill("Daten erzählen Geschichten")
            mia.get_by_role("button", name="Ergebnis hinzufügen").click()
            expect(anna.locator(".takeaway-text")).to_have_text(["Daten erzählen Geschichten"])
        _check(anna, f"room-participant-{phase}")
        _check(mia, f"room-moderator-{phase}")
        if phase == "closed":
            mia.locator(".takeaway-tools").get_by_text("Ändern").click()
            mia.get_by_label("Text des Ergebnisses").fill("Offene Daten erzählen Geschichten")
            mia.get_by_role("button", name="Speichern").click()
            update_seen = "Offene Daten erzählen Geschichten"
            expect(anna.locator(".takeaway-text")).to_have_text([update_seen])
            # Saved: the edit closes, and focus goes to the toggle that opened it.
            expect(mia.locator(".takeaway-edit > summary")).to_be_focused()
        else:
            ben_card = ben.locator(".card", has_text="Offene Daten")
            if not ben_card.locator("details.comments").evaluate("details => details.open"):
                ben_card.locator(".comments summary").click()
            ben_card.get_by_label("Ihr Kommentar").fill(f"Gut für die Phase {label}")
            ben_card.get_by_role("button", name="Kommentieren").click()
            expect(anna.locator(".card", has_text="Offene Daten")).to_contain_text(
                f"Gut für die Phase {label}"
            )
        _check(anna, f"room-participant-{phase}-updated")
        _check(mia, f"room-moderator-{phase}-updated")
    for page in (anna, mia, ben):
        assert page.console_errors == []


def test_the_exports_page_and_the_report_pass_axe_and_fit_a_phone(
    browser: Browser, settings, seeded, server_url: str
):
    make_organiser(settings)
    page = _new_page(browser)
    page.goto(f"{server_url}/login")
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Konsole")
    page.goto(f"{server_url}/console/{MYK}/exports")
    _check(page, "exports")

    answer = page.request.get(f"{server_url}/console/{MYK}/exports/download?format=html")
    assert answer.ok
    report = page.context.new_page()
    report.set_content(answer.text())
    expect(report.get_by_role("heading", level=1)).to_have_text("Regionalkonferenz Mayen-Koblenz")
    _check(report, "report")


def test_the_dashboard_names_each_rooms_extra_minutes_by_what_it_shows(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    page = _new_page(browser)
    page.goto(f"{server_url}/console/{MYK}/live")
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    page.get_by_role("button", name="„Breakout Sessions“ jetzt starten").click()
    expect(page.locator("#agenda-now .now-title")).to_contain_text("Breakout Sessions")
    page.get_by_role("button", name="Breakouts eröffnen").click()
    expect(page.locator("#breakout").get_by_text("+5 Min.").first).to_be_visible()
    assert_accessible(page, "dashboard during breakouts")
    extend = page.get_by_role("button", name="+5 Min. für den Raum „Strategieentwicklung“")
    expect(extend).to_have_text("+5 Min.")
