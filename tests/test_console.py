"""The organiser's console through the test client: overview, moderator links, revoking."""

import re

from lxml import html as lxml_html

from .helpers import MYK, join, organiser_cookie, read_qr, svg_picture

ROOM = "narrative-der-smart-city"


def _make_link(client, cookie: str, name: str, room: str = ROOM, slug: str = MYK):
    return client.post(
        f"/console/{slug}/invites", data={"room": room, "name": name}, headers={"cookie": cookie}
    )


def _link_in(page: str) -> str:
    return lxml_html.fromstring(page).get_element_by_id("new-link-url").text_content().strip()


def _room_section(page: str, slug: str) -> str:
    start = page.index(f'id="room-{slug}"')
    return page[start : page.index("</article>", start)]


def test_console_shows_agenda_rooms_people_present_and_planned_moderators(client, settings):
    organiser = organiser_cookie(client, settings)
    anna = join(client, "Anna", organisation="Stadt Mayen")
    client.cookies.clear()
    room_page = client.get(f"/c/{MYK}/rooms/{ROOM}", headers={"cookie": anna}).text
    room_id = re.search(r'ws-connect="/ws/rooms/(\d+)"', room_page).group(1)

    with client.websocket_connect(f"/ws/rooms/{room_id}", headers={"cookie": anna}) as socket:
        socket.receive_text()  # the snapshot: Anna is in the room now
        page = client.get(f"/console/{MYK}", headers={"cookie": organiser}).text

    assert "Regionalkonferenz" in page and "MYK2022" in page
    assert f"<code>http://testserver/c/{MYK}</code>" in page
    assert "Die digitale Stadt gestalten" in page  # an agenda item
    narrative = _room_section(page, ROOM)
    assert "1 Person im Raum" in narrative
    assert "Anna" in narrative and "(Stadt Mayen)" in narrative
    assert "Anna Beispiel" in narrative  # the moderator named in the file
    assert "Niemand ist im Raum." in _room_section(page, "strategieentwicklung")
    assert "Jonas Muster" in _room_section(page, "strategieentwicklung")


