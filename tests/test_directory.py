"""The directory ("Wer ist da?") through the pages: opting in, being found by search and
filters, withdrawing, and who never appears: whoever did not opt in, and the people of
another conference. Strangers are sent to join first; purge deletes the entries."""

from dataclasses import replace

from lxml import html
from sqlmodel import select
from starlette.testclient import TestClient

from server.app import create_app
from server.cli import main
from server.store.tables import DirectoryEntry
from server.views.environment import Views

from .helpers import MYK, join, organiser_cookie

ULM = "regionalkonferenz-ulm-2022"
PEOPLE = f"/c/{MYK}/people"
PERSON = "//li[contains(@class, 'directory-person')]"


def text(key: str, **params) -> str:
    return Views().translator("de")(key, **params)


def count(key: str, number: int) -> str:
    return Views().translator("de").plural(key, number)


def opt_in(client: TestClient, cookie: str, slug: str = MYK, **fields):
    form = {"listed": "yes", **fields}
    return client.post(
        f"/c/{slug}/people", data=form, headers={"cookie": cookie}, follow_redirects=False
    )


def listed(client: TestClient, cookie: str, slug: str = MYK, **query) -> list[str]:
    """The names the directory lists, in order."""
    page = client.get(f"/c/{slug}/people", params=query, headers={"cookie": cookie})
    assert page.status_code == 200, page.text
    return [name.strip() for name in _tree(page).xpath(PERSON + "/h3/text()")]


def status_of(client: TestClient, cookie: str, **query) -> str:
    page = client.get(PEOPLE, params=query, headers={"cookie": cookie})
    (element,) = _tree(page).xpath('//*[@id="directory-count"][@role="status"]')
    return element.text_content().strip()


def _tree(page):
    return html.fromstring(page.text)


def entries(client: TestClient) -> list[DirectoryEntry]:
    return client.app_state["runtime"].backends.database.run_read(
        lambda s: s.exec(select(DirectoryEntry)).all()
    )


