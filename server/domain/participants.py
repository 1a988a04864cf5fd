"""Who may call themselves what: pseudonymous participants, no accounts."""

from dataclasses import dataclass

from .errors import DomainError
from .text import clean_text

MAX_NAME_LENGTH = 60
MAX_ORGANISATION_LENGTH = 100


@dataclass(frozen=True)
class Joining:
    display_name: str
    organisation: str | None
    # May the name appear in the conference's results documentation?
    name_consent: bool = False


def join(display_name: str, organisation: str | None, name_consent: bool = False) -> Joining:
    """Validate what a person typed on the join form.

    The name is required and short; the organisation (or municipality) is optional.
    Consent to be named in the results documentation is opt-in (unticked by default).
    """
    name = clean_text(display_name, multiline=False)
    if not name:
        raise DomainError("name_missing")
    if len(name) > MAX_NAME_LENGTH:
        raise DomainError("name_too_long", max=MAX_NAME_LENGTH)
    org = clean_text(organisation or "", multiline=False) or None
    if org and len(org) > MAX_ORGANISATION_LENGTH:
        raise DomainError("organisation_too_long", max=MAX_ORGANISATION_LENGTH)
    return Joining(display_name=name, organisation=org, name_consent=name_consent)