def test_a_link_made_in_the_console_makes_its_opener_moderator_until_revoked(client, settings):
    organiser = organiser_cookie(client, settings)
    made = _make_link(client, organiser, "  Mia   Moderatorin ")
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    assert "Moderationslink für Mia Moderatorin im Raum „Narrative der Smart City“" in made.text
    link = _link_in(made.text)
    assert link.startswith(f"http://testserver/c/{MYK}/moderate/")

    shown_again = client.get(f"/console/{MYK}", headers={"cookie": organiser}).text
    assert link.rsplit("/", 1)[1] not in shown_again
    assert "Mia Moderatorin" in _room_section(shown_again, ROOM) and "gültig" in shown_again

    client.cookies.clear()
    path = link.removeprefix("http://testserver")
    assert 'value="Mia Moderatorin"' in client.get(path).text
    accepted = client.post(path, data={"display_name": "Mia"}, follow_redirects=False)
    assert accepted.headers["location"] == f"/c/{MYK}/rooms/{ROOM}"
    mia = f"plenum_session={client.cookies['plenum_session']}"
    room_page = client.get(f"/c/{MYK}/rooms/{ROOM}", headers={"cookie": mia}).text
    assert 'class="live as-moderator"' in room_page

    invite_id = re.search(r'/invites/(\d+)/revoke"', shown_again).group(1)
    revoked = client.post(
        f"/console/{MYK}/invites/{invite_id}/revoke",
        headers={"cookie": organiser},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    after = client.get(revoked.headers["location"], headers={"cookie": organiser}).text
    assert f"Der Moderationslink Nr. {invite_id} wurde zurückgezogen." in after
    assert "zurückgezogen</span>" in _room_section(after, ROOM)
    room_page = client.get(f"/c/{MYK}/rooms/{ROOM}", headers={"cookie": mia}).text
    assert "as-moderator" not in room_page
    assert client.get(path).status_code == 404


def test_a_link_needs_a_name_and_a_room_of_this_conference(client, settings):
    organiser = organiser_cookie(client, settings)
    nameless = _make_link(client, organiser, "   ")
    assert nameless.status_code == 422
    assert "Bitte geben Sie einen Anzeigenamen ein." in nameless.text
    elsewhere = _make_link(client, organiser, "Mia", room="gibt-es-nicht")
    assert elsewhere.status_code == 404
    assert "Den Raum „gibt-es-nicht“ gibt es in dieser Konferenz nicht." in elsewhere.text
    assert 'id="new-link-url"' not in nameless.text + elsewhere.text


def test_a_link_can_only_be_revoked_once_and_only_in_its_own_conference(client, settings):
    organiser = organiser_cookie(client, settings)
    _make_link(client, organiser, "Mia")
    other = "regionalkonferenz-ulm-2022"
    wrong = client.post(f"/console/{other}/invites/1/revoke", headers={"cookie": organiser})
    assert wrong.status_code == 404
    assert "Diesen Moderationslink gibt es in dieser Konferenz nicht." in wrong.text

    client.post(f"/console/{MYK}/invites/1/revoke", headers={"cookie": organiser})
    again = client.post(f"/console/{MYK}/invites/1/revoke", headers={"cookie": organiser})
    assert again.status_code == 422
    assert "bereits zurückgezogen" in again.text


def test_an_unknown_conference_in_the_console_is_a_404(client, settings):
    organiser = organiser_cookie(client, settings)
    assert client.get("/console/gibt-es-nicht", headers={"cookie": organiser}).status_code == 404


def test_a_new_link_is_shown_whole_with_a_button_that_copies_it(client, settings):
    organiser = organiser_cookie(client, settings)
    made = lxml_html.fromstring(_make_link(client, organiser, "Mia").text)
    field = made.get_element_by_id("new-link-url")
    assert field.tag == "textarea" and field.get("readonly") is not None  # wraps, selectable
    copy = made.xpath("//button[@data-copy='new-link-url']")
    assert [" ".join(b.text_content().split()) for b in copy] == ["Link kopieren"]
    status = made.get_element_by_id(copy[0].get("aria-describedby"))
    assert status.get("role") == "status"
    assert made.xpath("//script[@src='/static/console.js']")


def test_a_new_link_comes_with_a_qr_code_of_it_named_for_screen_readers(client, settings):
    organiser = organiser_cookie(client, settings)
    answer = _make_link(client, organiser, "Mia Moderatorin")
    made = lxml_html.fromstring(answer.text)

    (code,) = made.xpath("//figure[@class='invite-qr']/div[@role='img']")
    assert code.get("aria-label") == "QR-Code des Moderationslinks für Mia Moderatorin"
    assert [child.tag for child in code] == ["svg"]
    svg = re.search(r"<svg.*?</svg>", answer.text, re.DOTALL).group()  # as sent (viewBox)
    assert read_qr(svg_picture(svg.encode())) == [_link_in(answer.text)]


def test_the_console_says_who_accepted_each_link(client, settings):
    organiser = organiser_cookie(client, settings)
    token = _link_in(_make_link(client, organiser, "Mia").text).rsplit("/", 1)[1]
    _make_link(client, organiser, "Ben")
    client.cookies.clear()
    page = client.get(f"/console/{MYK}", headers={"cookie": organiser}).text
    assert _room_section(page, ROOM).count("noch nicht angenommen") == 2

    accepted = client.post(f"/c/{MYK}/moderate/{token}", data={"display_name": "Mia Moderatorin"})
    assert accepted.status_code == 200  # followed to her room
    client.cookies.clear()

    invites = lxml_html.fromstring(
        client.get(f"/console/{MYK}", headers={"cookie": organiser}).text
    )
    states = [" ".join(li.text_content().split()) for li in invites.xpath("//li[@id]")]
    mia = next(state for state in states if "· Mia ·" in state)
    ben = next(state for state in states if "· Ben ·" in state)
    assert "angenommen von Mia Moderatorin" in mia
    assert "noch nicht angenommen" in ben


def test_the_conference_page_leads_to_the_live_overview(client, settings):
    organiser = organiser_cookie(client, settings)
    page = lxml_html.fromstring(client.get(f"/console/{MYK}", headers={"cookie": organiser}).text)
    links = {" ".join(a.text_content().split()): a.get("href") for a in page.iter("a")}
    assert links["Live-Übersicht"] == f"/console/{MYK}/live"


def test_the_conference_page_is_titled_by_its_conference_and_loads_its_script_once(
    client, settings
):
    organiser = organiser_cookie(client, settings)
    page = lxml_html.fromstring(client.get(f"/console/{MYK}", headers={"cookie": organiser}).text)
    assert "<" not in page.findtext(".//title")
    assert "Regionalkonferenz" in page.findtext(".//title")
    scripts = [s.get("src") for s in page.iter("script") if "console" in (s.get("src") or "")]
    assert len(scripts) == 1
