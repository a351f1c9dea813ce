"""Passwords that look long but are quick to guess are refused: repeats, few characters, and
keyboard or alphabet runs. Pure rules (no database), then the real password-change page."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.accounts.validators import RunsAndRepeatsPasswordValidator, count_runs

from ..conftest import login


def _codes(password) -> set[str]:
    try:
        RunsAndRepeatsPasswordValidator().validate(password)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize("password", [
    "aaaaaaaaaaaa",
    "AAAAAAaaaaaa",
    "abababababab",
    "1212121212121212",
    "abcdabcdabcdabcd",
])
def test_it_refuses_too_few_different_characters(password):
    assert _codes(password) == {"password_too_few_distinct_characters"}


@pytest.mark.parametrize("password", [
    "qwertyuiop12",
    "abcdefghijkl",
    "1234567890ab",
    "zyxwvutsrqpo",
    "asdfghjkl123",
    "QWERTYuiop12",
    "poiuytrewq09",
    "qwertzuiop12",
    "yxcvbnm12345",
    "zxcvbnmasdfghjkl",
    "qwertyqwerty",
    "йцукенгшщзх1",
    "ФЫВАПРОЛДЖЭ",
    "ячсмитьбю987",
])
def test_it_refuses_keyboard_and_alphabet_runs(password):
    assert _codes(password) == {"password_keyboard_run"}


@pytest.mark.parametrize("password", [
    "correct horse battery staple",
    "Tr0ub4dor&3-zebra",
    "the wing kettle is always cold",
    "Petrović čita knjige 1987",
    "грађанин на слободи 24",
])
def test_it_accepts_real_passphrases(password):
    assert _codes(password) == set()


@pytest.mark.parametrize(("text", "runs"), [
    ("", 0),
    ("q", 1),
    ("qwerty", 1),
    ("QwErTy", 1),
    ("ytrewq", 1),
    ("qwertyuiop12", 2),
    ("abcxyz", 2),
    ("yzab", 2),  # the alphabet does not wrap around
    ("1234567890", 1),  # along the keyboard's number row
    ("0123456789", 1),  # along the digits
    ("aaa", 3),  # a repeat is no run
    ("a!b", 3),  # a character in no sequence is a run of its own
])
def test_it_counts_the_fewest_runs(text, runs):
    assert count_runs(text) == runs


def test_three_runs_are_not_refused_by_this_rule():
    # The rule is "at most two runs"; longer mixtures are left to length and the common list.
    assert count_runs("qwerty!xyz12") == 4
    assert "password_keyboard_run" not in _codes("qwerty!xyz12")


def test_exactly_the_minimum_of_different_characters_is_enough():
    assert "password_too_few_distinct_characters" not in _codes("aebdcaebdcae")
    assert "password_too_few_distinct_characters" in _codes("aebdaebdaebd")


def test_the_limits_can_be_configured():
    strict = RunsAndRepeatsPasswordValidator(min_distinct=8, max_runs=3)
    assert count_runs("qwertyuiop!12") == 3
    assert _codes("qwertyuiop!12") == set()
    with pytest.raises(ValidationError):
        strict.validate("qwertyuiop!12")
    with pytest.raises(ValidationError):
        strict.validate("aebdcaebdcae")


def test_its_help_text_names_the_minimum():
    assert "at least 5 different characters" in RunsAndRepeatsPasswordValidator().get_help_text()


def test_it_is_one_of_the_installed_validators():
    with pytest.raises(ValidationError) as refused:
        validate_password("aaaaaaaaaaaa")
    assert "password_too_few_distinct_characters" in {e.code for e in refused.value.error_list}
    assert any("neighbouring keys" in text for text in password_validators_help_texts())


@pytest.mark.django_db
def test_the_password_change_page_refuses_a_keyboard_run_and_accepts_a_passphrase(world):
    user = world.treatment_a
    user.set_password("the old pass phrase")
    user.save()
    client = login(user)
    url = reverse("account_change_password")

    refused = client.post(url, {"oldpassword": "the old pass phrase",
                                "password1": "qwertyuiop12", "password2": "qwertyuiop12"})
    assert refused.status_code == 200
    assert "neighbouring keys" in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password("the old pass phrase")

    accepted = client.post(url, {"oldpassword": "the old pass phrase",
                                 "password1": "kettle on the third wing", "password2":
                                 "kettle on the third wing"})
    assert accepted.status_code == 302
    user.refresh_from_db()
    assert user.check_password("kettle on the third wing")
