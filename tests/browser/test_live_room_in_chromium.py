"""What people do in a real browser: join, enter a room, post, see each other live."""

from playwright.sync_api import Browser, WebSocketRoute, expect

from server.domain import rooms as room_rules

from .accessibility import assert_accessible
from .helpers import join_and_enter


def test_two_people_in_a_room_see_each_others_cards_and_another_room_does_not(
    browser: Browser, server_url: str
):
    anna = join_and_enter(browser, server_url, "Anna", "Narrative der Smart City")
    ben = join_and_enter(browser, server_url, "Ben", "Narrative der Smart City")
    carla = join_and_enter(browser, server_url, "Carla", "Strategieentwicklung")
    expect(anna.locator("#presence-count")).to_have_text("2 Personen anwesend")

    first_field = anna.locator("textarea").first
    first_field.fill("Smart City heißt: Menschen zuerst")
    anna.get_by_role("button", name="Idee posten").first.click()

    expect(ben.locator(".card-text")).to_have_text(["Smart City heißt: Menschen zuerst"])
    expect(anna.locator(".card-text")).to_have_text(["Smart City heißt: Menschen zuerst"])
    expect(first_field).to_have_value("")
    expect(ben.locator("#announcer")).to_contain_text("Neue Idee von Anna")

    # Ben answers with the keyboard only: focus the field, type, Ctrl+Enter.
    ben.locator("textarea").first.focus()
    ben.keyboard.type("<img src=x onerror=alert(1)> Beteiligung vor Ort")
    ben.keyboard.press("Control+Enter")
    expected = [
        "Smart City heißt: Menschen zuerst",
        "<img src=x onerror=alert(1)> Beteiligung vor Ort",
    ]
    expect(anna.locator(".card-text")).to_have_text(expected)
    expect(anna.locator(".card img")).to_have_count(0)

    expect(carla.locator(".card")).to_have_count(0)
    expect(carla.locator("#presence-count")).to_have_text("1 Person anwesend")

    ben.context.close()
    expect(anna.locator("#presence-count")).to_have_text("1 Person anwesend")
    for page in (anna, carla):
        assert page.console_errors == []


def test_a_card_sent_while_the_server_restarts_arrives_once(browser: Browser, server):
    base = f"http://127.0.0.1:{server.port}"
    anna = join_and_enter(browser, base, "Anna", "Erfolgreiche Akteursnetzwerke")
    ben = join_and_enter(browser, base, "Ben", "Erfolgreiche Akteursnetzwerke")

    server.stop()
    expect(anna.locator("#live")).to_have_attribute("data-live", "reconnecting")
    anna.locator("textarea").first.fill("Netzwerke brauchen Kümmerer")
    anna.get_by_role("button", name="Idee posten").first.click()
    server.start()

    for page in (anna, ben):
        expect(page.locator("#live")).to_have_attribute("data-live", "connected", timeout=15_000)
        expect(page.locator(".card-text")).to_have_text(["Netzwerke brauchen Kümmerer"])
    anna.reload()
    expect(anna.locator(".card-text")).to_have_text(["Netzwerke brauchen Kümmerer"])


def test_a_page_that_missed_a_frame_asks_again_until_it_has_the_whole_board(
    browser: Browser, server_url: str
):
    """A gap makes the page ask for a snapshot; when that request goes unanswered (a
    refused resync, here swallowed on the way), the page asks again a few seconds later."""
    seen = {"drop_next_delta": False, "resyncs": []}

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_page(message) -> None:
            if seen["drop_next_delta"] and str(message).startswith("<!--plenum delta"):
                seen["drop_next_delta"] = False  # lost on the way: a gap
                return
            ws.send(message)

        def to_server(message) -> None:
            if '"resync"' in str(message):
                seen["resyncs"].append(message)
                if len(seen["resyncs"]) == 1:
                    return  # the first request goes unanswered
            server.send(message)

        server.on_message(to_page)
        ws.on_message(to_server)

    anna = join_and_enter(browser, server_url, "Anna", "Narrative der Smart City")
    ben = join_and_enter(
        browser,
        server_url,
        "Ben",
        "Narrative der Smart City",
        lambda page: page.route_web_socket("**/ws/rooms/*", route),
    )

    def post(text: str) -> None:
        anna.locator("textarea").first.fill(text)
        anna.get_by_role("button", name="Idee posten").first.click()
        expect(anna.locator(".card-text").last).to_have_text(text)

    seen["drop_next_delta"] = True
    post("Erste")  # lost
    post("Zweite")  # shows the gap: Ben's page asks, and hears nothing
    post("Dritte")
    assert len(seen["resyncs"]) == 1  # not again at once, on every frame
    texts = ["Erste", "Zweite", "Dritte", "Vierte"]
    ben.wait_for_timeout(5_000)  # the page asks again after a pause, not on every frame
    post("Vierte")
    expect(ben.locator(".card-text")).to_have_text(texts, timeout=10_000)
    assert len(seen["resyncs"]) == 2
    assert ben.console_errors == []


def test_a_big_room_shows_how_many_and_the_names_come_with_the_keyboard(
    browser: Browser, server_url: str, monkeypatch
):
    monkeypatch.setattr(room_rules, "NAMES_SHOWN_UP_TO", 1)  # the server runs in this process
    anna = join_and_enter(browser, server_url, "Anna", "Narrative der Smart City")
    show = anna.get_by_role("button", name="Wer ist da? Namen anzeigen")
    expect(show).to_be_hidden()  # one person: named in the list itself
    expect(anna.locator("#members")).to_contain_text("Anna")

    ben = join_and_enter(browser, server_url, "Ben", "Narrative der Smart City")
    expect(anna.locator("#presence-count")).to_have_text("2 Personen anwesend")
    expect(anna.locator("#members")).to_be_hidden()
    show.focus()
    anna.keyboard.press("Enter")
    names = ["Anna (Landkreis Mayen-Koblenz)", "Ben (Landkreis Mayen-Koblenz)"]
    expect(anna.locator("#presence-names li")).to_have_text(names)
    expect(anna.locator("#presence-names-status")).to_have_text("2 Namen geladen")
    assert_accessible(anna, "a room above the size that lists names")

    ben.context.close()
    expect(show).to_be_hidden()  # one person again: the list is back, the button gone
    expect(anna.locator("#members")).to_contain_text("Anna")
    assert anna.console_errors == []
