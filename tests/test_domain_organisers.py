"""Pure rules for organiser accounts and for slowing down password guessing."""

import pytest

from server.domain import organisers
from server.domain.errors import DomainError
from server.domain.throttle import Throttle


@pytest.mark.parametrize("username", ["mia", "Mia.Orga", " team-2022_a "])
def test_usernames_are_trimmed_and_lower_cased(username):
    assert organisers.new_organiser(username, "Mia").username == username.strip().lower()


@pytest.mark.parametrize("username", ["m", "mia orga", "-mia", "mia@example.org", "a" * 41, ""])
def test_odd_usernames_are_refused(username):
    with pytest.raises(DomainError) as refused:
        organisers.new_organiser(username, "Mia")
    assert refused.value.code == "username_invalid"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("elf-zeichen", "password_too_short"),
        (" " * 20, "password_too_short"),
        ("x" * 1025, "password_too_long"),
    ],
)
def test_passwords_need_a_sensible_length(password, code):
    with pytest.raises(DomainError) as refused:
        organisers.check_new_password(password)
    assert refused.value.code == code


def test_a_twelve_character_password_of_any_kind_is_enough():
    organisers.check_new_password("zwölf zeiche")


def test_sign_in_expiry_is_absolute_and_distrusts_a_clock_gone_backwards():
    hours = 12 * 3600
    assert not organisers.session_expired(1000, 1000 + hours - 1, hours)
    assert organisers.session_expired(1000, 1000 + hours, hours)
    assert organisers.session_expired(1000, 999, hours)


def test_throttle_lets_a_key_try_again_once_its_oldest_failure_is_old_enough():
    throttle = Throttle(limit=3, window=60)
    for t in (0, 10, 20):
        assert throttle.wait_seconds("a", t) == 0
        throttle.failed("a", t)
    assert throttle.wait_seconds("a", 30) == 30
    assert throttle.wait_seconds("b", 30) == 0
    assert throttle.wait_seconds("a", 60) == 0


def test_throttle_forgets_a_key_after_a_success():
    throttle = Throttle(limit=1, window=60)
    throttle.failed("a", 0)
    assert throttle.wait_seconds("a", 1) > 0
    throttle.succeeded("a")
    assert throttle.wait_seconds("a", 1) == 0


def test_throttle_memory_stays_bounded_under_a_flood_of_keys():
    throttle = Throttle(limit=2, window=60, max_keys=100)
    for n in range(1000):
        throttle.failed(f"key-{n}", 0)
        throttle.failed(f"key-{n}", 0)
    assert len(throttle._failures) == 100
    assert throttle.wait_seconds("key-999", 1) > 0
    assert throttle.wait_seconds("key-0", 1) == 0
