"""What may leave the system in an export. The one place that decides it, for every format.

- Deleted cards never leave; hidden and waiting cards only when asked for; merged cards
  only under the card they were merged into (their words kept there). The plenary's
  questions follow the same rule: hidden and waiting ones only when asked for.
- A person's name and organisation only when they agreed on joining and the export is
  "names"; everyone else is a stable pseudonym made from their number in the conference,
  the same one `plenum purge` writes. Purged people are pseudonyms whatever was asked.
- Event payloads keep only references (ids, flags): earlier wordings and undo data, which
  may hold the text of deleted cards, stay inside. Votes are secret on the board, so no
  export says who cast a dot: vote events carry no actor.
"""

from ..domain.board import CardStatus
from ..domain.questions import Status as QuestionStatus
from ..store.exports import PersonRecord, StoredCard, StoredCluster
from ..store.room_events import RoomEventType
from .options import Authors, ExportOptions, Labels

_ALWAYS = frozenset({CardStatus.VISIBLE})
_WITH_HIDDEN = frozenset({CardStatus.VISIBLE, CardStatus.HIDDEN, CardStatus.PENDING})
_QUESTIONS_ALWAYS = frozenset({QuestionStatus.VISIBLE})
_QUESTIONS_WITH_HIDDEN = frozenset(QuestionStatus)
# Payload keys that only point at things (see store.room_events.RoomEffects).
_REFERENCES = frozenset(
    {
        "cards",
        "gone",
        "vote_cards",
        "clusters_new",
        "clusters_renamed",
        "clusters_gone",
        "takeaways",
        "state",
        "participant_id",
    }
)
_SECRET_ACTORS = frozenset({RoomEventType.VOTE_CAST, RoomEventType.VOTE_WITHDRAWN})


def pseudonym(number: int, labels: Labels) -> str:
    return labels("export.pseudonym", number=number)


class Policy:
    def __init__(
        self, options: ExportOptions, people: dict[int, PersonRecord], labels: Labels
    ) -> None:
        self.options = options
        self.people = people
        self.labels = labels
        self._statuses = _WITH_HIDDEN if options.include_hidden else _ALWAYS
        self._question_statuses = (
            _QUESTIONS_WITH_HIDDEN if options.include_hidden else _QUESTIONS_ALWAYS
        )

    def card_shown(self, card: StoredCard) -> bool:
        """A card that stands on its own in the export (merged ones follow their target)."""
        return card.status in self._statuses

    def merged_shown(self, card: StoredCard, into_shown: bool) -> bool:
        return card.status is CardStatus.MERGED and into_shown

    def question_shown(self, status: QuestionStatus) -> bool:
        return status in self._question_statuses

    def cluster_shown(self, cluster: StoredCluster) -> bool:
        return not cluster.removed

    def named(self, person_id: int | None) -> bool:
        person = self.people.get(person_id)
        return (
            person is not None
            and self.options.authors is Authors.NAMES
            and person.name_consent
            and not person.purged
        )

    def name(self, person_id: int | None) -> str:
        if self.named(person_id):
            return self.people[person_id].display_name
        person = self.people.get(person_id)
        return pseudonym(person.number, self.labels) if person else self.labels("export.unknown")

    def organisation(self, person_id: int | None) -> str | None:
        """Shown beside a name only: with a pseudonym it could point back at the person."""
        return self.people[person_id].organisation if self.named(person_id) else None

    def organisation_counted(self, person_id: int) -> str | None:
        """For the list of organisations represented: only of those who agreed."""
        person = self.people.get(person_id)
        if person is None or not person.name_consent or person.purged:
            return None
        return person.organisation

    def event_actor(self, event_type: str, actor_id: int | None) -> int | None:
        return None if event_type in _SECRET_ACTORS else actor_id

    def event_payload(self, payload: dict) -> dict:
        return {key: value for key, value in payload.items() if key in _REFERENCES}
