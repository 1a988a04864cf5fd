"""The join poster in the organiser's console through the test client: the page to print,
its QR code read back, the PDF, and who gets none."""

from dataclasses import replace
from datetime import date, time

import pypdfium2
import pytest
from lxml import html as lxml_html

from server.exports import poster_pdf
from server.exports.join_poster import JoinPoster
from server.store.records import ConferenceRecord
from server.views.i18n import Translator

from .helpers import MYK, join, organiser_cookie, read_qr, svg_picture

POSTER = f"/console/{MYK}/poster"
JOIN_URL = f"http://testserver/c/{MYK}"


def _links(page) -> dict[str, str]:
    return {" ".join(a.text_content().split()): a.get("href") for a in page.iter("a")}


def test_the_console_page_leads_to_the_join_poster(client, settings):
    organiser = organiser_cookie(client, settings)
    page = lxml_html.fromstring(client.get(f"/console/{MYK}", headers={"cookie": organiser}).text)
    assert _links(page)["Aushang zum Beitreten"] == POSTER


def test_the_poster_shows_title_join_link_and_code_with_a_qr_code_of_the_link(client, settings):
    organiser = organiser_cookie(client, settings)
    answer = client.get(POSTER, headers={"cookie": organiser})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    page = lxml_html.fromstring(answer.text)
    assert page.findtext(".//title").startswith("Aushang zum Beitreten – Regionalkonferenz")
    poster = page.get_element_by_id("join-poster")
    assert poster.findtext(".//h1") == "Regionalkonferenz Mayen-Koblenz"
    text = " ".join(poster.text_content().split())
    assert "Jetzt mitmachen" in text and JOIN_URL in text
    assert "oder auf http://testserver/ diesen Code eingeben: MYK2022" in text

    [image] = poster.iter("img")
    assert image.get("alt") == f"QR-Code mit dem Link {JOIN_URL}"
    qr = client.get(image.get("src"), headers={"cookie": organiser})
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert read_qr(svg_picture(qr.content)) == [JOIN_URL]

    links = _links(page)
    assert links["Zurück zur Übersicht der Konferenz"] == f"/console/{MYK}"
    assert links["PDF herunterladen"] == f"{POSTER}/pdf"


def test_the_pdf_is_one_a4_page_whose_qr_code_opens_the_join_link(client, settings):
    organiser = organiser_cookie(client, settings)
    answer = client.get(f"{POSTER}/pdf", headers={"cookie": organiser})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == f'attachment; filename="{MYK}-aushang.pdf"'
    assert answer.headers["cache-control"] == "no-store"
    pdf = pypdfium2.PdfDocument(answer.content)
    try:
        assert len(pdf) == 1
        width, height = pdf[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
        text = pdf[0].get_textpage().get_text_range()
        assert "Mayen-Koblenz" in text and "Jetzt mitmachen" in text
        assert JOIN_URL in text and "MYK2022" in text
        assert "oder auf http://testserver/ diesen Code eingeben:" in text
        assert read_qr(pdf[0].render(scale=2).to_pil()) == [JOIN_URL]
    finally:
        pdf.close()


def test_the_poster_comes_in_the_organisers_language(client, settings):
    organiser_cookie(client, settings)
    client.post("/language", data={"language": "en", "next": POSTER})
    page = client.get(POSTER).text
    assert "Join in" in page and "or go to http://testserver/ and enter this code:" in page
    answer = client.get(f"{POSTER}/pdf")
    assert answer.headers["content-disposition"] == f'attachment; filename="{MYK}-join-poster.pdf"'
    pdf = pypdfium2.PdfDocument(answer.content)
    try:
        assert "Scan the QR code or open this address:" in pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()


@pytest.mark.parametrize("path", [POSTER, f"{POSTER}/qr.svg", f"{POSTER}/pdf"])
def test_participants_and_strangers_get_no_poster(client, path):
    anna = join(client, "Anna")
    client.cookies.clear()
    for cookie in (anna, ""):
        answer = client.get(path, headers={"cookie": cookie}, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/login?reason=required&next={path}"


@pytest.mark.parametrize("part", ["", "/qr.svg", "/pdf"])
def test_an_unknown_conference_has_no_poster(client, settings, part):
    organiser = organiser_cookie(client, settings)
    answer = client.get(f"/console/gibt-es-nicht/poster{part}", headers={"cookie": organiser})
    assert answer.status_code == 404


def test_a_long_title_shrinks_the_pdf_poster_instead_of_adding_a_page():
    conference = ConferenceRecord(
        id=1,
        slug="regionalkonferenz-wolfsburg",
        code="WOB24",
        title="Regionalkonferenz <Wolfsburg> & Umgebung",
        subtitle=None,
        date=date(2024, 9, 12),
        start=time(9),
        end=time(16),
        place="Volkswagen-Arena",
        format="in_person",
        language="de",
    )
    long = replace(conference, title=conference.title * 6, subtitle="Digitale Region " * 30)
    for shown in (conference, long):
        poster = JoinPoster(shown, "https://plenum.example.org")
        pdf = pypdfium2.PdfDocument(poster_pdf.write(poster, Translator("de")))
        try:
            assert len(pdf) == 1
            text = pdf[0].get_textpage().get_text_range()
            assert "<Wolfsburg> &" in text.replace("\r\n", " ")  # as written, not as markup
            assert "Donnerstag, 12. September 2024" in text and "WOB24" in text
            assert "https://plenum.example.org/c/regionalkonferenz-wolfsburg" in text
            found = read_qr(pdf[0].render(scale=2).to_pil())
            assert found == ["https://plenum.example.org/c/regionalkonferenz-wolfsburg"]
        finally:
            pdf.close()
