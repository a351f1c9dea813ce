"""API tokens: made on the account page after re-authenticating (shown once), listed without
their key, revoked there, refused once expired or revoked; the command uses the same service."""

import datetime
import io
from unittest.mock import patch

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from alliance.accounts import tokens
from alliance.core.models import AuditAction, AuditEvent

from ..conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
T0 = datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def at(seconds: float):
    return patch("django.utils.timezone.now", return_value=T0 + datetime.timedelta(
        seconds=seconds))


def _api(key):
    return Client(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("api:task-list"))


def _signed_in(username) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    return client


def _reauthenticated_token(client) -> str:
    """Ask for a token; re-authenticate when asked; return the key the page shows."""
    asked = client.post(reverse("accounts:token_create"))
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    shown = client.post(asked["Location"], {"password": PASSWORD})
    assert shown.status_code == 200
    return shown.context["key"]


def test_tokens_last_eight_hours_by_default():
    assert settings.API_TOKEN_TTL_HOURS == 8
    assert settings.REST_KNOX["TOKEN_TTL"] == datetime.timedelta(hours=8)
    assert not settings.REST_KNOX.get("AUTO_REFRESH")


def test_making_a_token_needs_a_fresh_password(world):
    client = login(world.treatment_a, reauthenticated=False)  # no fresh password

    response = client.post(reverse("accounts:token_create"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuthToken.objects.exists()


def test_the_user_makes_a_token_that_is_shown_once_and_works(world):
    client = login(world.treatment_a, reauthenticated=False)

    key = _reauthenticated_token(client)

    assert _api(key).status_code == 200
    [event] = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="knox.authtoken")
    assert event.actor == world.treatment_a
    assert event.agency == world.prison_a
    assert event.details["via"] == "account_page"
    assert key not in str(event.details) and key[:15] not in event.object_uuid


def test_the_token_list_shows_when_it_was_made_and_expires_but_never_the_key(world):
    client = login(world.treatment_a, reauthenticated=False)
    key = _reauthenticated_token(client)
    token = AuthToken.objects.get()

    page = client.get(reverse("accounts:me"))

    text = page.content.decode()
    assert page.status_code == 200
    [row] = page.context["tokens"]
    assert row.expires == token.expiry and row.created == token.created
    assert key not in text
    assert key[:8] not in text
    assert token.digest not in text and token.token_key not in text
    assert tokens.token_id(token) in text  # its public name, for the revoke button


def test_an_expired_token_is_refused_with_a_json_401(world):
    with at(0):
        key = tokens.token_create(actor=None, user=world.treatment_a)
    with at(8 * 3600 - 60):
        assert _api(key).status_code == 200
    with at(8 * 3600 + 1):
        response = _api(key)
    assert response.status_code == 401
    assert set(response.json()) >= {"detail", "code"}
    assert not AuthToken.objects.exists()


def test_the_user_revokes_a_token_and_it_stops_working_at_once(world):
    client = login(world.treatment_a)
    key = tokens.token_create(actor=None, user=world.treatment_a)
    [row] = tokens.tokens_of(world.treatment_a)

    response = client.post(reverse("accounts:token_revoke", args=[row.id]))

    assert response.status_code == 302
    response = _api(key)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    [event] = AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="knox.authtoken")
    assert (event.actor, event.object_uuid) == (world.treatment_a, row.id)
    assert event.details["reason"] == "revoked"


def test_nobody_revokes_another_users_token(world):
    key = tokens.token_create(actor=None, user=world.security_a)
    [row] = tokens.tokens_of(world.security_a)

    response = login(world.treatment_a).post(reverse("accounts:token_revoke", args=[row.id]))

    assert response.status_code == 404
    assert _api(key).status_code == 200


def test_nobody_makes_a_token_for_someone_else(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=world.admin, user=world.treatment_a)
    assert not AuthToken.objects.exists()


def test_the_issue_api_token_command_uses_the_same_service(world):
    out = io.StringIO()
    call_command("issue_api_token", "treatment_a", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()

    assert _api(key).status_code == 200
    [event] = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="knox.authtoken")
    assert event.actor is None
    assert event.details["via"] == "issue_api_token"
    assert event.object_uuid == tokens.token_id(AuthToken.objects.get())
