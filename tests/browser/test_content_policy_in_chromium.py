"""Every page a participant, a moderator, an organiser and a hall's screen sees runs in
Chromium under the content policy without one violation: no inline script or style, no
eval, sockets and fetches to our own origin only, while the live features run."""

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ..helpers import MYK, PASSWORD, make_organiser
from .helpers import invite_link, post_card

# Each violation goes to the test (it survives navigations), then, once the test has it,
# onto the page's window too.
RECORD_VIOLATIONS = """
window.plenumViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  var text = event.violatedDirective + " refused " + (event.blockedURI || "inline")
    + " on " + event.documentURI;
  window.plenumViolation(text).then(function () { window.plenumViolations.push(text); });
});
"""

IDEA = "Geschichten aus dem Alltag"


class Watched:
    """Browser contexts whose pages report policy violations and console errors here."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.violations: list[str] = []
        self.errors: list[str] = []

    def page(self, **options) -> Page:
        context = self.browser.new_context(locale="de-DE", **options)
        context.expose_function("plenumViolation", self._violation)
        context.add_init_script(RECORD_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: self._error(page, m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self._error(page, str(error)))
        return page

    def _violation(self, text: str) -> None:
        self.violations.append(text)

    def _error(self, page: Page, text: str) -> None:
        self.errors.append(f"{page.url}: {text}")

    def assert_clean(self, expected_errors: list[str]) -> None:
        for context in self.contexts:
            for page in context.pages:
                assert page.evaluate("window.plenumViolations") == [], page.url
        assert self.violations == []
        assert self.errors == expected_errors


def participant_joins_by_code(watched: Watched, base: str, name: str) -> Page:
    page = watched.page()
    page.goto(f"{base}/")
    page.get_by_label("Konferenz-Code").fill("MYK2022")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/c/{MYK}")
    page.get_by_label("Anzeigename").fill(name)
    page.get_by_role("button", name="Teilnehmen").click()
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    return page


def moderator_by_invite(watched: Watched, base: str, settings) -> Page:
    page = watched.page()
    page.goto(f"{base}/c/{MYK}")
    page.get_by_label("Anzeigename").fill("Mia")
    page.get_by_role("button", name="Teilnehmen").click()
    page.goto(invite_link(settings, base))
    page.get_by_role("button", name="Als Mia moderieren").click()
    expect(page.locator("#moderation")).to_be_visible()
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    return page


def organiser_signs_in(watched: Watched, base: str) -> Page:
    page = watched.page(accept_downloads=True)
    page.goto(f"{base}/login")
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Konsole")
    return page


def organiser_exports(olga: Page) -> None:
    olga.get_by_role("link", name="Ergebnisse exportieren", exact=True).click()
    olga.get_by_label("CSV-Tabelle der Ideen").check()
    with olga.expect_download():
        olga.get_by_role("button", name="Exportieren").click()
    expect(olga.get_by_role("status")).to_contain_text("Fertig:")


@pytest.fixture
def watched(browser: Browser):
    watching = Watched(browser)
    yield watching
    for context in watching.contexts:
        context.close()


def test_an_inline_script_is_refused_and_the_refusal_is_seen(watched: Watched, server_url: str):
    """What the next test relies on: the policy is in force and a violation would show."""
    page = watched.page()
    page.goto(f"{server_url}/")
    page.evaluate(
        "var s = document.createElement('script');"
        "s.textContent = 'window.ran = true'; document.body.append(s)"
    )
    # A function, not an expression: Playwright polls an expression with the page's eval,
    # which the policy refuses too.
    page.wait_for_function("() => window.plenumViolations.length > 0")
    assert page.evaluate("window.ran") is None
    expected = f"script-src-elem refused inline on {server_url}/"
    assert page.evaluate("window.plenumViolations") == [expected]
    assert watched.violations == [expected]


def test_every_page_and_live_feature_runs_under_the_content_policy(
    watched: Watched, settings, server_url: str
):
    make_organiser(settings)
    anna = participant_joins_by_code(watched, server_url, "Anna")
    mia = moderator_by_invite(watched, server_url, settings)

    olga = organiser_signs_in(watched, server_url)
    olga.get_by_role("link", name="Konferenz „Regionalkonferenz Mayen-Koblenz").click()
    room_screen = watched.page()
    room_projector = "Projektionsansicht des Raums „Narrative der Smart City“"
    room_screen.goto(
        server_url + olga.get_by_role("link", name=room_projector).get_attribute("href")
    )
    organiser_exports(olga)
    olga.goto(f"{server_url}/console/{MYK}/poster")
    expect(
        olga.get_by_role("img", name=f"QR-Code mit dem Link {server_url}/c/{MYK}")
    ).to_be_visible()
    olga.goto(f"{server_url}/console/{MYK}/live")
    expect(olga.locator("#live")).to_have_attribute("data-live", "connected")
    hall_screen = watched.page()
    hall = olga.get_by_role("link", name="Projektionsansicht").get_attribute("href")
    hall_screen.goto(server_url + hall)
    for screen in (room_screen, hall_screen):
        expect(screen.locator("#live")).to_have_attribute("data-live", "connected")

    # Live: the agenda moves, a card is posted over the socket, the room votes on it.
    olga.get_by_role("button", name="Nächster Programmpunkt").click()
    for page in (anna, hall_screen):
        expect(page.locator("#agenda-now .now-title")).to_contain_text("Begrüßung")
    anna.get_by_role("link", name="Raum betreten – Narrative der Smart City").click()
    expect(anna.locator("#live")).to_have_attribute("data-live", "connected")
    post_card(mia, IDEA)
    for page in (anna, room_screen):
        expect(page.locator(".card-text")).to_have_text([IDEA])
    mia.locator("#moderation").get_by_role("button", name="Abstimmen").click()
    anna.get_by_role("button", name=f"Einen Punkt geben: {IDEA}").click()
    expect(anna.locator("#my-votes")).to_contain_text("Sie haben noch 4 von 5 Punkten.")

    # An error page, and the language switch's form on it.
    lost = watched.page()
    lost.goto(f"{server_url}/c/gibt-es-nicht")
    expect(lost.get_by_text("Diese Seite gibt es nicht.")).to_be_visible()
    lost.get_by_label("Sprache").select_option("en")
    lost.get_by_role("button", name="Sprache wechseln").click()
    expect(lost.locator("html")).to_have_attribute("lang", "en")

    # Chromium names a page that answers 404 as an error, in German and then in English.
    not_found = "Failed to load resource: the server responded with a status of 404 (Not Found)"
    watched.assert_clean(expected_errors=[f"{server_url}/c/gibt-es-nicht: {not_found}"] * 2)
