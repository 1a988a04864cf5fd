"""A breakout's two clocks in real browsers: the organiser opens a 30-minute breakout, a
moderator gives her room one minute to write, the participant sees both countdowns, each
labelled; the minute running out keeps both in the room, the breakout's end sends both
back to the plenary."""

from dataclasses import replace

import pytest
from playwright.sync_api import Browser, expect

from ..helpers import MYK, make_organiser
from .accessibility import PHONE, assert_accessible
from .helpers import (
    NARRATIVE,
    NARRATIVE_SLUG,
    STRATEGY,
    breakout_ends,
    moderator_page,
    open_breakout,
    organiser_page,
    participant_page,
    room_timer_ends,
    shot,
)


@pytest.fixture
def settings(settings):
    return replace(settings, breakout_tick_seconds=0.1)


def test_a_moderators_timer_and_the_breakouts_end_are_two_clocks(
    browser: Browser, settings, server, server_url: str
):
    make_organiser(settings)
    olga = organiser_page(browser, server_url)
    anna = participant_page(browser, server_url, "Anna", NARRATIVE)
    ben = participant_page(browser, server_url, "Ben", STRATEGY)
    mia = moderator_page(browser, server_url, settings, "Mia", NARRATIVE_SLUG)
    open_breakout(olga, "30")
    room_url = f"{server_url}/c/{MYK}/rooms/{NARRATIVE_SLUG}"
    expect(anna).to_have_url(room_url)
    expect(ben).to_have_url(f"{server_url}/c/{MYK}/rooms/strategieentwicklung")

    # Both see when the breakout ends; the room's own timer is off until Mia starts it.
    for page in (anna, mia):
        expect(page.locator("#live")).to_have_attribute("data-live", "connected")
        expect(page.locator("#breakout-clock")).to_contain_text("Breakout endet in 29:")
        expect(page.locator("#timer")).to_have_attribute("data-state", "off")
    mia.get_by_label("Minuten").fill("1")
    mia.get_by_role("button", name="Timer starten").click()
    for page in (anna, mia):
        expect(page.locator("#timer")).to_contain_text("Timer: 0:")
        expect(page.locator("#breakout-clock")).to_contain_text("Breakout endet in 29:")
    summary = olga.locator(".summary", has_text=NARRATIVE)
    expect(summary.locator(".room-timer")).to_have_attribute("data-state", "running")
    expect(summary.locator(".time-left")).to_contain_text("29:")
    shot(anna, "clocks-room-both")
    shot(olga, "clocks-dashboard")
    assert_accessible(anna, "room with both clocks")
    anna.set_viewport_size(PHONE)
    for clock in ("#breakout-clock", "#timer"):
        box = anna.locator(clock).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], clock
    shot(anna, "clocks-room-both-phone")

    # Mia's minute is up (and then Ben's room reaches its breakout end): Anna and Mia stay
    # in their open room and go on writing.
    # The minute passes on the server (its view of the timer) and in the browsers: each
    # page counts down from the deadline it has, whatever is cached or stored meanwhile.
    room_timer_ends(settings, NARRATIVE_SLUG)
    for page in (anna, mia):
        page.clock.install()
        page.clock.fast_forward(65_000)
        expect(page.locator("#live")).to_have_attribute("data-live", "connected")
        expect(page.locator("#timer .timer-up")).to_have_text("Der Timer ist abgelaufen.")
        expect(page.locator("#announcer")).to_have_text("Der Timer ist abgelaufen.")
    breakout_ends(settings, "strategieentwicklung")
    expect(ben).to_have_url(f"{server_url}/c/{MYK}")
    expect(olga.locator("#breakout")).to_contain_text("Strategieentwicklung · geschlossen")
    field = anna.locator(".post-form textarea").first
    field.fill("Noch eine Idee nach dem Timer")
    field.press("Control+Enter")
    expect(mia.locator(".card-text")).to_have_text(["Noch eine Idee nach dem Timer"])
    for page in (anna, mia):
        expect(page).to_have_url(room_url)
        expect(page.locator("#room-state")).to_have_attribute("data-phase", "collect")
        expect(page.locator("#breakout-clock")).to_contain_text("Breakout endet in")

    # The breakout's end sends both back to the plenary.
    breakout_ends(settings)
    for page in (anna, mia):
        expect(page).to_have_url(f"{server_url}/c/{MYK}")
        expect(page.locator("#breakout")).to_contain_text("Willkommen zurück im Plenum")
    for page in (olga, anna, ben, mia):
        assert page.console_errors == []