def test_whoever_opts_in_appears_with_what_they_typed_and_nobody_else_does(client):
    anna = join(client, "Anna Älterwein", organisation="Stadt Mayen")
    page = client.get(PEOPLE, headers={"cookie": anna})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    form = _tree(page)
    assert form.xpath('//input[@name="municipality"]/@value') == ["Stadt Mayen"]  # prefilled
    assert form.xpath('//input[@name="listed"]/@checked') == []  # unticked by default
    ben = join(client, "Ben Berger", organisation="Stadt Ulm")  # never opts in
    assert listed(client, ben) == []

    saved = opt_in(
        client,
        anna,
        municipality="Stadt Mayen",
        region="rp",
        topics="Mobilität, open data, Open Data , Daten & Co",
        offer="Erfahrung mit dem Radverkehrskonzept",
        seek="Partner für Sensorik",
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{PEOPLE}?saved=1#my-entry"
    back = client.get(saved.headers["location"], headers={"cookie": anna}).text
    assert text("directory.saved") in back

    assert listed(client, ben) == ["Anna Älterwein"]
    page = client.get(PEOPLE, headers={"cookie": ben}).text
    for shown in ("Stadt Mayen", text("directory.region.rp"), "Radverkehrskonzept", "Sensorik"):
        assert shown in page
    assert "Daten &amp; Co" in page and "Daten & Co" not in page
    (person,) = _tree(client.get(PEOPLE, headers={"cookie": ben})).xpath(PERSON)
    assert person.xpath(".//dd[1]/a/text()") == ["Mobilität", "open data", "Daten & Co"]
    assert "Ben Berger" not in page.split('id="my-entry"')[0]
    assert status_of(client, ben) == count("directory.listed", 1)


def test_search_and_filters_narrow_the_list_and_say_how_many(client):
    anna = join(client, "Anna Älterwein")
    assert opt_in(client, anna, region="rp", topics="Mobilität, Open Data").status_code == 303
    ben = join(client, "Ben Berger")
    opt_in(client, ben, municipality="Ulm", region="bw", topics="open data", seek="Sensorik")
    cem = join(client, "Cem")
    assert opt_in(client, cem).status_code == 303  # listed with a name only

    assert listed(client, cem) == ["Anna Älterwein", "Ben Berger", "Cem"]
    assert listed(client, cem, q="sensorik") == ["Ben Berger"]
    assert listed(client, cem, q="ulm open") == ["Ben Berger"]
    assert listed(client, cem, q="mobil") == ["Anna Älterwein"]
    assert listed(client, cem, region="bw") == ["Ben Berger"]
    assert listed(client, cem, topic="OPEN DATA") == ["Anna Älterwein", "Ben Berger"]
    assert listed(client, cem, topic="open data", region="rp") == ["Anna Älterwein"]
    assert listed(client, cem, q="nirgends") == []
    assert listed(client, cem, region="atlantis") == listed(client, cem)  # left out
    assert status_of(client, cem, region="bw") == count("directory.found", 1)
    assert status_of(client, cem, q="nirgends") == count("directory.found", 0)

    page = _tree(client.get(PEOPLE, params={"topic": "open data"}, headers={"cookie": cem}))
    (search,) = page.xpath('//form[@method="get"][@role="search"]')
    assert search.xpath('.//select[@name="topic"]/option/@value') == ["", "Mobilität", "Open Data"]
    assert search.xpath('.//select[@name="topic"]/option[@selected]/@value') == ["Open Data"]
    assert len(search.xpath('.//select[@name="region"]/option')) == 18  # all, 16 Länder, abroad


def test_withdrawing_removes_the_entry_whole(client):
    anna = join(client, "Anna Älterwein", organisation="Stadt Mayen")
    ben = join(client, "Ben Berger")
    opt_in(client, anna, municipality="Mayen", topics="Mobilität", offer="Beratung")
    assert listed(client, ben) == ["Anna Älterwein"]

    unticked = client.post(
        PEOPLE, data={"topics": "Mobilität"}, headers={"cookie": anna}, follow_redirects=False
    )
    assert unticked.status_code == 303
    assert listed(client, ben) == [] and entries(client) == []
    page = client.get(unticked.headers["location"], headers={"cookie": anna})
    assert text("directory.not_listed") in page.text
    own = _tree(page)
    assert own.xpath('//input[@name="municipality"]/@value') == ["Stadt Mayen"]
    assert own.xpath('//input[@name="topics"]/@value') == [""]
    assert own.xpath('//button[@name="remove"]') == []

    opt_in(client, anna, topics="Mobilität")
    assert _tree(client.get(PEOPLE, headers={"cookie": anna})).xpath('//button[@name="remove"]')
    removed = opt_in(client, anna, topics="Mobilität", remove="yes")
    assert removed.status_code == 303
    assert listed(client, ben) == [] and entries(client) == []


def test_bad_input_is_refused_with_its_sentence_and_saves_nothing(client):
    anna = join(client, "Anna Älterwein")
    answers = {
        "directory_too_many_topics": opt_in(client, anna, topics=",".join("abcdefghi")),
        "directory_topic_too_long": opt_in(client, anna, topics="Mobilität, " + "x" * 41),
        "directory_offer_too_long": opt_in(client, anna, offer="x" * 301),
        "directory_seek_too_long": opt_in(client, anna, seek="x" * 301),
        "directory_region_unknown": opt_in(client, anna, region="atlantis"),
        "municipality_too_long": opt_in(client, anna, municipality="x" * 101),
    }
    for code, answer in answers.items():
        assert answer.status_code == 422, code
        assert text(f"errors.{code}").split("{")[0] in answer.text, code
    kept = _tree(answers["directory_topic_too_long"])
    assert kept.xpath('//input[@name="topics"]/@value') == ["Mobilität, " + "x" * 41]
    assert kept.xpath('//input[@name="listed"]/@checked') == ["checked"]
    assert entries(client) == []

    opt_in(client, anna, topics="Mobilität")
    assert opt_in(client, anna, topics="Klima", offer="x" * 301).status_code == 422
    assert [entry.topics for entry in entries(client)] == ['["Mobilität"]']  # unchanged


def test_saving_counts_against_the_post_limit_and_leaving_never_does(settings):
    settings = replace(settings, rate_limits={**settings.rate_limits, "post": "2 per minute"})
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        anna = join(client, "Anna Älterwein")
        assert opt_in(client, anna, topics="Mobilität").status_code == 303
        assert opt_in(client, anna, topics="Klima").status_code == 303
        refused = opt_in(client, anna, topics="Wasser")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert [entry.topics for entry in entries(client)] == ['["Klima"]']
        left = client.post(PEOPLE, data={}, headers={"cookie": anna}, follow_redirects=False)
        assert left.status_code == 303 and entries(client) == []


def test_strangers_are_sent_to_join_first_and_cannot_write(client):
    client.cookies.clear()
    answer = client.get(PEOPLE, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/c/{MYK}?next={PEOPLE}"
    joined = client.post(
        f"/c/{MYK}/join",
        data={"display_name": "Anna", "next": PEOPLE},
        follow_redirects=False,
    )
    assert joined.headers["location"] == PEOPLE  # and back to the directory

    client.cookies.clear()
    refused = client.post(PEOPLE, data={"listed": "yes", "topics": "Mobilität"})
    assert refused.status_code == 403 and text("errors.not_joined") in refused.text
    assert entries(client) == []
    assert client.get("/c/nowhere/people").status_code == 404


def test_another_conferences_participants_never_appear(client):
    anna = join(client, "Anna Älterwein")
    opt_in(client, anna, topics="Mobilität")
    ulrike = join(client, "Ulrike Ulm", slug=ULM)
    assert opt_in(client, ulrike, slug=ULM, topics="Mobilität").status_code == 303

    assert listed(client, anna) == ["Anna Älterwein"]
    assert listed(client, ulrike, slug=ULM) == ["Ulrike Ulm"]
    assert listed(client, anna, topic="Mobilität") == ["Anna Älterwein"]
    # Anna's session is a stranger's in Ulm: she joins there first, and writes nothing.
    client.cookies.clear()
    elsewhere = client.get(f"/c/{ULM}/people", headers={"cookie": anna}, follow_redirects=False)
    assert elsewhere.status_code == 303
    client.cookies.clear()
    refused = opt_in(client, anna, slug=ULM, topics="Klima")
    assert refused.status_code == 403
    assert sorted(entry.topics for entry in entries(client)) == ['["Mobilität"]'] * 2


def test_the_lobby_links_to_the_directory(client):
    anna = join(client, "Anna Älterwein")
    lobby = client.get(f"/c/{MYK}", headers={"cookie": anna})
    assert f'href="{PEOPLE}"' in lobby.text


def test_purge_deletes_the_directory_entries(client, settings, capsys):
    anna = join(client, "Anna Älterwein")
    opt_in(client, anna, topics="Mobilität", offer="Beratung")
    assert main(["purge", "--dry-run"], settings) == 0
    assert "1 directory entries" in capsys.readouterr().out
    assert len(entries(client)) == 1
    assert main(["purge"], settings) == 0
    assert f"{MYK} (expired 2022-06-20)" in capsys.readouterr().out
    assert entries(client) == []


def test_the_whole_report_counts_the_directory_and_never_names_anyone_from_it(client, settings):
    anna, ben = join(client, "Anna Verzeichnis"), join(client, "Ben Verzeichnis")
    opt_in(client, anna, region="rp", topics="Mobilität, Open Data", seek="Partner")
    opt_in(client, ben, region="rp", topics="open data")
    organiser = organiser_cookie(client, settings)
    download = f"/console/{MYK}/exports/download"

    whole = client.get(download, params={"format": "html"}, headers={"cookie": organiser})

    assert whole.status_code == 200
    report = html.fromstring(whole.text).text_content()
    assert count("export.report.directory_people", 2) in report
    assert text("export.report.directory_regions", regions="Rheinland-Pfalz (2)") in report
    topics = text("export.report.directory_topics", topics="Open Data (2), Mobilität (1)")
    assert topics in report
    assert "Anna Verzeichnis" not in report and "Partner" not in report
    one_room = client.get(
        download,
        params={"format": "html", "room": "strategieentwicklung"},
        headers={"cookie": organiser},
    )
    assert text("export.report.networking") not in one_room.text
