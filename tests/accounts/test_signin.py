"""Sign-in answers that tell an attacker nothing: an unknown user name and a wrong password get
the same answer after the same work; a locked account tells its owner what to do; an
administrator's unlock, from the admin, is audited."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.core.models import AuditAction, AuditEvent

from ..conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LIMIT = 10


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast), counting how often a password is hashed."""

    algorithm = "counting_md5"
    runs = 0

    def encode(self, password, salt):
        CountingHasher.runs += 1
        return super().encode(password, salt)


@pytest.fixture
def counting(settings, world):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signin.CountingHasher"]
    world.treatment_a.set_password(PASSWORD)
    world.treatment_a.save()
    return world


def _attempt(username, password):
    """One sign-in POST: (response, queries run, times a password was hashed)."""
    client = Client(REMOTE_ADDR="10.20.0.1")
    CountingHasher.runs = 0
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("account_login"), {"login": username,
                                                          "password": "not the password"})
    return response, len(queries), CountingHasher.runs


def _normalised(response) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", text)
    return re.sub(r'nonce="[^"]+"', "NONCE", text)


def test_an_unknown_name_and_a_wrong_password_look_and_cost_the_same(counting):
    # given an account, tried with a wrong password
    wrong_password = _attempt("treatment_a", "not the password")
    # when the same name no longer names an account
    user = counting.treatment_a
    user.username = "renamed_treatment_a"
    user.save()
    # The same lockout state for both tries (axes records a name's first failure with more
    # queries than a later one, whatever the name).
    AccessAttempt.objects.all().delete()
    unknown_name = _attempt("treatment_a", "not the password")

    # then the answer, the database work and the password hashing are the same
    (known, known_queries, known_hashes), (unknown, unknown_queries, unknown_hashes) = (
        wrong_password, unknown_name)
    assert known.status_code == unknown.status_code == 200
    assert not known.wsgi_request.user.is_authenticated
    assert _normalised(known) == _normalised(unknown)
    assert known_queries == unknown_queries
    assert known_hashes == unknown_hashes >= 1
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("id")
    assert [e.details["reason"] for e in failures] == ["bad_credentials"] * 2


def test_a_user_name_that_never_existed_costs_the_same_as_a_wrong_password(counting):
    _, known_queries, known_hashes = _attempt("treatment_a", "not the password")
    _, unknown_queries, unknown_hashes = _attempt("nobody_at_all", "not the password")
    assert (known_queries, known_hashes) == (unknown_queries, unknown_hashes)


def _lock(username):
    for _ in range(LIMIT):
        Client(REMOTE_ADDR="10.20.0.1").post(reverse("account_login"), {
            "login": username, "password": "not the password"})


def test_a_locked_account_is_told_when_the_lock_ends_and_whom_to_ask(world):
    _lock("treatment_a")
    began = AccessAttempt.objects.get(username="treatment_a").attempt_time

    response = Client().post(reverse("account_login"), {"login": "treatment_a",
                                                        "password": PASSWORD})

    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    text = response.content.decode()
    ends = timezone.localtime(began + datetime.timedelta(minutes=15)).strftime("%H:%M")
    assert f"you can sign in again from {ends}" in text
    assert "15 minutes" in text
    assert "ask your administrator" in text


def test_an_unknown_name_is_locked_the_same_way(world):
    _lock("nobody_at_all")
    response = Client().post(reverse("account_login"), {"login": "nobody_at_all",
                                                        "password": PASSWORD})
    assert response.status_code == 429
    assert "ask your administrator" in response.content.decode()


def test_an_administrator_unlocks_an_account_from_the_admin_and_it_is_audited(world):
    world.treatment_a.set_password(PASSWORD)
    world.treatment_a.save()
    _lock("treatment_a")

    response = login(world.admin).post(reverse("admin:accounts_user_changelist"), {
        "action": "unlock_sign_in", "_selected_action": [world.treatment_a.pk]})

    assert response.status_code == 302
    [event] = AuditEvent.objects.filter(action=AuditAction.UNLOCK)
    assert event.actor == world.admin
    assert event.object_uuid == str(world.treatment_a.uuid)
    assert event.details["attempts_cleared"] >= 1
    signed_in = Client().post(reverse("account_login"), {"login": "treatment_a",
                                                         "password": PASSWORD})
    assert signed_in.wsgi_request.user == world.treatment_a


def test_only_an_administrator_reaches_the_unlock(world):
    _lock("treatment_a")
    response = login(world.manager_a).post(reverse("admin:accounts_user_changelist"), {
        "action": "unlock_sign_in", "_selected_action": [world.treatment_a.pk]})
    assert response.status_code in (302, 403)
    assert not AuditEvent.objects.filter(action=AuditAction.UNLOCK).exists()
    assert AccessAttempt.objects.filter(username="treatment_a").exists()
