"""How often organiser sign-ins may be tried, so a guesser is slowed without locking the
account's owner out. Every attempt is counted, before its password is checked, so a burst
sent at once is counted as it arrives:

- per client address, whatever the username (rule "sign_in_address"): then refused;
- per username from one client address ("sign_in_username_address"): then refused;
  the owner's own typos are forgiven when they sign in;
- per username from anywhere ("sign_in_username"): never refused, since an attacker with
  many addresses could otherwise keep the owner out all day; past the limit, each attempt
  waits before its password is checked, longer with each further attempt
  (domain.organisers.sign_in_delay).
"""

from ..domain import organisers as rules
from .rate_limits import RateLimits

ADDRESS = "sign_in_address"
USERNAME_ADDRESS = "sign_in_username_address"
USERNAME = "sign_in_username"
# A second count under the username's rule: the attempts beyond its limit.
_BEYOND = "beyond"


async def count_attempt(limits: RateLimits, username: str, address: str) -> float:
    """Count one sign-in attempt; the seconds it waits before its password is checked.

    Raises DomainError("rate_limited", seconds=N) when this address, or this username
    from this address, tried too often.
    """
    name = _key(username)
    (await limits.hit(ADDRESS, address)).raise_if_refused()
    (await limits.hit(USERNAME_ADDRESS, name, address)).raise_if_refused()
    if (await limits.hit(USERNAME, name)).allowed:
        return 0.0
    await limits.hit(USERNAME, name, _BEYOND)
    return rules.sign_in_delay(await limits.count(USERNAME, name, _BEYOND))


async def signed_in(limits: RateLimits, username: str, address: str) -> None:
    """The right password from this address: its earlier attempts are forgiven there."""
    await limits.clear(USERNAME_ADDRESS, _key(username), address)


def _key(username: str) -> str:
    # Longer than any username can be: cut, so a flood of long ones stores little.
    return rules.normalise_username(username)[:64]
