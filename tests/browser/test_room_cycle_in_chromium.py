"""A whole breakout in a real browser: two participants post, the moderator clusters,
opens voting, participants vote, the moderator closes the room and writes the results,
and everyone sees them."""

from playwright.sync_api import Browser, expect

from .helpers import NARRATIVE, join_and_enter, moderator_in_room, post_card, shot


def test_a_whole_breakout_from_ideas_to_results(browser: Browser, server, server_url, settings):
    mia = moderator_in_room(browser, server_url, settings)
    anna = join_and_enter(browser, server_url, "Anna", NARRATIVE)
    ben = join_and_enter(browser, server_url, "Ben", NARRATIVE)
    everyone = (mia, anna, ben)

    post_card(anna, "Offene Daten")
    post_card(ben, "Ein Datenportal für den Landkreis")
    post_card(ben, "Geschichten aus dem Alltag erzählen")
    for page in everyone:
        expect(page.locator(".card")).to_have_count(3)
    expect(anna.locator(".card.mine")).to_have_count(1)

    # Clustering with the keyboard: tick two cards, name the cluster, press Enter.
    mia.get_by_role("button", name="Clustern").click()
    mia.get_by_role("checkbox", name="Karte auswählen: Offene Daten").check()
    mia.get_by_role("checkbox", name="Karte auswählen: Ein Datenportal für den Landkreis").check()
    expect(mia.locator(".selection-count")).to_have_text("Ausgewählt: 2")
    name = mia.get_by_label("Name des neuen Clusters")
    name.fill("Daten")
    name.press("Enter")
    for page in everyone:
        expect(page.locator(".cluster .cluster-name")).to_have_text(["Daten"])
        expect(page.locator(".cluster .card")).to_have_count(2)

    mia.get_by_role("button", name="Abstimmen").click()
    for page in everyone:
        expect(page.locator("#room-state")).to_have_attribute("data-phase", "vote")
    anna.get_by_role(
        "button", name="Einen Punkt geben: Geschichten aus dem Alltag erzählen"
    ).click()
    ben.get_by_role("button", name="Einen Punkt geben: Offene Daten").click()
    ben.get_by_role("button", name="Einen Punkt geben: Offene Daten").click()
    expect(ben.locator("#my-votes")).to_contain_text("Sie haben noch 3 von 5 Punkten.")
    # At most two dots per card in this room: the button says so before the server does.
    expect(ben.get_by_role("button", name="Einen Punkt geben: Offene Daten")).to_be_disabled()
    expect(anna.locator("#votes-1")).to_have_count(0)  # totals stay hidden while voting
    expect(mia.locator(".vote-count")).to_have_count(3)
    shot(ben, "participant-voting")

    mia.get_by_role("button", name="Diskutieren").click()
    expect(anna.locator(".card", has_text="Offene Daten").locator(".vote-count")).to_have_text(
        "2 Punkte"
    )
    in_cluster = anna.locator(".cluster-cards > li.card .card-text")
    anna.get_by_label("Sortieren").select_option("newest")
    expect(in_cluster).to_have_text(["Ein Datenportal für den Landkreis", "Offene Daten"])
    anna.get_by_label("Sortieren").select_option("votes")
    expect(in_cluster).to_have_text(["Offene Daten", "Ein Datenportal für den Landkreis"])
    anna.get_by_label("Cluster", exact=True).select_option(label="Daten")
    expect(anna.locator(".card", has_text="Geschichten aus dem Alltag")).to_be_hidden()
    anna.get_by_label("Spalte", exact=True).select_option(
        label="Wer erzählt die Geschichte – und wem?"
    )
    expect(anna.locator(".card", has_text="Offene Daten")).to_be_hidden()
    anna.get_by_label("Spalte", exact=True).select_option("")
    anna.get_by_label("Cluster", exact=True).select_option("")
    expect(anna.locator(".card:visible")).to_have_count(3)

    mia.locator(".cluster-tools summary").click()
    mia.locator(".cluster-tools").get_by_role("button", name="Als Ergebnis übernehmen").click()
    expect(anna.locator(".takeaway-text")).to_have_text(["Daten"])
    takeaway = mia.get_by_label("Neues Ergebnis")
    takeaway.fill("Geschichten machen die Smart City greifbar")
    takeaway.press("Control+Enter")
    mia.get_by_role("button", name="Geschlossen").click()
    # Closing asks first.
    mia.get_by_role("dialog").get_by_role("button", name="Raum schließen").click()

    expected = ["Daten", "Geschichten machen die Smart City greifbar"]
    for page in everyone:
        expect(page.locator("#room-state")).to_have_attribute("data-phase", "closed")
        expect(page.locator(".takeaway-text")).to_have_text(expected)
    expect(anna.locator(".post-form").first).to_be_hidden()
    # Opening a card's comments brings its form, which a closed room does not show.
    anna.locator(".comments summary").first.click()
    expect(anna.locator(".comment-form")).to_have_count(1)
    expect(anna.locator(".comment-form")).to_be_hidden()
    shot(mia, "moderator-closed")
    shot(anna, "participant-closed")
    for page in everyone:
        assert page.console_errors == []


