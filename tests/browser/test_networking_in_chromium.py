"""Issue 17's networking proof in a real browser: in the coffee break the organiser opens a
networking round; the four people in the plenary are drawn to one table of four, two of
them meet at its board, and when the round ends everyone is back in the plenary. Each
said in the lobby first that they want a table."""

from dataclasses import replace

import pytest
from playwright.sync_api import Browser, expect

from ..helpers import make_organiser
from ..servers import ServerThread
from ..test_networking_rounds import SLUG, kaffee
from .accessibility import assert_accessible
from .helpers import breakout_ends, joined_page, post_card, signed_in_at


@pytest.fixture
def server_url(settings, tmp_path):
    path = tmp_path / f"{SLUG}.yaml"
    path.write_text(kaffee(), encoding="utf-8")
    ticking = replace(settings, sessions_config=(path,), breakout_tick_seconds=0.1)
    running = ServerThread(ticking)
    running.start()
    yield f"http://127.0.0.1:{running.port}"
    running.stop()


def test_a_networking_round_seats_four_at_a_table_where_two_meet_and_all_return(
    browser: Browser, settings, server_url: str
):
    make_organiser(settings)
    olga = signed_in_at(browser, f"{server_url}/console/{SLUG}/live")
    expect(olga.locator("#live")).to_have_attribute("data-live", "connected")
    people = [
        joined_page(browser, server_url, name, SLUG) for name in ("Anna", "Ben", "Cem", "Dora")
    ]
    for page in people:
        page.get_by_role("button", name="An Tischen mitmachen").click()
        chosen = page.get_by_text("Sie werden in den Netzwerkrunden an einen Tisch gelost.")
        expect(chosen).to_be_visible()
        expect(page.locator("#live")).to_have_attribute("data-live", "connected")

    olga.get_by_role("button", name="„Kaffeepause“ jetzt starten").click()
    expect(olga.locator("#agenda-now .now-title")).to_contain_text("Kaffeepause")
    olga.get_by_label("Verteilung").select_option(
        label="Tische zum Kennenlernen (Netzwerken, Vierertische)"
    )
    olga.get_by_label("Dauer in Minuten", exact=True).fill("10")
    olga.get_by_role("button", name="Breakouts eröffnen").click()

    table = f"{server_url}/c/{SLUG}/rooms/tisch-1"
    for page in people:
        expect(page).to_have_url(table)
        expect(page.get_by_role("heading", name="Tisch 1", exact=True)).to_be_visible()
        expect(page.locator("#live")).to_have_attribute("data-live", "connected")
    anna, ben = people[:2]
    post_card(anna, "Wir teilen unsere Parkraum-Daten")
    expect(ben.locator(".card", has_text="Wir teilen unsere Parkraum-Daten")).to_be_visible()
    assert_accessible(ben, "a networking table")

    breakout_ends(settings)
    for page in people:
        expect(page).to_have_url(f"{server_url}/c/{SLUG}")
    assert not any(page.console_errors for page in people)
