"""The one rule for what people type: what goes, what stays (pure, no database)."""

import pytest

from server.domain import participants
from server.domain.errors import DomainError
from server.domain.text import clean_text, remove_unsafe_characters

SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u202egnp.exe\u202c Admin", "gnp.exe Admin"),  # right-to-left override
        ("a\u202ab\u202bc\u202dd \u2066e\u2067f\u2068g\u2069", "abcd efg"),  # embeddings
        ("\u200eLinks\u200f \u061cZeichen", "Links Zeichen"),  # direction marks
        ("Ad\u200bmin\u2060\ufeff\u00ad", "Admin"),  # zero-width space, joiner, BOM, SHY
        ("Idee\x00\x01\x07\x1b[31m\x7f\x80\x9f", "Idee[31m"),  # C0 and C1 controls
        ("Idee \ufffe\uffff\ufdd0\ufdef\U0001fffe\U0010ffff", "Idee"),  # noncharacters
        ("Idee\ud800\udfff", "Idee"),  # lone surrogates, as a JSON frame can carry them
        ("x\U000e0041\U000e0042y", "xy"),  # tags outside a flag hide ASCII text
        ("\u3164\uffa0", ""),  # Hangul fillers draw nothing
    ],
)
def test_characters_that_hide_reorder_or_break_files_go(typed, kept):
    assert clean_text(typed, multiline=False) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "👩🏽\u200d💻 und 👨\u200d👩\u200d👧",  # skin tone and ZWJ sequences
        "❤\ufe0f \u263a\ufe0e",  # variation selectors: emoji or text style
        f"Schottland {SCOTLAND}",  # a subdivision flag keeps its tags
        "q\u0323\u0307 \u0928\u093f\u0937\u094d\u200d\u0915",  # combining marks; Devanagari
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian needs the ZWNJ
        "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",  # right-to-left scripts
        "\u0600\u0661\u0662",  # an Arabic number sign is drawn, so it stays
        "\ue000 Firmenlogo",  # private use: a font's own icons
    ],
)
def test_emoji_combining_marks_and_every_script_stay(typed):
    assert clean_text(typed, multiline=False) == typed


def test_multi_line_text_keeps_tabs_as_spaces_and_every_kind_of_line_break():
    typed = "eins\r\nzwei\rdrei\x85vier\u2028f\u00fcnf\u2029sechs\tsieben"
    assert clean_text(typed, multiline=True) == "eins\nzwei\ndrei\nvier\nfünf\nsechs sieben"
    assert clean_text(typed, multiline=False) == "eins zwei drei vier fünf sechs sieben"


def test_characters_are_removed_before_normalising_so_marks_still_compose():
    assert clean_text("Mu\u200b\u0308nchen", multiline=False) == "M\u00fcnchen"


def test_exports_use_the_same_rule_without_touching_spaces_or_lines():
    stored = "  Zeile\u202e eins \x00\n\n\n\tzwei\uffff  "
    assert remove_unsafe_characters(stored) == "  Zeile eins \n\n\n\tzwei  "


@pytest.mark.parametrize("typed", ["\u202e\u202c", "\u200b \ufeff", "\x00\ud800", "\u3164"])
def test_a_name_of_only_invisible_characters_is_refused_as_missing(typed):
    with pytest.raises(DomainError) as refused:
        participants.join(typed, None)
    assert refused.value.code == "name_missing"


def test_an_organisation_of_only_invisible_characters_is_none():
    assert participants.join("Anna", "\u200b\u202e").organisation is None
