"""Session limits through real HTTP, with a frozen clock: the idle and absolute timeouts, a
session without its sign-in time, htmx and API answers, background requests, and a new session
key at every sign-in."""

import datetime
from unittest.mock import patch

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.accounts import sessions
from alliance.core.models import AuditAction, AuditEvent

from ..conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the personas' password (tests/factories.py)
# Now, to the second: the session store compares its own expiry dates with the real clock.
T0 = datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def at(seconds: float):
    """Freeze the clock `seconds` after T0."""
    return patch("django.utils.timezone.now", return_value=T0 + datetime.timedelta(
        seconds=seconds))


def _signed_in_at_t0(user) -> Client:
    with at(0):
        return login(user)


def _expiries(**details):
    events = AuditEvent.objects.filter(action=AuditAction.LOGOUT).order_by("id")
    return [e for e in events if e.details.get("reason") == "expired"
            and all(e.details.get(k) == v for k, v in details.items())]


def test_the_limits_default_to_fifteen_minutes_idle_and_ten_hours_in_all():
    assert settings.SESSION_IDLE_TIMEOUT == 15 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 10 * 3600
    # The stored session lasts a little longer, so that the limit ends it and says why.
    assert 0 < settings.SESSION_COOKIE_AGE - settings.SESSION_ABSOLUTE_TIMEOUT <= 15 * 60
    assert settings.USERSESSIONS_TRACK_ACTIVITY is True


def test_activity_keeps_the_session_and_fifteen_idle_minutes_end_it(world):
    client = _signed_in_at_t0(world.treatment_a)

    with at(14 * 60):
        assert client.get(reverse("work:my_work")).status_code == 200
    with at(28 * 60):
        assert client.get(reverse("work:my_work")).status_code == 200
    with at(43 * 60):
        response = client.get(reverse("work:my_work"))

    assert response.status_code == 302
    assert response["Location"] == (f"{reverse('account_login')}?next="
                                    f"{reverse('work:my_work').replace('/', '%2F')}")
    [event] = _expiries()
    assert event.details == {"reason": "expired", "limit": "idle"}
    assert event.actor == world.treatment_a
    assert event.agency == world.prison_a
    # Signed out for good: the next request is anonymous, and the sign-in page says why.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert not page.wsgi_request.user.is_authenticated
    assert "You were signed out after 15 minutes without activity" in page.content.decode()


def test_fifteen_minutes_to_the_second_end_the_session(world):
    client = _signed_in_at_t0(world.treatment_a)
    with at(15 * 60 - 1):
        assert client.get(reverse("work:my_work")).status_code == 200
    with at(30 * 60 - 1):
        assert client.get(reverse("work:my_work")).status_code == 302
    assert len(_expiries(limit="idle")) == 1


def test_ten_hours_end_even_a_busy_session(world):
    client = _signed_in_at_t0(world.treatment_a)
    for minute in range(10, 600, 10):
        with at(minute * 60):
            assert client.get(reverse("work:my_work")).status_code == 200, minute

    with at(600 * 60):
        response = client.get(reverse("work:my_work"))

    assert response.status_code == 302
    [event] = _expiries()
    assert event.details["limit"] == "absolute"
    page = client.get(response["Location"])
    assert "a session lasts at most 10 hours" in page.content.decode()


