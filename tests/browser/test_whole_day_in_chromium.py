"""The whole day in miniature, in real browsers: the organiser advances the agenda, opens
breakouts by preference, two participants land in their rooms, the time runs out, both
return to the plenary, and report-back shows both rooms' results."""

import re
from dataclasses import replace

import pytest
from playwright.sync_api import Browser, expect

from ..helpers import MYK, make_organiser
from .helpers import (
    NARRATIVE,
    STRATEGY,
    breakout_ends,
    new_page,
    organiser_page,
    participant_page,
    shot,
)


@pytest.fixture
def settings(settings):
    return replace(settings, breakout_tick_seconds=0.1)


def test_the_whole_day_in_miniature(browser: Browser, settings, server, server_url: str):
    make_organiser(settings)
    olga = organiser_page(browser, server_url)
    anna = participant_page(browser, server_url, "Anna", STRATEGY)
    ben = participant_page(browser, server_url, "Ben", NARRATIVE)

    olga.get_by_role("button", name="Nächster Programmpunkt").click()
    for page in (anna, ben):
        expect(page.locator("#agenda-now .now-title")).to_contain_text("Begrüßung")
        expect(page.locator(".agenda-item.current")).to_contain_text("Begrüßung")
    olga.get_by_role("button", name="„Breakout Sessions“ jetzt starten").click()
    expect(anna.locator("#agenda-now .now-title")).to_contain_text("Breakout Sessions")

    olga.get_by_label("Verteilung").select_option(label="Nach Wünschen der Teilnehmenden")
    olga.get_by_label("Dauer in Minuten", exact=True).fill("30")
    olga.get_by_role("button", name="Breakouts eröffnen").click()

    # Each lands in the room they wished for, counting down to the breakout's end.
    expect(anna).to_have_url(f"{server_url}/c/{MYK}/rooms/strategieentwicklung")
    expect(ben).to_have_url(f"{server_url}/c/{MYK}/rooms/narrative-der-smart-city")
    for page, idea in (
        (anna, "Ein Fahrplan in drei Schritten"),
        (ben, "Geschichten aus dem Alltag"),
    ):
        expect(page.locator("#live")).to_have_attribute("data-live", "connected")
        expect(page.locator("#breakout-clock")).to_have_attribute("data-state", "running")
        field = page.locator(".post-form textarea").first
        field.fill(idea)
        field.press("Control+Enter")
        expect(page.locator(".card-text")).to_have_text([idea])
    summary = olga.locator(".summary", has_text=STRATEGY)
    expect(summary.locator(".cards-count")).to_have_text("1")

    # The organiser conducts every room into voting; each votes for their room's idea.
    olga.get_by_role("button", name="Alle Räume in die Phase „Abstimmen“").click()
    for page, idea in (
        (anna, "Ein Fahrplan in drei Schritten"),
        (ben, "Geschichten aus dem Alltag"),
    ):
        expect(page.locator("#room-state")).to_have_attribute("data-phase", "vote")
        page.get_by_role("button", name=f"Einen Punkt geben: {idea}").click()
        expect(page.locator("#my-votes")).to_contain_text("Sie haben noch 4 von 5 Punkten.")
    expect(summary.locator(".votes-count")).to_have_text("1")
    shot(olga, "day-dashboard-breakouts")
    shot(anna, "day-participant-room")

    # The 30 minutes are up (the clock is moved, not waited for): everyone back.
    breakout_ends(settings)
    for page in (anna, ben):
        expect(page).to_have_url(f"{server_url}/c/{MYK}")
        expect(page.locator("#breakout")).to_contain_text("Willkommen zurück im Plenum")
    shot(anna, "day-plenary-back")

    olga.get_by_role("button", name="Berichte starten").click()
    for page in (anna, ben):
        expect(page.locator("#report h2")).to_have_text(
            "Bericht aus dem Raum „Narrative der Smart City“"
        )
        expect(page.locator("#report .report-card")).to_contain_text(["Geschichten aus dem Alltag"])
    shot(ben, "day-report-back")
    olga.get_by_role("button", name="Nächster Raum").click()
    for page in (anna, ben):
        expect(page.locator("#report h2")).to_have_text(
            "Bericht aus dem Raum „Strategieentwicklung“"
        )
        expect(page.locator("#report .report-card")).to_contain_text(
            ["Ein Fahrplan in drei Schritten"]
        )
    for page in (olga, anna, ben):
        assert page.console_errors == []


def test_the_organiser_loads_a_breakout_plan_from_a_csv_file(
    browser: Browser, settings, server, server_url: str
):
    make_organiser(settings)
    olga = organiser_page(browser, server_url)
    jurgen = new_page(browser)
    jurgen.goto(f"{server_url}/c/{MYK}")
    jurgen.get_by_label("Anzeigename").fill("Jürgen Weiß")
    jurgen.get_by_role("button", name="Teilnehmen").click()
    expect(jurgen.locator("#live")).to_have_attribute("data-live", "connected")
    screen = new_page(browser)  # the hall's screen, on the organisers' projector link
    screen.goto(
        server_url + olga.get_by_role("link", name="Projektionsansicht").get_attribute("href")
    )
    expect(screen.locator("#live")).to_have_attribute("data-live", "connected")
    # Saved by Excel as "CSV (Trennzeichen-getrennt)": Windows-1252, `;`, CRLF.
    csv = "Name;Raum\r\nJürgen Weiß;strategieentwicklung\r\n"
    olga.get_by_label("Verteilung").select_option(label="Nach Plan (CSV)")
    olga.get_by_label("Plan aus einer CSV-Datei laden").set_input_files(
        files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": csv.encode("cp1252")}]
    )
    expect(olga.get_by_label("Plan als CSV")).to_have_value(csv.replace("\r\n", "\n"))
    expect(olga.locator("#breakout-plan-file-status")).to_contain_text("„plan.csv“")
    # Moving the programme re-renders the form live: what she chose and loaded stays.
    olga.get_by_role("button", name="„Breakout Sessions“ jetzt starten").click()
    expect(olga.locator("#agenda-now .now-title")).to_contain_text("Breakout Sessions")
    expect(olga.get_by_label("Verteilung")).to_have_value("plan")
    expect(olga.get_by_label("Plan als CSV")).to_have_value(csv.replace("\r\n", "\n"))
    olga.get_by_role("button", name="Breakouts eröffnen").click()

    expect(jurgen).to_have_url(f"{server_url}/c/{MYK}/rooms/strategieentwicklung")
    expect(olga.locator("#breakout")).to_contain_text("Nach Plan (CSV)")
    # The projector is not sent along to anyone's room: it still shows the plenary.
    olga.get_by_label("Text der Durchsage").fill("Bitte in die Räume")
    olga.get_by_role("button", name="Durchsage senden").click()
    expect(screen.locator("#live.projector .banner-text")).to_have_text("Bitte in die Räume")
    expect(screen).to_have_url(re.compile(rf"^{re.escape(server_url)}/c/{MYK}/projector/"))
    expect(screen.locator("#my-plenary")).to_have_count(0)  # nobody's own room on the screen
    shot(screen, "day-projector")
    shot(olga, "day-dashboard-plan")
    for page in (olga, jurgen, screen):
        assert page.console_errors == []
