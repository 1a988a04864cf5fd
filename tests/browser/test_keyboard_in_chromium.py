"""A room with the keyboard alone, in Chromium: a participant posts, comments and votes, a
moderator clusters, locks, changes the phase and closes the room. After every step focus
is on a sensible control, never on the page itself, also when a live update re-rendered
what someone was on; screen readers hear a phase change once."""

from playwright.sync_api import Browser, Locator, Page, expect

from ..helpers import MYK, PASSWORD, make_organiser
from .helpers import NARRATIVE, join_and_enter, moderator_in_room, post_card, shot

FIRST_COLUMN = "Was macht unsere Smart City aus?"
SECOND_COLUMN = "Wer erzählt die Geschichte – und wem?"

# What a screen reader would be told: every text a region was given, in order (a region
# speaks whenever its text is set, also to the same words).
LISTEN = """selector => {
    const region = document.querySelector(selector);
    window.heard = window.heard || {};
    const heard = window.heard[selector] = [];
    new MutationObserver(() => heard.push(region.textContent.trim()))
        .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def _listen(page: Page, *selectors: str) -> None:
    for selector in selectors:
        page.evaluate(LISTEN, selector)


def _heard(page: Page, selector: str) -> list[str]:
    return page.evaluate("selector => window.heard[selector]", selector)


def _tab_to(page: Page, target: Locator, backwards: bool = False, limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until `target` has focus, as a keyboard user does."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {target}")


def _card(page: Page, text: str) -> Locator:
    return page.locator("li.card", has_text=text)


def test_a_room_with_the_keyboard_alone_keeps_focus_where_people_are(
    browser: Browser, server, server_url: str, settings
):
    mia = moderator_in_room(browser, server_url, settings)
    anna = join_and_enter(browser, server_url, "Anna", NARRATIVE)
    _listen(anna, "#announcer", "#connection-status")
    _listen(mia, "#connection-status", ".selection-count")
    # Nothing waits for approval in a room without pre-moderation: no queue to show.
    expect(mia.locator("#queue-section")).to_be_hidden()

    # Anna posts: type, Tab to the button, Enter; then the next one with Ctrl+Enter.
    field = anna.get_by_label(f"Ihre Idee zu „{FIRST_COLUMN}“")
    _tab_to(anna, field)
    anna.keyboard.type("Offene Daten")
    anna.keyboard.press("Tab")
    post = anna.locator("section.column").first.get_by_role("button", name="Idee posten")
    expect(post).to_be_focused()
    anna.keyboard.press("Enter")
    expect(_card(anna, "Offene Daten")).to_have_count(1)
    expect(post).to_be_focused()
    anna.keyboard.press("Shift+Tab")
    expect(field).to_be_focused()
    anna.keyboard.type("Ein Datenportal für den Landkreis")
    anna.keyboard.press("Control+Enter")
    expect(_card(anna, "Ein Datenportal")).to_have_count(1)
    expect(field).to_be_focused()
    expect(field).to_have_value("")

    # Anna comments: the card is drawn again with the comment, focus stays on its button.
    card = _card(anna, "Offene Daten")
    _tab_to(anna, card.locator("summary", has_text="Kommentare"))
    anna.keyboard.press("Enter")
    anna.keyboard.press("Tab")
    expect(card.get_by_label("Ihr Kommentar")).to_be_focused()
    anna.keyboard.type("Mit dem Open-Data-Portal des Landes verknüpfen")
    anna.keyboard.press("Tab")
    anna.keyboard.press("Enter")
    expect(card.locator("details.comments > summary")).to_have_text("1 Kommentar")
    expect(card.get_by_role("button", name="Kommentieren")).to_be_focused()
    expect(card.get_by_label("Ihr Kommentar")).to_have_value("")

    # Mia clusters: tick both cards with Space, back to the name, Enter on the button.
    for text in ("Offene Daten", "Ein Datenportal für den Landkreis"):
        _tab_to(mia, mia.get_by_role("checkbox", name=f"Karte auswählen: {text}"))
        mia.keyboard.press("Space")
    expect(mia.locator(".selection-count")).to_have_text("Ausgewählt: 2")
    _tab_to(mia, mia.get_by_label("Name des neuen Clusters"), backwards=True)
    mia.keyboard.type("Daten")
    mia.keyboard.press("Tab")
    group = mia.get_by_role("button", name="Neues Cluster bilden")
    expect(group).to_be_focused()
    mia.keyboard.press("Enter")
    expect(anna.locator(".cluster .card")).to_have_count(2)
    expect(mia.locator(".selection-count")).to_have_text(
        "Keine Karte ausgewählt. Wählen Sie Karten über ihr Kästchen aus."
    )
    expect(group).to_be_focused()

    # Mia opens voting: the whole board is drawn again for everyone; her button is now the
    # pressed one and keeps focus, Anna's comment button keeps hers, and Anna hears it once.
    phase = mia.locator("#moderation").get_by_role("button", name="Abstimmen")
    _tab_to(mia, phase, backwards=True)
    mia.keyboard.press("Enter")
    expect(anna.locator("#room-state")).to_have_attribute("data-phase", "vote")
    expect(phase).to_have_attribute("aria-pressed", "true")
    expect(phase).to_be_enabled()
    expect(phase).to_be_focused()
    expect(card.get_by_role("button", name="Kommentieren")).to_be_focused()
    expect(anna.locator("#announcer")).to_have_text(
        "Phase: Abstimmen – Sie haben noch 5 von 5 Punkten."
    )

    # Anna votes twice; the second dot is the last this card may have, so "+" is used up
    # and focus goes to "−" of the same card.
    plus = anna.get_by_role("button", name="Einen Punkt geben: Offene Daten")
    _tab_to(anna, plus, backwards=True)
    anna.keyboard.press("Enter")
    expect(anna.locator("#my-votes")).to_contain_text("Sie haben noch 4 von 5 Punkten.")
    expect(plus).to_be_focused()
    anna.keyboard.press("Enter")
    expect(anna.locator("#my-votes")).to_contain_text("Sie haben noch 3 von 5 Punkten.")
    expect(plus).to_be_disabled()
    minus = anna.get_by_role("button", name="Einen Punkt zurücknehmen: Offene Daten")
    expect(minus).to_be_focused()

    # Mia locks and unlocks the board: the button changes its name and keeps focus.
    _tab_to(mia, mia.get_by_role("button", name="Board sperren"))
    mia.keyboard.press("Enter")
    expect(anna.locator("#room-state")).to_have_attribute("data-locked", "yes")
    expect(mia.get_by_role("button", name="Board entsperren")).to_be_focused()
    expect(anna.locator("#announcer")).to_have_text("Die Moderation hat das Board gesperrt.")
    mia.keyboard.press("Enter")
    expect(anna.locator("#room-state")).to_have_attribute("data-locked", "no")
    expect(mia.get_by_role("button", name="Board sperren")).to_be_focused()
    expect(anna.locator("#announcer")).to_have_text("Das Board ist wieder offen.")

    # Closing asks first: Escape keeps the room open, the confirmation closes it.
    closed = mia.locator("#moderation").get_by_role("button", name="Geschlossen")
    _tab_to(mia, closed, backwards=True)
    mia.keyboard.press("Enter")
    dialog = mia.get_by_role("dialog", name="Raum schließen?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Abbrechen")).to_be_focused()
    mia.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(closed).to_be_focused()
    expect(anna.locator("#room-state")).to_have_attribute("data-phase", "vote")
    mia.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Abbrechen")).to_be_focused()
    shot(mia, "keyboard-close-dialog")
    mia.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Raum schließen")).to_be_focused()
    mia.keyboard.press("Enter")
    expect(anna.locator("#room-state")).to_have_attribute("data-phase", "closed")
    expect(dialog).to_be_hidden()
    expect(closed).to_have_attribute("aria-pressed", "true")
    expect(closed).to_be_focused()
    expect(anna.locator("#announcer")).to_have_text(
        "Der Raum ist geschlossen. Board und Ergebnisse können nur noch gelesen werden."
    )

    # Each change was said once; "Verbunden" and an empty selection were not said again.
    said = _heard(anna, "#announcer")
    for text in (
        "Phase: Abstimmen – Sie haben noch 5 von 5 Punkten.",
        "Die Moderation hat das Board gesperrt.",
        "Der Raum ist geschlossen. Board und Ergebnisse können nur noch gelesen werden.",
    ):
        assert said.count(text) == 1, said
    assert _heard(anna, "#connection-status") == []
    assert _heard(mia, "#connection-status") == []
    assert _heard(mia, ".selection-count") == [
        "Ausgewählt: 1",
        "Ausgewählt: 2",
        "Keine Karte ausgewählt. Wählen Sie Karten über ihr Kästchen aus.",
    ]
    for page in (mia, anna):
        assert page.console_errors == []


def test_focus_survives_cards_moved_or_taken_away_by_someone_else(
    browser: Browser, server, server_url: str, settings
):
    mia = moderator_in_room(browser, server_url, settings)
    anna = join_and_enter(browser, server_url, "Anna", NARRATIVE)
    for text in ("Offene Daten", "Ein Datenportal für den Landkreis", "Geschichten"):
        post_card(anna, text)
    expect(mia.locator(".card")).to_have_count(3)

    # Anna is on a card's comments when the moderator moves it to another column: she
    # stays where she was, on the card after it (focus does not jump across the page).
    toggle = _card(anna, "Ein Datenportal").locator("summary", has_text="Kommentare")
    _tab_to(anna, toggle)
    mia.get_by_role("checkbox", name="Karte auswählen: Ein Datenportal für den Landkreis").check()
    mia.get_by_label("Spalte", exact=True).last.select_option(label=SECOND_COLUMN)
    mia.get_by_role("button", name="Verschieben").click()
    moved = anna.locator("section.column").nth(1).locator("li.card", has_text="Ein Datenportal")
    expect(moved).to_have_count(1)
    expect(_card(anna, "Geschichten")).to_be_focused()

    # Writing a comment on a card that moves, the field goes along with what was typed.
    _tab_to(anna, moved.locator("summary", has_text="Kommentare"))
    anna.keyboard.press("Enter")
    anna.keyboard.press("Tab")
    anna.keyboard.type("Wer pflegt das Portal?")
    mia.get_by_role("checkbox", name="Karte auswählen: Ein Datenportal für den Landkreis").check()
    mia.get_by_label("Spalte", exact=True).last.select_option(label=FIRST_COLUMN)
    mia.get_by_role("button", name="Verschieben").click()
    back = anna.locator("section.column").first.locator("li.card", has_text="Ein Datenportal")
    expect(back).to_have_count(1)
    expect(back.get_by_label("Ihr Kommentar")).to_be_focused()
    expect(back.get_by_label("Ihr Kommentar")).to_have_value("Wer pflegt das Portal?")
    anna.keyboard.type(" Die Kommune.")
    expect(back.get_by_label("Ihr Kommentar")).to_have_value("Wer pflegt das Portal? Die Kommune.")

    # Anna is on a card the moderator hides: focus goes to the card after it.
    _tab_to(anna, _card(anna, "Offene Daten").locator("summary", has_text="Kommentare"), True)
    _card(mia, "Offene Daten").get_by_role("button", name="Ausblenden").click()
    expect(_card(anna, "Offene Daten")).to_have_count(0)
    expect(_card(anna, "Ein Datenportal")).to_be_focused()

    # Anna deletes her own cards: focus goes to the card before the last one, and to the
    # column's list once it is empty.
    for text, then in (
        ("Geschichten", _card(anna, "Ein Datenportal")),
        ("Ein Datenportal", anna.locator("section.column").first.locator("ol.cards")),
    ):
        own = _card(anna, text)
        _tab_to(anna, own.locator("summary", has_text="Bearbeiten"))
        anna.keyboard.press("Enter")
        _tab_to(anna, own.get_by_role("button", name="Idee löschen"))
        anna.keyboard.press("Enter")
        expect(own).to_have_count(0)
        expect(then).to_be_focused()
    for page in (mia, anna):
        assert page.console_errors == []


def test_a_reconnect_does_not_announce_the_phase_again(browser: Browser, server, settings):
    base = f"http://127.0.0.1:{server.port}"
    mia = moderator_in_room(browser, base, settings)
    anna = join_and_enter(browser, base, "Anna", NARRATIVE)
    mia.locator("#moderation").get_by_role("button", name="Clustern").click()
    expect(anna.locator("#announcer")).to_contain_text("Phase: Clustern")
    _listen(anna, "#announcer", "#connection-status")

    server.stop()
    expect(anna.locator("#live")).to_have_attribute("data-live", "reconnecting")
    server.start()
    expect(anna.locator("#live")).to_have_attribute("data-live", "connected", timeout=15_000)
    expect(anna.locator("#room-state")).to_have_attribute("data-phase", "cluster")
    assert _heard(anna, "#announcer") == []
    assert _heard(anna, "#connection-status") == [
        "Verbindung unterbrochen – wird wiederhergestellt …",
        "Verbunden",
    ]


def test_the_organiser_moves_the_agenda_with_the_keyboard_and_keeps_focus(
    browser: Browser, settings, server, server_url: str
):
    make_organiser(settings)
    olga = browser.new_context(locale="de-DE").new_page()
    olga.goto(f"{server_url}/console/{MYK}/live")
    olga.get_by_label("Benutzername").fill("mia")
    olga.get_by_label("Passwort").fill(PASSWORD)
    olga.keyboard.press("Enter")
    expect(olga.locator("#live")).to_have_attribute("data-live", "connected")

    advance = olga.get_by_role("button", name="Nächster Programmpunkt")
    _tab_to(olga, advance)
    olga.keyboard.press("Enter")
    expect(olga.locator("#agenda-now .now-title")).to_contain_text("Begrüßung")
    expect(advance).to_be_focused()
    olga.keyboard.press("Enter")
    expect(olga.locator("#agenda-now .now-title")).to_contain_text("Ziel der Regionalkonferenz")
    expect(advance).to_be_focused()
