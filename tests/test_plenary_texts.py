"""Our own texts on the plenary pages say each thing once: an agenda item's kind only
when its title does not already say it, the format only when the place does not, and
a moderator unpins a question in plain words; in German and in English."""

from lxml import html as lxml_html

from server.views.i18n import Translator

from .helpers import MYK, conference_id, join, make_organiser, moderator, sign_in


def agenda_lines(page: str) -> dict[str, str]:
    """Agenda item title -> its kind label as shown ("" when none is shown)."""
    tree = lxml_html.fromstring(page)
    found = {}
    for item in tree.find_class("agenda-item"):
        title = item.find_class("agenda-title")[0].text_content().strip()
        kinds = item.find_class("agenda-kind")
        found[title] = kinds[0].text_content().strip() if kinds else ""
    return found


def place_line(page: str) -> str:
    header = lxml_html.fromstring(page).find_class("conference-header")[0]
    return " ".join(header.find_class("meta")[0].text_content().split())


def test_agenda_kinds_show_only_when_the_title_does_not_say_them(client, settings):
    anna = join(client, "Anna")
    lobby = client.get(f"/c/{MYK}", headers={"cookie": anna}).text
    lines = agenda_lines(lobby)
    assert lines["Begrüßung"] == ""
    assert lines["Pause"] == ""
    assert lines["Breakout Sessions"] == ""  # not "Breakout-Sessions" over "Breakout Sessions"
    assert lines["Ziel der Regionalkonferenz"] == "Begrüßung"
    assert lines["Ergebnisse aus den Breakout Sessions"] == "Berichte aus den Räumen"

    make_organiser(settings)
    client.cookies.clear()
    assert sign_in(client).status_code == 303
    console = client.get(f"/console/{MYK}").text
    assert agenda_lines(console)["Pause"] == ""


def test_the_place_line_names_the_format_only_when_the_place_does_not(client):
    join(client, "Anna")  # the client keeps Anna's session, language included
    german = place_line(client.get(f"/c/{MYK}").text)
    assert german.endswith("Virtuell, übertragen aus dem Landkreis Mayen-Koblenz")
    assert german.lower().count("virtuell") == 1
    client.post("/language", data={"language": "en", "next": "/"})
    english = place_line(client.get(f"/c/{MYK}").text)
    assert english.endswith("Virtuell, übertragen aus dem Landkreis Mayen-Koblenz · online")


async def test_a_moderator_unpins_a_question_in_plain_words(live):
    cid = conference_id(live)
    mia = await moderator(live)
    await mia.attend(cid)
    assert await mia.act("ask", text="Wer bezahlt das?") is None
    await mia.until(lambda m: m.find("qa").find_class("question"))
    ident = mia.find("qa").find_class("question")[0].get("data-question")
    assert await mia.act("moderate_question", question=ident, action="pin") is None
    await mia.until(lambda m: m.has("pinned-question"))
    tools = [" ".join(b.text_content().split()) for b in mia.find("pinned-question").iter("button")]
    assert "Nicht mehr anheften" in tools
    assert "Loslösen" not in tools
    assert Translator("en")("qa.unpin") == "Unpin"
