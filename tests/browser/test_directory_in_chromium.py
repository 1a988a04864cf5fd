"""The directory ("Wer ist da?") in a real browser: two people join the Mayen-Koblenz
conference, one opts in with topics, the other finds her by filtering by topic, with the
page checked by axe-core and at phone width."""

from playwright.sync_api import Browser, expect

from ..helpers import MYK
from .accessibility import check
from .helpers import joined_page, shot


def test_one_opts_in_with_topics_and_the_other_finds_her_by_topic(
    browser: Browser, server_url: str
):
    anna = joined_page(browser, server_url, "Anna Älterwein")
    anna.get_by_role("link", name="Wer ist da?").click()
    expect(anna.get_by_role("heading", name="Wer ist da?")).to_be_visible()
    expect(anna.locator("#directory-count")).to_have_text("0 Personen stehen im Verzeichnis")
    anna.get_by_label("Kommune (optional)").fill("Stadt Mayen")
    anna.get_by_label("Region (optional)").select_option(label="Rheinland-Pfalz")
    anna.get_by_label("Themen (optional)").fill("Mobilität, Open Data, open data")
    anna.get_by_label("Ich biete (optional)").fill("Erfahrung mit dem Radverkehrskonzept")
    anna.get_by_label("Im Verzeichnis zeigen").check()
    anna.get_by_role("button", name="Speichern").click()
    expect(anna.get_by_text("Ihr Eintrag ist gespeichert.")).to_be_visible()
    expect(anna.get_by_label("Themen (optional)")).to_have_value("Mobilität, Open Data")

    ben = joined_page(browser, server_url, "Ben Berger")
    ben.get_by_role("link", name="Wer ist da?").click()
    search = ben.get_by_role("search", name="Verzeichnis durchsuchen")
    search.get_by_label("Thema", exact=True).select_option(label="Open Data")
    search.get_by_label("Thema", exact=True).press("Tab")  # on to the button, by keyboard
    ben.keyboard.press("Enter")
    expect(ben).to_have_url(f"{server_url}/c/{MYK}/people?q=&region=&topic=Open+Data")
    expect(ben.get_by_role("status")).to_have_text("1 Person gefunden")
    anna_there = ben.locator(".directory-person", has_text="Anna Älterwein")
    expect(anna_there).to_contain_text("Stadt Mayen · Rheinland-Pfalz")
    expect(anna_there).to_contain_text("Erfahrung mit dem Radverkehrskonzept")
    expect(ben.get_by_role("heading", name="Ben Berger")).to_have_count(0)  # never opted in
    shot(ben, "directory")
    check(ben, "the directory, filtered by topic")

    search.get_by_label("Region", exact=True).select_option(label="Bayern")
    search.get_by_role("button", name="Suchen").click()
    expect(ben.get_by_role("status")).to_have_text("0 Personen gefunden")
    assert not anna.console_errors and not ben.console_errors
