"""The plenary through a day, in real browsers: a participant on a phone, a room's
moderator and the organiser in the lobby, the organiser's live overview, and the hall's
projector. At each agenda phase what goes with the running item is on the first screen
(the programme strip before start and during the welcome, the Q&A during the panel, the
breakout, the report), the wishes go once breakouts open, and every page passes
axe-core and fits a 390 px phone, after the live state settled and after each update."""

from dataclasses import replace

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from server.services import invites
from server.store.database import Database

from ..helpers import MYK, PASSWORD, at_noon_in_berlin, backends_of, make_organiser
from .accessibility import PHONE, check
from .helpers import shot

DESKTOP = {"width": 1280, "height": 800}
HALL = ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720})
PANEL = "Meine Vision einer Smart City wird Wirklichkeit, wenn…"


@pytest.fixture
def settings(settings):
    return replace(settings, breakout_tick_seconds=0.1)


def _page(browser: Browser, viewport: dict) -> Page:
    page = browser.new_context(locale="de-DE", viewport=viewport).new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    return page


def _connected(page: Page) -> None:
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")


def _joined(browser: Browser, base: str, name: str, viewport: dict) -> Page:
    page = _page(browser, viewport)
    page.goto(f"{base}/c/{MYK}")
    page.get_by_label("Anzeigename").fill(name)
    page.get_by_role("button", name="Teilnehmen").click()
    _connected(page)
    return page


def _signed_in(browser: Browser, base: str, path: str) -> Page:
    page = _page(browser, DESKTOP)
    page.goto(f"{base}/login?next={path}")
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    _connected(page)
    return page


def _moderator(browser: Browser, base: str, settings) -> Page:
    database = Database(settings.database_url)
    try:
        signing = invites.signer(settings.secret_key)
        token = invites.create(backends_of(database), signing, MYK, "strategieentwicklung", "Jonas")
    finally:
        database.close()
    page = _page(browser, DESKTOP)
    page.goto(f"{base}/c/{MYK}/moderate/{token}")
    page.get_by_label("Anzeigename").fill("Jonas")
    page.get_by_role("button", name="Moderation übernehmen").click()
    _connected(page)
    page.goto(f"{base}/c/{MYK}")
    _connected(page)
    return page


def on_first_screen(page: Page, element: Locator) -> None:
    """The element is there without scrolling: its top inside the window, and the
    page not scrolled."""
    expect(element).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    box = element.bounding_box()
    height = page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + min(box["height"], 48) <= height, (box, height)


def projector_shows(screen: Page, element: Locator, name: str) -> None:
    for size in HALL:
        screen.set_viewport_size(size)
        on_first_screen(screen, element)
        shot(screen, f"plenary-projector-{name}-{size['width']}")


