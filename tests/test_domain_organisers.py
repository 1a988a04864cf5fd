"""Pure rules for organiser accounts, their sign-ins, and slowing down password guessing."""

from datetime import UTC, datetime, timedelta

import pytest

from server.domain import organisers
from server.domain.errors import DomainError


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


def test_a_sign_in_lasts_until_it_ends_or_its_hours_are_over():
    start, hours = datetime(2026, 3, 22, 9, tzinfo=UTC), timedelta(hours=12)
    assert organisers.sign_in_lasts(start, None, start + hours - timedelta(seconds=1), hours)
    assert not organisers.sign_in_lasts(start, None, start + hours, hours)
    assert not organisers.sign_in_lasts(start, start + timedelta(hours=1), start, hours)


def test_a_sign_in_from_the_future_does_not_last():
    start, hours = datetime(2026, 3, 22, 9, tzinfo=UTC), timedelta(hours=12)
    assert not organisers.sign_in_lasts(start, None, start - timedelta(seconds=1), hours)


def test_attempts_beyond_the_limit_wait_longer_each_time_up_to_ten_seconds():
    delays = [organisers.sign_in_delay(beyond) for beyond in range(7)]
    assert delays == [0, 1, 2, 4, 8, 10, 10]
    assert organisers.MAX_SIGN_IN_DELAY_SECONDS == 10
