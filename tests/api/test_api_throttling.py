"""The API limits how many requests a user, and each of their tokens, makes: above the rate it
answers 429 in the error shape, saying (and in Retry-After) when to try again. The counts are
kept in the database cache that every app server shares."""

import datetime
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from alliance.core.throttling import Rate, parse_rate

from ..conftest import login
from .helpers import assert_error

pytestmark = pytest.mark.django_db

# 15 seconds into a minute, an hour and a day: a one-minute window ends in 45 seconds.
T0 = datetime.datetime(2026, 3, 2, 9, 0, 15, tzinfo=datetime.UTC)


@contextmanager
def frozen(at: datetime.datetime):
    with patch("django.utils.timezone.now", return_value=at):
        yield


def _token_client(user) -> Client:
    _instance, token = AuthToken.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def _get(client):
    return client.get(reverse("api:instrument-list"))


@pytest.fixture
def rates(settings):
    """No limits but those a test sets."""
    settings.API_THROTTLE_USER = settings.API_THROTTLE_USER_SUSTAINED = "0"
    settings.API_THROTTLE_TOKEN = settings.API_THROTTLE_TOKEN_SUSTAINED = "0"
    return settings


def test_it_answers_429_in_the_error_shape_with_retry_after(world, rates):
    rates.API_THROTTLE_USER = "2/min"
    client = login(world.treatment_a)
    with frozen(T0):
        assert [_get(client).status_code for _ in range(2)] == [200, 200]
        response = _get(client)
    body = assert_error(response, 429, "throttled")
    assert response["Retry-After"] == "45"
    assert body["detail"] == "Too many requests. Try again in 45 seconds."


def test_the_budget_comes_back_when_the_window_ends(world, rates):
    rates.API_THROTTLE_USER = "2/min"
    client = login(world.treatment_a)
    with frozen(T0):
        _get(client), _get(client)
    with frozen(T0 + datetime.timedelta(seconds=44)):
        assert _get(client).status_code == 429
    with frozen(T0 + datetime.timedelta(seconds=45)):
        assert [_get(client).status_code for _ in range(3)] == [200, 200, 429]


def test_a_user_with_two_tokens_and_a_session_spends_one_budget(world, rates):
    rates.API_THROTTLE_USER = "3/min"
    with frozen(T0):
        first, second = _token_client(world.treatment_a), _token_client(world.treatment_a)
        session = login(world.treatment_a)
        assert [_get(c).status_code for c in (first, second, session)] == [200, 200, 200]
        for client in (first, second, session):
            assert_error(_get(client), 429, "throttled")
        # another user has their own budget
        assert _get(login(world.manager_a)).status_code == 200


def test_each_token_has_its_own_budget_within_the_users(world, rates):
    rates.API_THROTTLE_TOKEN = "2/min"
    rates.API_THROTTLE_USER = "5/min"
    with frozen(T0):
        first, second = _token_client(world.treatment_a), _token_client(world.treatment_a)
        assert [_get(first).status_code for _ in range(3)] == [200, 200, 429]
        # the second token, and the session, are not held back by the first token's count
        assert [_get(second).status_code for _ in range(2)] == [200, 200]
        session = login(world.treatment_a)
        assert _get(session).status_code == 200
        # ... but all three spent the user's five
        assert_error(_get(session), 429, "throttled")


def test_a_burst_rate_holds_within_a_sustained_rate(world, rates):
    rates.API_THROTTLE_USER = "2/s"
    rates.API_THROTTLE_USER_SUSTAINED = "3/min"
    client = login(world.treatment_a)
    with frozen(T0):
        assert [_get(client).status_code for _ in range(3)] == [200, 200, 429]
        assert _get(client)["Retry-After"] == "1"
    with frozen(T0 + datetime.timedelta(seconds=1)):
        assert [_get(client).status_code for _ in range(2)] == [200, 429]
        response = _get(client)
    # the sustained window is the longer wait: to the end of the minute
    assert response["Retry-After"] == "44"
    assert "44 seconds" in assert_error(response, 429, "throttled")["detail"]


def test_refused_requests_do_not_spend_the_next_window(world, rates):
    rates.API_THROTTLE_USER = "1/min"
    client = login(world.treatment_a)
    with frozen(T0):
        assert [_get(client).status_code for _ in range(5)] == [200, 429, 429, 429, 429]
    with frozen(T0 + datetime.timedelta(minutes=1)):
        assert _get(client).status_code == 200


def test_the_counts_are_kept_in_the_shared_database_cache(world, rates):
    rates.API_THROTTLE_USER = "10/min"
    rates.API_THROTTLE_TOKEN = "10/min"
    _get(_token_client(world.treatment_a))
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM alliance_cache")
        keys = {row[0] for row in cursor.fetchall()}
    assert f":1:api-throttle:user:{world.treatment_a.pk}" in keys
    token_keys = [k for k in keys if k.startswith(":1:api-throttle:token:")]
    assert len(token_keys) == 1
    # the token's public prefix, never the secret token
    assert len(token_keys[0].rsplit(":", 1)[1]) == AuthToken.objects.get().token_key.__len__()


def test_the_schema_and_a_refusal_are_throttled_too(world, rates):
    rates.API_THROTTLE_USER = "1/min"
    client = login(world.treatment_a)
    with frozen(T0):
        assert client.get(reverse("api-schema")).status_code == 200
        assert_error(client.get(reverse("api-schema")), 429, "throttled")


def test_without_credentials_it_answers_401_not_429(world, rates):
    rates.API_THROTTLE_USER = "1/min"
    anonymous = Client()
    with frozen(T0):
        for _ in range(3):
            assert_error(_get(anonymous), 401, "not_authenticated")


def test_the_default_rates_leave_room_for_normal_work(world, settings):
    assert parse_rate("burst", settings.API_THROTTLE_USER).count >= 100
    client = login(world.treatment_a)
    assert all(_get(client).status_code == 200 for _ in range(20))


@pytest.mark.parametrize(("text", "rate"), [
    ("600/min", Rate("x", 600, 60)), ("20/5s", Rate("x", 20, 5)),
    ("10000/hour", Rate("x", 10000, 3600)), (" 5 / day ", Rate("x", 5, 86400)),
    ("0", None), ("", None)])
def test_a_rate_reads_as_count_per_period(text, rate):
    assert parse_rate("x", text) == rate


@pytest.mark.parametrize("text", ["600", "600/fortnight", "x/min", "10/0s", "-1/min"])
def test_a_misspelt_rate_is_refused_with_an_example(text):
    with pytest.raises(ImproperlyConfigured, match="600/min"):
        parse_rate("x", text)