def test_a_moderator_clusters_and_moves_cards_by_dragging(
    browser: Browser, server, server_url, settings
):
    mia = moderator_in_room(browser, server_url, settings)
    # Tall enough that no drag has to scroll on its way: Playwright's drag does not scroll
    # the page while the mouse is down, as a person's browser does near the edge.
    mia.set_viewport_size({"width": 1280, "height": 2400})
    anna = join_and_enter(browser, server_url, "Anna", NARRATIVE)
    for text in ("Offene Daten", "Ein Datenportal für den Landkreis", "Geschichten erzählen"):
        post_card(anna, text)
    expect(mia.locator(".card")).to_have_count(3)
    expect(anna.locator(".drag-handle")).to_have_count(0)  # moderators only

    def handle(text: str):
        return mia.locator(".card", has_text=text).locator(".drag-handle")

    def card(text: str):
        return mia.locator(".card", has_text=text).locator(".card-text")

    first, second = mia.locator("section.column").nth(0), mia.locator("section.column").nth(1)
    clusters = anna.locator(".cluster")

    # A card onto a loose card: a new cluster of both, named after the card dropped on.
    handle("Ein Datenportal").drag_to(card("Offene Daten"))
    expect(clusters.locator(".cluster-name")).to_have_text(["Offene Daten"])
    expect(clusters.locator(".card")).to_have_count(2)

    # Onto the cluster: it joins. Onto its column's free space: it leaves the cluster.
    handle("Geschichten").drag_to(mia.locator(".cluster-name"))
    expect(clusters.locator(".card")).to_have_count(3)
    shot(mia, "moderator-dragged")
    handle("Geschichten").drag_to(first.locator("h3"))
    expect(clusters.locator(".card")).to_have_count(2)
    expect(anna.locator(".cluster .card", has_text="Geschichten")).to_have_count(0)

    # Into another column, the ticked cards go along and the selection is done.
    mia.get_by_role("checkbox", name="Karte auswählen: Offene Daten").check()
    mia.get_by_role("checkbox", name="Karte auswählen: Geschichten erzählen").check()
    handle("Geschichten").drag_to(second.locator("h3"))
    moved = anna.locator("section.column").nth(1).locator(".card-text")
    expect(moved).to_have_text(["Offene Daten", "Geschichten erzählen"])
    expect(mia.locator(".selection-count")).to_have_text(
        "Keine Karte ausgewählt. Wählen Sie Karten über ihr Kästchen aus."
    )
    expect(anna.locator("section.column").nth(0).locator(".card")).to_have_count(1)
    for page in (mia, anna):
        assert page.console_errors == []


def test_a_participant_edits_and_deletes_her_card_while_the_moderator_edits_it_too(
    browser: Browser, server, server_url, settings
):
    """A card's edit form is cloned into it when opened: it starts from the card's text,
    follows the card while nobody typed in it, and keeps what was typed across updates."""
    mia = moderator_in_room(browser, server_url, settings)
    anna = join_and_enter(browser, server_url, "Anna", NARRATIVE)
    ben = join_and_enter(browser, server_url, "Ben", NARRATIVE)
    post_card(anna, "Offene Daten")
    expect(ben.locator(".card")).to_have_count(1)
    expect(ben.locator(".card").get_by_text("Bearbeiten")).to_be_hidden()  # not his card

    anna.locator(".card").get_by_text("Bearbeiten").click()
    field = anna.locator(".card").get_by_label("Text der Idee")
    expect(field).to_have_value("Offene Daten")

    def moderator_edits(text: str) -> None:
        card = mia.locator(".card")
        if not card.locator("details.card-edit").evaluate("details => details.open"):
            card.get_by_text("Bearbeiten").click()
        card.get_by_label("Text der Idee").fill(text)
        card.get_by_role("button", name="Speichern").click()
        expect(anna.locator(".card-text")).to_have_text(text)

    moderator_edits("Offene Daten im Landkreis")
    expect(field).to_have_value("Offene Daten im Landkreis")  # untouched: follows the card
    field.fill("Offene Daten für alle")
    moderator_edits("Offene Daten im Kreis")
    expect(field).to_have_value("Offene Daten für alle")  # typed: kept
    anna.locator(".card").get_by_role("button", name="Speichern").click()
    for page in (mia, anna, ben):
        expect(page.locator(".card-text")).to_have_text("Offene Daten für alle")
    expect(anna.locator("details.card-edit")).not_to_have_attribute("open", "")

    anna.locator(".card").get_by_text("Bearbeiten").click()
    anna.locator(".card").get_by_role("button", name="Idee löschen").click()
    for page in (mia, anna, ben):
        expect(page.locator(".card")).to_have_count(0)
    for page in (mia, anna, ben):
        assert page.console_errors == []
