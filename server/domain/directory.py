"""The conference's directory ("Wer ist da?"): who is here, from where, with which topics,
what they offer and what they look for. Pure rules, no I/O.

Nobody is listed without opting in: an `Entry` exists only for someone who ticked "in the
directory" and saved; withdrawing deletes it whole. An entry holds only what the person
typed (municipality, region, topics, offer, seek); their name is their display name.

- Region: one of `REGIONS` (the 16 Länder by their ISO 3166-2 code, lower case, and
  "international"), or none.
- Topics: typed comma-separated; each trimmed, empty ones dropped, repeats (ignoring case)
  kept once in their first spelling; at most `MAX_TOPICS`, each at most
  `MAX_TOPIC_LENGTH` characters.
- Offer and seek: optional, at most `MAX_NOTE_LENGTH` characters each (line breaks kept,
  blank lines folded as on a card).

A `Search` narrows the list: every word of its text must occur (ignoring case) in the
name, municipality, a topic, the offer or the seek; a region and a topic (ignoring case)
must match exactly. A search never fails: what it cannot use (an unknown region, text
beyond `MAX_SEARCH_LENGTH`) is left out.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import DomainError
from .participants import MAX_ORGANISATION_LENGTH
from .text import clean_text, optional_text

# The Länder in alphabetical order of their German names, which their codes follow.
LAENDER = (
    "bw",  # Baden-Württemberg
    "by",  # Bayern
    "be",  # Berlin
    "bb",  # Brandenburg
    "hb",  # Bremen
    "hh",  # Hamburg
    "he",  # Hessen
    "mv",  # Mecklenburg-Vorpommern
    "ni",  # Niedersachsen
    "nw",  # Nordrhein-Westfalen
    "rp",  # Rheinland-Pfalz
    "sl",  # Saarland
    "sn",  # Sachsen
    "st",  # Sachsen-Anhalt
    "sh",  # Schleswig-Holstein
    "th",  # Thüringen
)
INTERNATIONAL = "international"
REGIONS = (*LAENDER, INTERNATIONAL)

MAX_MUNICIPALITY_LENGTH = MAX_ORGANISATION_LENGTH
MAX_TOPICS = 8
MAX_TOPIC_LENGTH = 40
MAX_NOTE_LENGTH = 300
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class Entry:
    """What a person chose to show in the directory, checked."""

    municipality: str | None
    region: str | None  # one of REGIONS
    topics: tuple[str, ...]
    offer: str | None
    seek: str | None


@dataclass(frozen=True)
class Listing:
    """One person in the directory: their participant id, display name and entry."""

    participant_id: int
    name: str
    entry: Entry


@dataclass(frozen=True)
class Search:
    text: str = ""
    region: str = ""
    topic: str = ""

    @property
    def narrows(self) -> bool:
        return bool(self.text or self.region or self.topic)


def entry(municipality: str, region: str, topics: str, offer: str, seek: str) -> Entry:
    """The form's fields, checked and normalised; a DomainError names the first field
    that is wrong."""
    region = (region or "").strip()
    if region and region not in REGIONS:
        raise DomainError("directory_region_unknown")
    return Entry(
        municipality=optional_text(municipality, MAX_MUNICIPALITY_LENGTH, "municipality_too_long"),
        region=region or None,
        topics=parse_topics(topics),
        offer=optional_text(offer, MAX_NOTE_LENGTH, "directory_offer_too_long", multiline=True),
        seek=optional_text(seek, MAX_NOTE_LENGTH, "directory_seek_too_long", multiline=True),
    )


def parse_topics(text: str) -> tuple[str, ...]:
    """Comma-separated topics, each once (ignoring case), in the order typed."""
    topics: list[str] = []
    seen: set[str] = set()
    for part in (text or "").split(","):
        topic = clean_text(part, multiline=False)
        if not topic or _key(topic) in seen:
            continue
        if len(topic) > MAX_TOPIC_LENGTH:
            raise DomainError("directory_topic_too_long", max=MAX_TOPIC_LENGTH)
        seen.add(_key(topic))
        topics.append(topic)
    if len(topics) > MAX_TOPICS:
        raise DomainError("directory_too_many_topics", max=MAX_TOPICS)
    return tuple(topics)


def _key(text: str) -> str:
    return text.casefold()


def search(text: str, region: str, topic: str) -> Search:
    """A search from a GET form's values; what cannot be used is left out."""
    region = (region or "").strip()
    return Search(
        text=clean_text(text or "", multiline=False)[:MAX_SEARCH_LENGTH],
        region=region if region in REGIONS else "",
        topic=clean_text(topic or "", multiline=False)[:MAX_TOPIC_LENGTH],
    )


def matches(wanted: Search, listing: Listing) -> bool:
    found = listing.entry
    if wanted.region and found.region != wanted.region:
        return False
    if wanted.topic and _key(wanted.topic) not in {_key(t) for t in found.topics}:
        return False
    fields = (listing.name, found.municipality, *found.topics, found.offer, found.seek)
    haystack = "\n".join(_key(field) for field in fields if field)
    return all(word in haystack for word in _key(wanted.text).split())


def found(wanted: Search, listings: Iterable[Listing]) -> list[Listing]:
    """The listings that match, by name (ignoring case)."""
    hits = [listing for listing in listings if matches(wanted, listing)]
    return sorted(hits, key=lambda listing: (_key(listing.name), listing.participant_id))


def topics_of(listings: Sequence[Listing]) -> list[str]:
    """Every topic in the directory once (ignoring case; the first spelling by name
    order), alphabetically: the choices of the topic filter."""
    chosen: dict[str, str] = {}
    for listing in found(Search(), listings):
        for topic in listing.entry.topics:
            chosen.setdefault(_key(topic), topic)
    return sorted(chosen.values(), key=_key)


@dataclass(frozen=True)
class Counts:
    """The directory as numbers only, for the results documentation: people opted in to
    be found during the event, not to be named afterwards."""

    people: int
    regions: list[tuple[str, int]]  # region code, people; most first
    topics: list[tuple[str, int]]  # topic (its first spelling), people; most first


def counts(listings: Sequence[Listing], most_topics: int = 10) -> Counts:
    regions: dict[str, int] = {}
    topics: dict[str, list] = {}  # key -> [first spelling, people]
    for listing in found(Search(), listings):
        if listing.entry.region:
            regions[listing.entry.region] = regions.get(listing.entry.region, 0) + 1
        for topic in listing.entry.topics:
            topics.setdefault(_key(topic), [topic, 0])[1] += 1
    by_count = sorted(regions.items(), key=lambda kv: (-kv[1], REGIONS.index(kv[0])))
    named = sorted(((t, n) for t, n in topics.values()), key=lambda tn: (-tn[1], _key(tn[0])))
    return Counts(len(listings), by_count, named[:most_topics])
