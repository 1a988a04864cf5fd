"""Every text goes through the catalogues, and both languages have every text."""

import re
from pathlib import Path

from server.settings import PROJECT_ROOT
from server.views.i18n import LANGUAGES, Translator, catalogue

KEY_IN_TEMPLATE = re.compile(r"""_(?:\.plural)?\(\s*["']([a-z_.]+)["']""")


def test_every_language_has_the_same_keys():
    keys = {language: set(catalogue(language)) for language in LANGUAGES}
    assert keys["de"] == keys["en"]


def test_every_key_used_in_a_template_exists():
    used = set()
    for template in (PROJECT_ROOT / "templates").glob("*.html"):
        used |= set(KEY_IN_TEMPLATE.findall(template.read_text(encoding="utf-8")))
    known = set(catalogue("de"))
    plural_stems = {key.rsplit(".", 1)[0] for key in known if key.endswith((".one", ".other"))}
    dynamic = {key for key in used if key.endswith((".", "_"))}  # "agenda_kind." ~ item.kind
    assert used - dynamic - known - plural_stems == set()
    for prefix in dynamic:
        assert any(key.startswith(prefix) for key in known), prefix


def test_every_domain_error_code_has_a_message():
    codes = set()
    for module in Path(PROJECT_ROOT / "server").rglob("*.py"):
        codes |= set(re.findall(r'DomainError\(\s*"([a-z_]+)"', module.read_text(encoding="utf-8")))
    assert codes
    assert {f"errors.{code}" for code in codes} <= set(catalogue("de"))


def test_plural_and_dates_follow_the_language():
    import datetime

    de, en = Translator("de"), Translator("en")
    assert de.plural("room.people", 1) == "1 Person anwesend"
    assert en.plural("room.people", 3) == "3 people present"
    assert de.date(datetime.date(2022, 4, 5)) == "Dienstag, 5. April 2022"
    assert en.date(datetime.date(2022, 4, 5)) == "Tuesday, 5 April 2022"


def test_an_unknown_language_falls_back_to_german():
    assert Translator("fr").language == "de"
