"""The translation layer: every text a person reads comes from a gettext catalogue here.

Each language is one catalogue, `locales/<language>/LC_MESSAGES/messages.po`; its message
ids are keys such as `room.people`, so code and templates name a text, not its wording.
German is the default; a text missing in another language falls back to German, a text
missing in German shows its key (and tests keep every catalogue complete and current).
Dates, times, numbers and plural forms follow CLDR through Babel.

The .po files are read at start-up, with no compile step: one file is all a translator
changes, and a fresh clone runs without build artefacts.
"""

import datetime as dt
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "de"
LANGUAGES = (DEFAULT_LANGUAGE,) + tuple(
    sorted(p.name for p in LOCALES.iterdir() if p.is_dir() and p.name != DEFAULT_LANGUAGE)
)
# English dates have always put the day first ("Tuesday, 5 April 2022") and times on a
# 24-hour clock: the British convention, not CLDR's default (American) English.
_CLDR_LOCALES = {"en": "en_GB"}


def catalogue_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> Translations:
    with open(catalogue_path(language), "rb") as po:
        catalogue = read_po(po, locale=language)
    for message in list(catalogue):
        # An untranslated plural still has its (empty) forms: drop it to fall back.
        if message.id and isinstance(message.string, tuple) and not all(message.string):
            del catalogue[message.id]
    compiled = BytesIO()
    write_mo(compiled, catalogue)  # leaves out fuzzy entries, as msgfmt does
    compiled.seek(0)
    translations = Translations(compiled, domain=DOMAIN)
    if language != DEFAULT_LANGUAGE:
        translations.add_fallback(_translations(DEFAULT_LANGUAGE))
    return translations


# Counts are small and repeat on every card of every fragment; CLDR formatting is not cheap.
@lru_cache(maxsize=4096)
def _number(count: int, locale: str) -> str:
    return format_decimal(count, locale=locale)


def pick_language(*candidates: str | None) -> str:
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def language_name(language: str) -> str:
    """The language's own name for itself ("Deutsch", "English"), from CLDR."""
    return Locale.parse(language).get_display_name(language)


class Translator:
    """The texts of one language; templates call it as `_`, and `ngettext` for plurals."""

    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self._locale_name = _CLDR_LOCALES.get(self.language, self.language)
        self.locale = Locale.parse(self._locale_name)
        self._messages = _translations(self.language)

    def __call__(self, key: str, **params: object) -> str:
        text = self._messages.gettext(key)
        return text.format(**params) if params else text

    def ngettext(self, key: str, plural_key: str, count: int, **params: object) -> str:
        """The form for `count` by the language's plural rule; `{count}` written for it."""
        text = self._messages.ngettext(key, plural_key, count)
        return text.format(count=_number(count, self._locale_name), **params)

    def plural(self, key: str, count: int, **params: object) -> str:
        return self.ngettext(key, key, count, **params)

    def date(self, day: dt.date) -> str:
        return format_date(day, "full", locale=self.locale)

    def date_range(self, first: dt.date, last: dt.date) -> str:
        """A conference's days ("26.–29. April 2022"); one day as `date` says it."""
        if first == last:
            return self.date(first)
        return format_interval(first, last, "yMMMMd", locale=self.locale)

    def time(self, moment: dt.time) -> str:
        return format_time(moment, "short", locale=self.locale)

    def time_range(self, start: dt.time, end: dt.time) -> str:
        return format_interval(start, end, "Hm", locale=self.locale)
