"""Everything as JSON, schema `plenum-results` version 1 (docs/exports.md describes it).

Written piece by piece: a room's cards and its event log go out as they are read.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from .content import CardView, QuestionView, RoomView
from .source import Source

SCHEMA = "plenum-results"
VERSION = 1
EVENTS_PER_CHUNK = 500


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write(source: Source) -> Iterator[str]:
    yield "{" + _json("schema") + ":" + _json(SCHEMA) + ',"version":' + _json(VERSION)
    yield ',"generated_at":' + _json(datetime.now(UTC).isoformat(timespec="seconds"))
    yield ',"options":' + _json(_options(source))
    yield ',"conference":' + _json(_conference(source))
    yield ',"agenda":' + _json(_agenda(source))
    yield ',"participants":' + _json(_participants(source))
    yield ',"rooms":['
    for index, room in enumerate(source.room_views()):
        yield from _room(source, room, first=index == 0)
    yield "]"
    yield ',"questions":' + _json(_questions(source))
    yield ',"attendance":' + _json(_attendance(source)) + "}\n"


def _options(source: Source) -> dict:
    options = source.options
    return {
        "room": options.room,
        "day": options.day.isoformat() if options.day else None,
        "track": options.track,
        "include_hidden": options.include_hidden,
        "authors": options.authors.value,
        "language": source.labels.language,
    }


def _conference(source: Source) -> dict:
    c, dump = source.conference, source.dump
    return {
        "slug": c.slug,
        "title": c.title,
        "subtitle": c.subtitle,
        "date": c.date.isoformat(),
        "end_date": (c.end_date or c.date).isoformat(),
        "start": c.start.strftime("%H:%M"),
        "end": c.end.strftime("%H:%M"),
        "timezone": dump.timezone,
        "place": c.place,
        "format": c.format,
        "language": c.language,
        "organiser": dump.organiser,
        "retention_days": dump.retention_days,
        "purged_at": source.iso(dump.purged_at),
    }


def _agenda(source: Source) -> list[dict]:
    return [
        {
            "position": position,
            "day": item.day.isoformat(),
            "start": item.start.strftime("%H:%M"),
            "end": item.end.strftime("%H:%M"),
            "title": item.title,
            "kind": item.kind,
            "speaker": item.speaker,
            "description": item.description,
            "track": item.track,
            "room": item.room,
        }
        for position, item in enumerate(source.dump.agenda)
        if item in source.agenda
    ]


def _participants(source: Source) -> list[dict]:
    policy = source.policy
    return [
        {
            "id": person_id,
            "label": policy.name(person_id),
            "named": policy.named(person_id),
            "organisation": policy.organisation(person_id),
        }
        for person_id in source.dump.people
    ]


def _room(source: Source, view: RoomView, first: bool) -> Iterator[str]:
    room, dump = view.room, view.dump
    head = {
        "slug": room.slug,
        "title": room.title,
        "description": room.description,
        "capacity": room.capacity,
        "phase": dump.phase,
        "moderators": view.moderators,
        "moderated_by": dump.moderation.participants,
        "columns": [
            {"key": c.column.key, "title": c.column.title, "description": c.column.description}
            for c in view.columns
        ],
        "clusters": [
            {
                "id": group.cluster.id,
                "column": c.column.key,
                "name": group.cluster.name,
                "cards": [card.id for card in group.cards],
            }
            for c in view.columns
            for group in c.clusters
        ],
        "results": _results(view),
        "visitors": dump.visitors,
    }
    yield ("" if first else ",") + _json(head)[:-1]
    cards = view.cards()
    yield ',"cards":' + _json([_card(source, card) for card in cards])
    votes = [
        {"card": card.id, "at": source.iso(at)}
        for card in cards
        for one in (card, *card.merged)
        for at in one.votes
    ]
    yield ',"votes":' + _json(votes)
    yield ',"events":['
    chunk: list[str] = []
    for index, event in enumerate(source.events(room)):
        chunk.append(
            ("," if index else "")
            + _json(
                {
                    "seq": event.seq,
                    "type": event.type,
                    "at": source.iso(event.at),
                    "actor": source.policy.event_actor(event.type, event.actor_id),
                    "payload": source.policy.event_payload(event.payload),
                }
            )
        )
        if len(chunk) >= EVENTS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "]}"


def _results(view: RoomView) -> list[dict]:
    shown_cards = {card.id for card in view.cards()}
    shown_clusters = {group.cluster.id for c in view.columns for group in c.clusters}
    return [
        {
            "position": t.position,
            "text": t.text,
            # A result points at a card or cluster only if the export shows it.
            "card": t.card_id if t.card_id in shown_cards else None,
            "cluster": t.cluster_id if t.cluster_id in shown_clusters else None,
        }
        for t in view.takeaways
    ]


def _card(source: Source, card: CardView) -> dict:
    return {
        "id": card.id,
        "column": card.column.key,
        "cluster": card.cluster.id if card.cluster else None,
        "text": card.text,
        "author": card.author_id,
        "author_label": card.author,
        "organisation": card.organisation,
        "status": card.status.value,
        "highlighted": card.highlighted,
        "votes": len(card.votes),
        "created_at": source.iso(card.created_at),
        "edited_at": source.iso(card.edited_at),
        "edited_by_moderator": card.edited_by_moderator,
        "merged_into": card.merged_into,
        "comments": [
            {
                "id": c.id,
                "author": c.author_id,
                "author_label": c.author,
                "text": c.text,
                "created_at": source.iso(c.created_at),
            }
            for c in card.comments
        ],
        "merged": [_card(source, merged) for merged in card.merged],
    }


def _questions(source: Source) -> list[dict]:
    return [_question(source, question) for question in source.questions()]


def _question(source: Source, question: QuestionView) -> dict:
    return {
        "id": question.id,
        "text": question.text,
        "author": question.author_id,
        "author_label": question.author,
        "votes": question.votes,
        "status": question.status.value,
        "answered": question.answered,
        "created_at": source.iso(question.created_at),
    }


def _attendance(source: Source) -> dict:
    attendance = source.attendance()
    return {
        "participants": attendance.people,
        "rooms": [{"room": room.slug, "participants": n} for room, n in attendance.rooms],
        "organisations": [
            {"name": name, "participants": n} for name, n in attendance.organisations
        ],
    }