def test_a_session_without_its_sign_in_time_is_expired_not_unlimited(world):
    client = login(world.treatment_a)
    session = client.session
    del session[sessions.SIGNED_IN_AT]
    session.save()

    response = client.get(reverse("work:my_work"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    [event] = _expiries()
    assert event.details["limit"] == "no_sign_in_time"


def test_an_htmx_request_is_sent_to_the_sign_in_page_with_hx_redirect(world):
    client = _signed_in_at_t0(world.treatment_a)
    with at(16 * 60):
        response = client.get(reverse("people:caseload"), HTTP_HX_REQUEST="true",
                              HTTP_HX_CURRENT_URL="http://testserver/people/?q=kr")

    assert response.status_code == 401
    assert response["HX-Redirect"] == (f"{reverse('account_login')}?next="
                                       "%2Fpeople%2F%3Fq%3Dkr")
    assert len(_expiries(limit="idle")) == 1


def test_an_api_request_on_an_expired_session_gets_a_json_401(world):
    client = _signed_in_at_t0(world.treatment_a)
    with at(16 * 60):
        response = client.get(reverse("api:task-list"))

    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    assert "15 minutes" in response.json()["detail"]
    with at(16 * 60 + 1):
        assert client.get(reverse("api:task-list")).status_code == 401


def test_background_requests_do_not_keep_a_session_alive(world):
    client = _signed_in_at_t0(world.treatment_a)
    background = {"HTTP_X_ALLIANCE_BACKGROUND": "1"}
    with at(10 * 60):
        assert client.get(reverse("work:my_work"), **background).status_code == 200
    with at(16 * 60):
        assert client.get(reverse("work:my_work"), **background).status_code == 302
    assert len(_expiries(limit="idle")) == 1


def _tracking(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "usersession" in q["sql"].lower()]


def test_the_last_seen_time_moves_in_one_query_at_most_once_a_minute(world, settings):
    settings.SESSION_TOUCH_SECONDS = 60
    client = _signed_in_at_t0(world.treatment_a)
    with at(30):
        client.get(reverse("work:my_work"))  # the session's row exists from here
    with at(90), CaptureQueriesContext(connection) as queries:
        client.get(reverse("work:my_work"))
    [row] = UserSession.objects.filter(user=world.treatment_a)
    assert row.last_seen_at == T0 + datetime.timedelta(seconds=90)
    assert row.ip == "127.0.0.1"
    [update] = _tracking(queries)
    assert update.startswith("UPDATE")
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"].lower()
                and not q["sql"].startswith("SELECT")]
    # Within the minute: no query, and the time stays where it was.
    with at(149), CaptureQueriesContext(connection) as queries:
        client.get(reverse("work:my_work"))
    assert _tracking(queries) == []
    row.refresh_from_db()
    assert row.last_seen_at == T0 + datetime.timedelta(seconds=90)
    # A minute on, or from another browser, it moves again.
    with at(150), CaptureQueriesContext(connection) as queries:
        client.get(reverse("work:my_work"))
    assert len(_tracking(queries)) == 1
    with at(151), CaptureQueriesContext(connection) as queries:
        client.get(reverse("work:my_work"), HTTP_USER_AGENT="Another browser")
    assert len(_tracking(queries)) == 1
    row.refresh_from_db()
    assert (row.last_seen_at, row.user_agent) == (T0 + datetime.timedelta(seconds=151),
                                                  "Another browser")


def test_a_session_active_within_the_minute_still_expires_when_idle(world, settings):
    settings.SESSION_TOUCH_SECONDS = 60
    client = _signed_in_at_t0(world.treatment_a)
    with at(60):
        assert client.get(reverse("work:my_work")).status_code == 200
    with at(100):
        assert client.get(reverse("work:my_work")).status_code == 200  # not written
    # Idle fifteen minutes after the last write (60 s): signed out, though the last request
    # (100 s) was only 14 min 20 s ago. The limit is kept to the minute.
    with at(60 + 15 * 60):
        assert client.get(reverse("work:my_work")).status_code == 302


def test_no_templates_poll_in_the_background():
    """A page that polls must mark its requests as background work (sessions.BACKGROUND_HEADER),
    or an open page would keep its session alive for ever."""
    polling = []
    for path in (settings.BASE_DIR / "alliance" / "templates").rglob("*.html"):
        text = path.read_text()
        if 'hx-trigger="every' in text and sessions.BACKGROUND_HEADER not in text:
            polling.append(str(path))
    assert polling == []


def test_signing_in_gives_the_browser_a_new_session_key(world):
    client = Client()
    before = client.session  # an anonymous session, as a visitor has before signing in
    before["visited"] = True
    before.save()
    old_key = before.session_key

    response = client.post(reverse("account_login"), {"login": "treatment_a",
                                                      "password": PASSWORD})

    assert response.wsgi_request.user == world.treatment_a
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert isinstance(client.session[sessions.SIGNED_IN_AT], int)


def test_a_real_sign_in_is_stamped_with_the_time(world):
    with at(0):
        client = Client()
        client.post(reverse("account_login"), {"login": "treatment_a", "password": PASSWORD})
    assert client.session[sessions.SIGNED_IN_AT] == int(T0.timestamp())
    # allauth tracked the sign-in with the model's default time, which the frozen clock does
    # not reach (the field holds timezone.now itself): put it at T0.
    assert UserSession.objects.filter(user=world.treatment_a).update(last_seen_at=T0) == 1
    with at(16 * 60):
        assert client.get(reverse("work:my_work")).status_code == 302


def test_the_clock_is_real_outside_a_frozen_test(world):
    client = login(world.treatment_a)
    assert abs(client.session[sessions.SIGNED_IN_AT] - timezone.now().timestamp()) < 60
    assert client.get(reverse("work:my_work")).status_code == 200