def test_the_plenary_follows_what_happens_now(browser: Browser, settings, server_url: str):
    make_organiser(settings)
    olga = _signed_in(browser, server_url, f"/console/{MYK}/live")
    anna = _joined(browser, server_url, "Anna", PHONE)
    jonas = _moderator(browser, server_url, settings)
    olgas_lobby = _page(browser, DESKTOP)
    olgas_lobby.context.add_cookies(olga.context.cookies())
    olgas_lobby.goto(f"{server_url}/c/{MYK}")
    _connected(olgas_lobby)
    screen = _page(browser, HALL[1])  # the hall's computer: no cookie of anyone's
    screen.goto(
        server_url + olga.get_by_role("link", name="Projektionsansicht").get_attribute("href")
    )
    _connected(screen)
    pages = {
        "participant's lobby": anna,
        "moderator's lobby": jonas,
        "organiser's lobby": olgas_lobby,
        "live overview": olga,
        "projector": screen,
    }

    def check_all(phase: str) -> None:
        for where, page in pages.items():
            check(page, f"{where}, {phase}")

    # Before the start: the programme strip says what comes, the wishes are asked for.
    on_first_screen(anna, anna.locator("#agenda-now"))
    expect(anna.locator("#agenda-now")).to_contain_text("Das Programm hat noch nicht begonnen.")
    expect(anna.get_by_role("heading", name="Ihre Wunschräume")).to_be_visible()
    projector_shows(screen, screen.locator("#agenda-now"), "before")
    shot(anna, "plenary-phone-before")
    check_all("before the start")

    with at_noon_in_berlin():  # the welcome starts late, and the organiser reads it
        olga.get_by_role("button", name="„Begrüßung“ jetzt starten").click()
        for page in (anna, screen):
            expect(page.locator("#agenda-now .now-title")).to_contain_text("Begrüßung")
    on_first_screen(anna, anna.locator("#agenda-now"))
    projector_shows(screen, screen.locator("#agenda-now .now-title"), "welcome")
    expect(anna.locator(".late")).to_have_count(0)  # how late it runs is the organisers' matter
    expect(olga.locator("#agenda-now .late")).to_be_visible()
    check_all("welcome")

    # The panel: the questions and the ask form come first.
    olga.get_by_role("button", name=f"„{PANEL}“ jetzt starten").click()
    expect(anna.locator("#plenary-parts > :first-child")).to_have_attribute("data-part", "qa")
    on_first_screen(anna, anna.get_by_role("heading", name="Fragen an das Podium"))
    on_first_screen(anna, anna.get_by_label("Ihre Frage"))
    anna.get_by_label("Ihre Frage").fill("Wer bezahlt die Sensoren?")
    anna.get_by_role("button", name="Frage senden").click()
    expect(screen.locator("#qa .question-text")).to_have_text(["Wer bezahlt die Sensoren?"])
    projector_shows(screen, screen.locator("#qa .question-text").first, "panel")
    shot(anna, "plenary-phone-panel")
    check_all("panel")

    # Breakouts, rooms chosen freely: the breakout comes first, the wishes go at once.
    olga.get_by_role("button", name="„Breakout Sessions“ jetzt starten").click()
    expect(anna.locator("#plenary-parts > :first-child")).to_have_attribute("data-part", "breakout")
    olga.get_by_label("Verteilung").select_option(label="Freie Raumwahl (mit Platzgrenze)")
    olga.get_by_role("button", name="Breakouts eröffnen").click()
    expect(anna.locator("#my-plenary")).to_contain_text("Wählen Sie selbst einen Raum")
    expect(anna.get_by_role("heading", name="Ihre Wunschräume")).to_have_count(0)
    on_first_screen(anna, anna.locator("#my-plenary .your-room"))
    on_first_screen(anna, anna.get_by_role("heading", name="Breakout-Räume"))
    projector_shows(screen, screen.locator("#breakout .timer-clock"), "breakout")
    shot(anna, "plenary-phone-breakout")
    shot(olga, "plenary-dashboard-breakout")
    check_all("breakouts")

    olga.get_by_role("button", name="Breakouts beenden – alle zurück ins Plenum").click()
    expect(anna.locator("#breakout")).to_contain_text("Willkommen zurück im Plenum")

    # Report-back: the report comes first.
    olga.get_by_role("button", name="„Ergebnisse aus den Breakout Sessions“ jetzt starten").click()
    olga.get_by_role("button", name="Berichte starten").click()
    for page in (anna, screen):
        expect(page.locator("#report h2")).to_have_text(
            "Bericht aus dem Raum „Narrative der Smart City“"
        )
    on_first_screen(anna, anna.locator("#report h2"))
    projector_shows(screen, screen.locator("#report h2"), "report")
    shot(anna, "plenary-phone-report")
    shot(olga, "plenary-dashboard-report")
    check_all("report-back")
    for where, page in pages.items():
        assert page.console_errors == [], where


def _questions(page: Page) -> list[str]:
    return page.locator("#qa ol.questions > li.question .question-text").all_text_contents()


