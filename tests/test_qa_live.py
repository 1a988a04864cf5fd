"""Q&A, live: questions sorted by votes, one withdrawable vote each, pre-moderation, and a
room's moderator pinning the question being discussed."""

from .bot import Member
from .helpers import MYK, conference_id, moderator


def questions(member: Member) -> list[tuple[str, int]]:
    found = member.find("qa")
    return [
        (
            q.find_class("question-text")[0].text_content(),
            int(q.find_class("question-votes")[0].get("data-votes")),
        )
        for q in (found.find_class("question") if found is not None else [])
    ]


def voted(member: Member) -> list[int]:
    import json

    mine = member.find("my-plenary")
    return json.loads(mine.get("data-voted")) if mine is not None else []


async def test_questions_are_sorted_by_votes_and_each_vote_counts_once(live):
    cid = conference_id(live)
    anna = await Member.join(live.base, MYK, "Anna")
    ben = await Member.join(live.base, MYK, "Ben")
    for member in (anna, ben):
        await member.attend(cid)
    assert "Noch keine Fragen." in ben.find("qa").text_content()
    assert await anna.act("ask", text="Wer bezahlt das?") is None
    assert await anna.act("ask", text="Wie beteiligen wir Ältere?") is None
    await ben.until(lambda m: len(questions(m)) == 2)
    assert "Noch keine Fragen." not in ben.find("qa").text_content()
    second = int(ben.find("qa").find_class("question")[1].get("data-question"))

    assert await ben.act("vote_question", question=second) is None
    await anna.until(lambda m: questions(m)[:1] == [("Wie beteiligen wir Ältere?", 1)])
    await ben.until(lambda m: voted(m) == [second])
    assert voted(anna) == []  # only Ben's own socket hears of Ben's vote
    assert await ben.act("vote_question", question=second) == (
        "Sie unterstützen diese Frage bereits."
    )
    assert await ben.act("unvote_question", question=second) is None
    await anna.until(lambda m: dict(questions(m))["Wie beteiligen wir Ältere?"] == 0)


async def test_with_pre_moderation_a_question_waits_until_a_moderator_approves_and_pins_it(live):
    cid = conference_id(live)
    mia = await moderator(live, "strategieentwicklung")  # moderators of rooms moderate Q&A
    anna = await Member.join(live.base, MYK, "Anna")
    for member in (mia, anna):
        await member.attend(cid)
    assert await anna.act("qa_pre_moderation", on="yes") == (
        "Das ist Ihnen in diesem Raum nicht erlaubt."
    )
    assert await mia.act("qa_pre_moderation", on="yes") is None
    cid_ask = await anna.command("ask", text="Gibt es Fördermittel?")
    await anna.until(lambda m: cid_ask in m.notices)
    await mia.until(lambda m: len(questions(m)) == 1)
    assert questions(anna) == []
    ident = mia.find("qa").find_class("question")[0].get("data-question")

    assert await mia.act("moderate_question", question=ident, action="approve") is None
    await anna.until(lambda m: questions(m) == [("Gibt es Fördermittel?", 0)])
    assert await mia.act("moderate_question", question=ident, action="pin") is None
    await anna.until(lambda m: m.has("pinned-question"))
    assert await mia.act("moderate_question", question=ident, action="answer") is None
    await anna.until(lambda m: not m.has("pinned-question"))
