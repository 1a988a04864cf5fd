"""Purging personal data after the retention period (DSGVO)."""

import json
from datetime import date

import pytest
from sqlmodel import select

from server.cli import main
from server.domain.errors import DomainError
from server.domain.permissions import Role
from server.exports import Authors, Format
from server.services import retention
from server.store.tables import (
    Card,
    Comment,
    Conference,
    ModeratorGrant,
    ModeratorInvite,
    Participant,
    PlenaryPresence,
    Presence,
    Question,
    QuestionVote,
    Vote,
)
from server.views.i18n import Translator

from .helpers import backends_of, export, join
from .results_seed import AT, MYK, NARRATIVE

# MYK took place on 22.03.2022 and keeps its data 90 days: until 20.06.2022.
BEFORE_END = date(2022, 6, 20)
AFTER_END = date(2022, 6, 21)


def _people(database):
    def read(session):
        conference = session.exec(select(Conference).where(Conference.slug == MYK)).one()
        rows = session.exec(
            select(Participant)
            .where(Participant.conference_id == conference.id)
            .order_by(Participant.id)
        )
        return [(p.display_name, p.organisation, p.name_consent) for p in rows]

    return database.run_read(read)


def _counts(database) -> dict:
    def read(session):
        return {
            table.__name__: len(session.exec(select(table)).all())
            for table in (
                Card,
                Vote,
                Comment,
                Question,
                QuestionVote,
                ModeratorInvite,
                ModeratorGrant,
                Presence,
                PlenaryPresence,
            )
        }

    return database.run_read(read)


def _moderation(database, ids) -> None:
    def write(session):
        room = ids.rooms[NARRATIVE]
        invite = ModeratorInvite(
            room_id=room, name="Mia Moderatorin", secret_hash="x", created_at=AT
        )
        session.add(invite)
        session.flush()
        session.add(
            ModeratorGrant(room_id=room, participant_id=ids.people["mia"], invite_id=invite.id)
        )
        session.add(
            Presence(
                room_id=room,
                participant_id=ids.people["anna"],
                connections=1,
                since=AT,
            )
        )
        conference = session.exec(select(Conference).where(Conference.slug == MYK)).one()
        session.add(
            PlenaryPresence(
                conference_id=conference.id,
                participant_id=ids.people["ben"],
                connections=1,
                since=AT,
            )
        )

    database.run_write(write)


def _myk(reports):
    return next(report for report in reports if report.slug == MYK)


def test_nothing_is_purged_before_the_retention_period_ends(seeded):
    database, _ = seeded
    before = _people(database)
    reports = _purge(database, today=BEFORE_END)
    assert MYK not in [report.slug for report in reports]
    assert _people(database) == before


def test_dry_run_tells_what_would_change_and_changes_nothing(seeded):
    database, ids = seeded
    _moderation(database, ids)
    before, counts = _people(database), _counts(database)
    report = _myk(_purge(database, dry_run=True, today=AFTER_END))
    assert (report.counts.people, report.counts.invites, report.counts.grants) == (6, 1, 1)
    assert report.counts.presence == 2 and str(report.expired_on) == "2022-06-20"
    assert "would pseudonymise 6 participants" in retention.describe(report, dry_run=True)
    assert _people(database) == before and _counts(database) == counts


def test_purge_leaves_pseudonyms_and_every_card_and_a_second_purge_changes_nothing(seeded):
    database, ids = seeded
    _moderation(database, ids)
    pseudonymous = export(database, Format.CSV, authors=Authors.PSEUDONYMS)
    counts = _counts(database)

    report = _myk(_purge(database, today=AFTER_END))
    assert report.counts.people == 6
    people = _people(database)
    assert people[0] == ("Teilnehmende 1", None, False)
    assert [name for name, _, _ in people] == [f"Teilnehmende {n}" for n in range(1, 7)]
    after = _counts(database)
    kept = ("Card", "Vote", "Comment", "Question", "QuestionVote")
    assert {k: after[k] for k in kept} == {k: counts[k] for k in kept}
    gone = ("ModeratorInvite", "ModeratorGrant", "Presence", "PlenaryPresence")
    assert [after[k] for k in gone] == [0, 0, 0, 0]
    # The same pseudonyms as an export made before: exports stay complete, only anonymous.
    assert export(database, Format.CSV) == pseudonymous

    again = _myk(_purge(database, today=AFTER_END))
    assert not again.counts.anything
    assert retention.describe(again, dry_run=False).endswith("nothing to change")
    assert _people(database) == people


def test_purge_keeps_the_plenarys_questions_and_votes_but_no_name_on_them(seeded):
    database, ids = seeded
    before = json.loads(export(database, Format.JSON, include_hidden=True))["questions"]
    assert before[0]["author_label"] == "Anna Älterwein"
    _purge(database, today=AFTER_END)
    text = _text_of(export(database, Format.JSON, include_hidden=True))
    after = json.loads(text)["questions"]
    unchanged = ("id", "text", "author", "votes", "status", "answered", "created_at")
    assert [{k: q[k] for k in unchanged} for q in after] == [
        {k: q[k] for k in unchanged} for q in before
    ]
    assert [q["author_label"] for q in after][:2] == ["Teilnehmende 1", "Teilnehmende 6"]
    for name in ("Anna Älterwein", "Jürgen Weiß", "Cem Großmann", "Stadt Mayen"):
        assert name not in text
    markdown = _text_of(export(database, Format.MARKDOWN))
    assert "*von Teilnehmende 1 · 3 Stimmen*" in markdown


def _text_of(data: bytes) -> str:
    return data.decode("utf-8")


def test_only_organisers_purge(seeded):
    database, _ = seeded
    with pytest.raises(DomainError):
        _purge(database, role=Role.MODERATOR, today=AFTER_END)


def test_a_purged_participants_session_has_ended(client, settings):
    cookie = join(client, "Anna Älterwein", organisation="Stadt Mayen")
    assert "Willkommen, Anna Älterwein" in client.get(f"/c/{MYK}", headers={"cookie": cookie}).text
    assert main(["purge"], settings) == 0
    client.cookies.clear()
    page = client.get(f"/c/{MYK}", headers={"cookie": cookie}).text
    assert 'action="/c/regionalkonferenz-mayen-koblenz-2022/join"' in page
    assert "Willkommen" not in page and "Anna Älterwein" not in page


def test_cli_purge_dry_run_then_purge(seeded, settings, capsys):
    assert main(["purge", "--dry-run"], settings) == 0
    assert (
        f"{MYK} (expired 2022-06-20): would pseudonymise 6 participants" in capsys.readouterr().out
    )
    assert main(["purge"], settings) == 0
    assert f"{MYK} (expired 2022-06-20): pseudonymised 6 participants" in capsys.readouterr().out
    assert main(["purge"], settings) == 0
    assert f"{MYK} (expired 2022-06-20): nothing to change" in capsys.readouterr().out


def _purge(database, role: Role = Role.ORGANISER, **options):
    return retention.purge(backends_of(database), role, Translator, **options)