def test_each_sees_the_questions_they_support_and_chooses_the_order(
    browser: Browser, settings, server_url: str
):
    anna = _joined(browser, server_url, "Anna", PHONE)
    ben = _joined(browser, server_url, "Ben", DESKTOP)
    for text in ("Wer bezahlt die Sensoren?", "Wie beteiligen wir Ältere?"):
        anna.get_by_label("Ihre Frage").fill(text)
        anna.get_by_role("button", name="Frage senden").click()
        expect(ben.locator("#qa .question-text", has_text=text)).to_be_visible()
    older = ben.locator(".question", has_text="Wer bezahlt die Sensoren?")
    support = older.get_by_role("button", name="Unterstützen: Wer bezahlt die Sensoren?")
    expect(support).to_have_attribute("aria-pressed", "false")
    expect(older.get_by_text("Von Ihnen unterstützt")).to_be_hidden()

    support.click()
    expect(support).to_have_attribute("aria-pressed", "true")
    expect(older.get_by_text("Von Ihnen unterstützt")).to_be_visible()
    expect(older.locator(".question-votes")).to_have_text("1 Stimme")
    mine = anna.locator(".question", has_text="Wer bezahlt die Sensoren?")
    expect(mine.locator(".question-votes")).to_have_text("1 Stimme")
    expect(
        mine.get_by_role("button", name="Unterstützen: Wer bezahlt die Sensoren?")
    ).to_have_attribute("aria-pressed", "false")  # Anna does not support it herself
    expect(mine.get_by_text("(Ihre Frage)")).to_be_visible()
    check(ben, "Q&A with own support")

    # After a reconnect (a reload) the support is still shown as Ben's.
    ben.reload()
    _connected(ben)
    expect(support).to_have_attribute("aria-pressed", "true")
    assert _questions(ben) == ["Wer bezahlt die Sensoren?", "Wie beteiligen wir Ältere?"]

    # Each chooses the order; live updates keep it.
    ben.get_by_label("Reihenfolge").select_option(label="Neueste zuerst")
    assert _questions(ben) == ["Wie beteiligen wir Ältere?", "Wer bezahlt die Sensoren?"]
    anna.get_by_label("Ihre Frage").fill("Was kostet das?")
    anna.get_by_role("button", name="Frage senden").click()
    expect(ben.locator("#qa ol.questions > li.question").first).to_contain_text("Was kostet das?")
    assert _questions(anna)[0] == "Wer bezahlt die Sensoren?"  # Anna keeps the most supported first

    # The same button takes the support back.
    support.click()
    expect(support).to_have_attribute("aria-pressed", "false")
    expect(older.locator(".question-votes")).to_have_text("0 Stimmen")
    shot(ben, "plenary-questions")
    check(ben, "Q&A after a live update")
    for page in (anna, ben):
        assert page.console_errors == []


def test_screen_readers_hear_what_now_runs_the_pinned_question_and_their_room(
    browser: Browser, settings, server_url: str
):
    """The programme and the Q&A are swapped whole, so a live region inside them would be
    new each time and not be read: the page says what changed through its announcer,
    once."""
    make_organiser(settings)
    olga = _signed_in(browser, server_url, f"/console/{MYK}/live")
    anna = _joined(browser, server_url, "Anna", PHONE)
    announcer = anna.locator("#announcer")
    expect(announcer).to_have_text("")  # what the page came with is not said again

    olga.get_by_role("button", name="„Begrüßung“ jetzt starten").click()
    expect(announcer).to_have_text("Jetzt: Begrüßung")
    olga.get_by_role("button", name=f"„{PANEL}“ jetzt starten").click()
    expect(announcer).to_contain_text(f"Jetzt: {PANEL}")

    anna.get_by_label("Ihre Frage").fill("Wer bezahlt die Sensoren?")
    anna.get_by_role("button", name="Frage senden").click()
    expect(announcer).to_contain_text(f"Jetzt: {PANEL}")  # asking says nothing new
    olga.get_by_role("button", name="Anheften: Wer bezahlt die Sensoren?").click()
    expect(announcer).to_have_text("Angeheftete Frage: Wer bezahlt die Sensoren?")

    olga.get_by_role("button", name="„Breakout Sessions“ jetzt starten").click()
    expect(announcer).to_contain_text("Jetzt: Breakout Sessions")
    olga.get_by_label("Verteilung").select_option(label="Freie Raumwahl (mit Platzgrenze)")
    olga.get_by_role("button", name="Breakouts eröffnen").click()
    expect(announcer).to_have_text(
        "Wählen Sie selbst einen Raum mit freien Plätzen. Ihre Wahl gilt bis zum Ende der "
        "Breakout-Sessions."
    )
    assert anna.console_errors == []


def test_a_click_on_a_room_is_not_lost_to_a_count_that_changes_under_it(
    browser: Browser, server_url: str
):
    """At breakout time the room tiles change every second as people move. Ben presses on
    "Raum betreten" while Anna enters that room; he lets go after the new count arrived,
    and the click still takes him in (a replaced link would have swallowed it)."""
    ben = _joined(browser, server_url, "Ben", DESKTOP)
    tile = ben.locator("article.room-tile", has_text="Narrative der Smart City")
    expect(tile.locator(".room-count")).to_have_text("0 Personen im Raum")
    tile.get_by_role("link", name="Raum betreten").hover()
    ben.mouse.down()

    anna = _joined(browser, server_url, "Anna", DESKTOP)
    anna.locator("article.room-tile", has_text="Narrative der Smart City").get_by_role(
        "link", name="Raum betreten"
    ).click()
    _connected(anna)
    expect(tile.locator(".room-count")).to_have_text("1 Person im Raum")

    ben.mouse.up()
    expect(ben.get_by_role("heading", level=1)).to_have_text("Narrative der Smart City")
