"""Moderators placed in their own rooms, in real browsers: the organiser opens breakouts
by preference, a moderator who wished for another topic is sent to the room she
moderates and finds her controls there; the dashboard shows her there, marked as
moderation, outside the room's places."""

from playwright.sync_api import Browser, expect

from ..helpers import MYK, make_organiser
from .accessibility import assert_accessible
from .helpers import (
    NARRATIVE,
    NARRATIVE_SLUG,
    STRATEGY,
    moderator_page,
    open_breakout,
    organiser_page,
    participant_page,
    shot,
)


def test_a_moderator_is_sent_to_the_room_she_moderates(
    browser: Browser, settings, server, server_url: str
):
    make_organiser(settings)
    olga = organiser_page(browser, server_url)
    anna = participant_page(browser, server_url, "Anna", NARRATIVE)
    mia = moderator_page(browser, server_url, settings, "Mia", NARRATIVE_SLUG)
    # Back in the plenary, Mia wishes for another topic than the one she moderates.
    mia.goto(f"{server_url}/c/{MYK}")
    expect(mia.locator("#live")).to_have_attribute("data-live", "connected")
    mia.get_by_label("1. Wunsch").select_option(label=STRATEGY)
    mia.get_by_role("button", name="Wünsche speichern").click()
    expect(mia.locator(".my-ranking")).to_have_text("Ihr Wunsch ist gespeichert.")

    open_breakout(olga, "30")
    room_url = f"{server_url}/c/{MYK}/rooms/{NARRATIVE_SLUG}"
    for page in (anna, mia):
        expect(page).to_have_url(room_url)
        expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    expect(mia.locator("#moderation")).to_be_visible()
    expect(mia.locator("#presence")).to_contain_text("Anna")

    # The dashboard: Mia in Narrative, marked as moderation; only Anna takes a place.
    row = olga.locator("#people tr", has_text="Mia")
    expect(row.locator(".person-room")).to_have_text(f"{NARRATIVE} Moderation")
    line = olga.locator(".breakout-rooms li", has_text=NARRATIVE)
    expect(line).to_contain_text("1 von 60 Plätzen vergeben")
    expect(line).to_contain_text("Moderation: Mia")
    expect(olga.locator("#people")).to_contain_text("belegt dort keinen Platz")
    shot(olga, "moderators-dashboard")
    assert_accessible(mia, "the moderator's room after opening")
    for page in (olga, anna, mia):
        assert page.console_errors == []
