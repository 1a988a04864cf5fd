"""The directory's rules: what an entry accepts and how it is normalised, and what a
search or a filter finds."""

import pytest

from server.domain import directory as rules
from server.domain.directory import Entry, Listing, Search
from server.domain.errors import DomainError
from server.domain.permissions import Action, Role, is_allowed


def entry(**fields: str) -> Entry:
    values = {"municipality": "", "region": "", "topics": "", "offer": "", "seek": ""}
    return rules.entry(**(values | fields))


def refused(**fields: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        entry(**fields)
    return caught.value


def test_topics_are_trimmed_and_each_kept_once_in_its_first_spelling():
    typed = " Mobilität ,open data,, OPEN DATA , Klimaschutz,mobilität "
    assert rules.parse_topics(typed) == ("Mobilität", "open data", "Klimaschutz")
    assert rules.parse_topics("") == rules.parse_topics(" , ,") == ()


def test_at_most_eight_topics_of_at_most_forty_characters():
    eight = ", ".join(f"Thema {n}" for n in range(8))
    assert len(entry(topics=eight).topics) == 8
    assert len(entry(topics=eight + ", thema 0").topics) == 8  # a repeat does not count
    too_many = refused(topics=eight + ", Thema 8")
    assert (too_many.code, too_many.params) == ("directory_too_many_topics", {"max": 8})
    assert entry(topics="x" * 40).topics == ("x" * 40,)
    too_long = refused(topics="Mobilität, " + "x" * 41)
    assert (too_long.code, too_long.params) == ("directory_topic_too_long", {"max": 40})


def test_an_entry_is_cleaned_and_empty_fields_are_none():
    found = entry(
        municipality="  Stadt\u202e Mayen ",
        region="rp",
        offer="Erfahrung mit\r\n\r\n\r\nOpen Data",
        seek="   ",
    )
    assert found == Entry("Stadt Mayen", "rp", (), "Erfahrung mit\n\nOpen Data", None)
    assert entry() == Entry(None, None, (), None, None)


def test_each_field_has_its_limit_and_its_sentence():
    assert refused(municipality="x" * 101).code == "municipality_too_long"
    assert refused(offer="x" * 301).params == {"max": 300}
    assert refused(offer="x" * 301).code == "directory_offer_too_long"
    assert refused(seek="x" * 301).code == "directory_seek_too_long"
    assert entry(offer="x" * 300, seek="y" * 300).seek == "y" * 300
    assert refused(region="bavaria").code == "directory_region_unknown"


def test_the_regions_are_the_sixteen_laender_and_international():
    assert len(rules.LAENDER) == len(set(rules.LAENDER)) == 16
    assert rules.REGIONS[-1] == rules.INTERNATIONAL
    assert {entry(region=code).region for code in rules.REGIONS} == set(rules.REGIONS)


ANNA = Listing(
    1,
    "Anna Älterwein",
    Entry("Stadt Mayen", "rp", ("Mobilität", "Open Data"), "Radverkehrskonzept", None),
)
BEN = Listing(2, "ben Berger", Entry("Ulm", "bw", ("open data",), None, "Partner für Sensorik"))
CEM = Listing(3, "Cem", Entry(None, None, (), None, None))
EVERYONE = [CEM, BEN, ANNA]


def names(wanted: Search) -> list[str]:
    return [listing.name for listing in rules.found(wanted, EVERYONE)]


def test_without_a_search_everyone_listed_is_found_by_name():
    assert names(Search()) == ["Anna Älterwein", "ben Berger", "Cem"]
    assert not Search().narrows


def test_every_word_of_the_text_must_occur_somewhere_ignoring_case():
    assert names(rules.search("mayen", "", "")) == ["Anna Älterwein"]
    assert names(rules.search("OPEN data", "", "")) == ["Anna Älterwein", "ben Berger"]
    assert names(rules.search("sensorik ulm", "", "")) == ["ben Berger"]
    assert names(rules.search("radverkehr", "", "")) == ["Anna Älterwein"]
    assert names(rules.search("älterwein", "", "")) == ["Anna Älterwein"]
    assert names(rules.search("sensorik mayen", "", "")) == []


def test_region_and_topic_filter_exactly_and_together():
    assert names(rules.search("", "bw", "")) == ["ben Berger"]
    assert names(rules.search("", "", "Open Data")) == ["Anna Älterwein", "ben Berger"]
    assert names(rules.search("", "", "open")) == []  # a topic is matched whole
    assert names(rules.search("", "rp", "open data")) == ["Anna Älterwein"]
    assert names(rules.search("", "international", "")) == []


def test_a_search_leaves_out_what_it_cannot_use():
    wanted = rules.search("  x" * 60, "atlantis", "t" * 50)
    assert wanted.region == "" and len(wanted.text) == rules.MAX_SEARCH_LENGTH
    assert wanted.topic == "t" * rules.MAX_TOPIC_LENGTH and wanted.narrows


def test_the_topic_filter_offers_each_topic_once_alphabetically():
    assert rules.topics_of(EVERYONE) == ["Mobilität", "Open Data"]
    assert rules.topics_of([]) == []


def test_everyone_joined_may_see_the_directory_and_strangers_not():
    allowed = [role for role in Role if is_allowed(role, Action.VIEW_DIRECTORY)]
    assert allowed == [Role.PARTICIPANT, Role.MODERATOR, Role.ORGANISER]
