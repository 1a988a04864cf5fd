"""Every text goes through the catalogues, and every catalogue has every text, current."""

import datetime
import os
import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from server.settings import PROJECT_ROOT
from server.views.environment import Views
from server.views.i18n import LANGUAGES, Translator, catalogue_path


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> dict[str, object]:
    """What `scripts/translations extract` finds in templates and code, by message id."""
    pot = tmp_path_factory.mktemp("translations") / "messages.pot"
    subprocess.run(
        [PROJECT_ROOT / "scripts" / "translations", "extract"],
        env={**os.environ, "POT": str(pot)},
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as f:
        return {message.id: message for message in read_po(f) if message.id}


def forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def catalogue(language: str) -> dict[str, object]:
    with open(catalogue_path(language), "rb") as f:
        return {message.id: message for message in read_po(f) if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_extracted_message_is_translated(template, language):
    messages = catalogue(language)
    missing = sorted(str(key) for key in template if key not in messages)
    assert missing == [], f"run scripts/translations update, then translate in {language}"
    untranslated = sorted(
        str(key)
        for key, message in messages.items()
        if key in template and (message.fuzzy or not all(forms(message.string)))
    )
    assert untranslated == [], f"untranslated or fuzzy in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalogue_keeps_a_message_the_sources_lost(template, language):
    stale = sorted(str(key) for key in catalogue(language) if key not in template)
    assert stale == [], "run scripts/translations update"


def test_every_domain_error_code_has_a_message(template):
    codes = set()
    for module in Path(PROJECT_ROOT / "server").rglob("*.py"):
        codes |= set(re.findall(r'DomainError\(\s*"([a-z_]+)"', module.read_text(encoding="utf-8")))
    assert codes
    unnamed = sorted(f"errors.{code}" for code in codes if f"errors.{code}" not in template)
    assert unnamed == [], "name them in server/views/runtime_messages.py"


def test_every_key_used_in_a_template_is_in_the_catalogues(template):
    """Keys built from a prefix ("agenda_kind." ~ item.kind) need a message under that prefix."""
    used = set()
    for path in (PROJECT_ROOT / "templates").glob("*.html"):
        used |= set(re.findall(r"""_\(\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    keys = {key if isinstance(key, str) else key[0] for key in template}
    for prefix in {key for key in used if key.endswith((".", "_"))}:
        assert any(key.startswith(prefix) for key in keys), f"no {prefix}… in runtime_messages.py"


def test_plurals_dates_and_times_follow_cldr():
    de, en = Translator("de"), Translator("en")
    assert de.plural("room.people", 1) == "1 Person anwesend"
    assert en.plural("room.people", 3) == "3 people present"
    assert de.plural("room.people", 1200) == "1.200 Personen anwesend"
    assert en.plural("room.people", 1200) == "1,200 people present"
    assert de.date(datetime.date(2022, 4, 5)) == "Dienstag, 5. April 2022"
    assert en.date(datetime.date(2022, 4, 5)) == "Tuesday, 5 April 2022"
    assert de.time(datetime.time(9, 5)) == en.time(datetime.time(9, 5)) == "09:05"
    start, end = datetime.time(9, 30), datetime.time(17, 0)
    assert de.time_range(start, end) == "09:30–17:00 Uhr"
    assert en.time_range(start, end) == "09:30–17:00"


def test_templates_translate_with_gettext_and_ngettext():
    views = Views()
    page = "{{ _('room.board') }} · {{ ngettext('room.people', 'room.people', n) }}"
    template = views.env.from_string(page)
    assert template.render(
        _=views.translator("en"), ngettext=views.translator("en").ngettext, n=2
    ) == ("Idea board · 2 people present")


def test_an_unknown_key_shows_itself():
    assert Translator("en")("no.such.key") == "no.such.key"


def test_an_unknown_language_falls_back_to_german():
    assert Translator("fr").language == "de"
