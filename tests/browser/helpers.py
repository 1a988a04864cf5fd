"""What many browser tests do: open a page that collects its console errors, join, sign
in, take up a moderator's link, post a card, open a breakout, let a clock run out, and
save a screenshot to look at."""

import os
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from server.services import invites
from server.store.database import Database
from server.store.tables import BreakoutRoomState, Room

from ..helpers import MYK, PASSWORD, backends_of, room_ids

STRATEGY, NARRATIVE = "Strategieentwicklung", "Narrative der Smart City"
NARRATIVE_SLUG = "narrative-der-smart-city"

SCREENSHOTS = os.environ.get("PLENUM_SCREENSHOTS")  # a folder, to look at the pages by eye


def shot(page, name: str) -> None:
    """A full-page screenshot into $PLENUM_SCREENSHOTS, when it is set."""
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


# --- Pages and people ---


def new_page(browser: Browser) -> Page:
    page = browser.new_context(locale="de-DE").new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    return page


def joined_page(browser: Browser, base: str, name: str, slug: str = MYK) -> Page:
    """Someone who joined a conference by its link, in its live plenary."""
    page = new_page(browser)
    page.goto(f"{base}/c/{slug}")
    page.get_by_label("Anzeigename").fill(name)
    page.get_by_role("button", name="Teilnehmen").click()
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    return page


def participant_page(browser: Browser, base: str, name: str, wish: str) -> Page:
    page = joined_page(browser, base, name)
    page.get_by_label("1. Wunsch").select_option(label=wish)
    page.get_by_role("button", name="Wünsche speichern").click()
    expect(page.locator(".my-ranking")).to_have_text("Ihr Wunsch ist gespeichert.")
    return page


def signed_in_at(browser: Browser, url: str) -> Page:
    """A console page, opened through the sign-in it asks for first (as mia)."""
    page = new_page(browser)
    page.goto(url)
    page.get_by_label("Benutzername").fill("mia")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    return page


def organiser_page(browser: Browser, base: str) -> Page:
    page = signed_in_at(browser, f"{base}/console/{MYK}/live")
    expect(page.get_by_role("heading", name="Alle Räume auf einen Blick")).to_be_visible()
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    return page


def join_and_enter(
    browser: Browser, base: str, name: str, room_title: str, prepare=lambda page: None
) -> Page:
    """A new browser that joins and enters the room; `prepare(page)` runs first (to route
    its sockets, say)."""
    page = browser.new_context(locale="de-DE").new_page()
    prepare(page)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    page.goto(f"{base}/c/{MYK}")
    page.get_by_label("Anzeigename").fill(name)
    page.get_by_label("Organisation oder Kommune (optional)").fill("Landkreis Mayen-Koblenz")
    page.get_by_role("button", name="Teilnehmen").click()
    expect(page.get_by_text(f"Willkommen, {name}")).to_be_visible()
    page.get_by_role("link", name=f"Raum betreten – {room_title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(room_title)
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    return page


# --- Moderators, by a real invite link ---


def invite_link(settings, base: str) -> str:
    database = Database(settings.database_url)
    try:
        token = invites.create(
            backends_of(database),
            invites.signer(settings.secret_key),
            MYK,
            "narrative-der-smart-city",
            "Mia",
        )
    finally:
        database.close()
    return f"{base}/c/{MYK}/moderate/{token}"


def moderator_in_room(browser: Browser, base: str, settings) -> Page:
    """Mia, in the narrative room, takes up its invite link."""
    page = join_and_enter(browser, base, "Mia", NARRATIVE)
    page.goto(invite_link(settings, base))
    page.get_by_role("button", name="Als Mia moderieren").click()
    expect(page.locator("#moderation")).to_be_visible()
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    return page


def moderator_page(browser: Browser, base: str, settings, name: str, room_slug: str) -> Page:
    """Someone who joins the conference and takes up the room's invite link."""
    page = new_page(browser)
    page.goto(f"{base}/c/{MYK}")
    page.get_by_label("Anzeigename").fill(name)
    page.get_by_role("button", name="Teilnehmen").click()
    expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    database = Database(settings.database_url)
    try:
        token = invites.create(
            backends_of(database), invites.signer(settings.secret_key), MYK, room_slug, name
        )
    finally:
        database.close()
    page.goto(f"{base}/c/{MYK}/moderate/{token}")
    page.get_by_role("button", name=f"Als {name} moderieren").click()
    expect(page.locator("#moderation")).to_be_visible()
    return page


# --- In a room and in the plenary ---


def post_card(page: Page, text: str) -> None:
    field = page.locator(".post-form textarea").first
    field.fill(text)
    field.press("Control+Enter")
    expect(field).to_have_value("")


def open_breakout(olga: Page, minutes: str) -> None:
    olga.get_by_role("button", name="„Breakout Sessions“ jetzt starten").click()
    expect(olga.locator("#agenda-now .now-title")).to_contain_text("Breakout Sessions")
    olga.get_by_label("Verteilung").select_option(label="Nach Wünschen der Teilnehmenden")
    olga.get_by_label("Dauer in Minuten", exact=True).fill(minutes)
    olga.get_by_role("button", name="Breakouts eröffnen").click()


# --- Clocks running out, as time passing would make them ---


def _past() -> datetime:
    return datetime.now(UTC) - timedelta(seconds=1)


def _in_the_database(settings, statement) -> None:
    database = Database(settings.database_url)
    database.run_write(lambda s: s.execute(statement))
    database.close()


def breakout_ends(settings, room_slug: str | None = None) -> None:
    """The breakout's end passes for one room (or every room), as the clock would make it."""
    rows = update(BreakoutRoomState)
    if room_slug is not None:
        rows = rows.where(BreakoutRoomState.room_id == room_ids(settings)[room_slug])
    _in_the_database(settings, rows.values(deadline=_past()))


def room_timer_ends(settings, room_slug: str) -> None:
    """A room's own timer (its moderator's) runs out, as the clock would make it."""
    room = update(Room).where(Room.id == room_ids(settings)[room_slug])
    _in_the_database(settings, room.values(timer_deadline=_past()))
