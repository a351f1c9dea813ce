"""Ending sessions: the user sees where they are signed in and ends the other sessions; a change
of their roles or account ends every session and revokes every API token at once."""

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from alliance.accounts import services, sessions, tokens
from alliance.accounts.models import Membership, Role, Sector
from alliance.core.models import AuditAction, AuditEvent

from ..conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
OFFICE = {"REMOTE_ADDR": "10.1.0.7", "HTTP_USER_AGENT": "Firefox on the office PC"}
PHONE = {"REMOTE_ADDR": "10.9.0.3", "HTTP_USER_AGENT": "Safari on a phone"}


def _sign_in(username, **client_meta) -> Client:
    client = Client(**client_meta)
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    assert response.wsgi_request.user.is_authenticated
    return client


def _signed_in(client) -> bool:
    return client.get(reverse("work:my_work")).status_code == 200


def _key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _logouts(reason):
    return [e for e in AuditEvent.objects.filter(action=AuditAction.LOGOUT).order_by("id")
            if e.details.get("reason") == reason]


# --- the user's own sessions ----------------------------------------------------------------

def test_the_account_page_lists_each_session_with_its_device_address_and_last_seen(world):
    office = _sign_in("treatment_a", **OFFICE)
    _sign_in("treatment_a", **PHONE)

    page = office.get(reverse("accounts:me"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Firefox on the office PC" in text and "10.1.0.7" in text
    assert "Safari on a phone" in text and "10.9.0.3" in text
    assert text.count("This browser") == 1
    assert "Last seen" in text
    # A session key is a credential: never on the page.
    for key in UserSession.objects.values_list("session_key", flat=True):
        assert key not in text


def test_the_user_ends_one_other_session(world):
    office = _sign_in("treatment_a", **OFFICE)
    phone = _sign_in("treatment_a", **PHONE)
    [phone_row] = [s for s in sessions.sessions_of(world.treatment_a, current_key=_key(office))
                   if s.device == PHONE["HTTP_USER_AGENT"]]

    response = office.post(reverse("accounts:session_end", args=[phone_row.id]))

    assert response.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(office)
    [event] = _logouts("ended_by_owner")
    assert event.actor == world.treatment_a
    assert event.details["sessions_ended"] == 1
    assert event.details["addresses"] == ["10.9.0.3"]


def test_nobody_ends_another_users_session(world):
    mine = _sign_in("treatment_a", **OFFICE)
    theirs = _sign_in("security_a", **PHONE)
    [their_row] = sessions.sessions_of(world.security_a, current_key=None)

    response = mine.post(reverse("accounts:session_end", args=[their_row.id]))

    assert response.status_code == 404
    assert _signed_in(theirs)
    assert not _logouts("ended_by_owner")


def test_the_user_signs_out_every_other_session_and_keeps_this_one(world):
    office = _sign_in("treatment_a", **OFFICE)
    phone = _sign_in("treatment_a", **PHONE)
    forced = login(world.treatment_a)  # a session allauth never tracked is ended too

    office.post(reverse("accounts:sessions_end_others"))

    assert _signed_in(office)
    assert not _signed_in(phone)
    assert not _signed_in(forced)
    [event] = _logouts("ended_by_owner")
    assert event.details["sessions_ended"] == 2


def test_allauths_sessions_page_ends_the_others_through_the_audited_service(world):
    office = _sign_in("treatment_a", **OFFICE)
    phone = _sign_in("treatment_a", **PHONE)
    page = office.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert "Safari on a phone" in page.content.decode()

    office.post(reverse("usersessions_list"))

    assert _signed_in(office)
    assert not _signed_in(phone)
    [event] = _logouts("ended_by_owner")
    assert event.actor == world.treatment_a


# --- a change of roles or account ends everything ---------------------------------------------

def _with_token(user) -> str:
    return tokens.token_create(actor=None, user=user, via="test")


def _api_status(key) -> int:
    return Client(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("api:task-list")).status_code


def test_removing_a_role_ends_the_users_sessions_and_tokens_at_once(world):
    client = _sign_in("manager_a", **OFFICE)
    old_key = _key(client)
    key = _with_token(world.manager_a)
    assert _api_status(key) == 200
    membership = Membership.objects.get(user=world.manager_a)

    services.membership_save(actor=world.admin, user=world.manager_a, agency=world.prison_a,
                             roles=[Role.CASE_MANAGER], sector=Sector.MANAGEMENT,
                             is_active=True, membership=membership)

    assert not _signed_in(client)
    assert _api_status(key) == 401
    [event] = _logouts("roles_changed")
    assert event.actor == world.admin
    assert event.details["sessions_ended"] == 1
    [revoked] = AuditEvent.objects.filter(action=AuditAction.DELETE,
                                          object_type="knox.authtoken")
    assert revoked.details["reason"] == "roles_changed"
    # Signing in again gives a new session key, with the narrower roles.
    again = _sign_in("manager_a", **OFFICE)
    assert _key(again) != old_key


def test_a_widening_that_waits_for_approval_ends_nothing_until_it_is_approved(world):
    client = _sign_in("treatment_a", **OFFICE)
    membership = Membership.objects.get(user=world.treatment_a)

    pending = services.membership_save(
        actor=world.admin, user=world.treatment_a, agency=world.prison_a,
        roles=[Role.TREATMENT_OFFICER, Role.CASE_MANAGER], sector=Sector.TREATMENT,
        is_active=True, membership=membership)
    assert pending.requested is not None
    assert _signed_in(client)

    second_admin = _second_administrator(world)
    services.membership_approve(actor=second_admin, membership=pending)

    assert not _signed_in(client)
    assert len(_logouts("roles_changed")) == 1


def _second_administrator(world):
    from ..factories import member

    return member(world.admin_hq, Role.SYSTEM_ADMINISTRATOR, username="sysadmin2")


def test_ending_a_membership_ends_the_users_sessions(world):
    client = _sign_in("probation", **OFFICE)

    services.membership_delete(actor=world.admin,
                               membership=Membership.objects.get(user=world.probation_officer))

    assert not _signed_in(client)
    assert len(_logouts("roles_changed")) == 1


def test_deactivating_an_account_ends_its_sessions_and_revokes_its_tokens(world):
    office = _sign_in("treatment_a", **OFFICE)
    forced = login(world.treatment_a)
    key = _with_token(world.treatment_a)

    services.user_deactivate(actor=world.admin, user=world.treatment_a)

    assert not _signed_in(office) and not _signed_in(forced)
    assert _api_status(key) == 401
    assert not Session.objects.filter(session_key=_key(office)).exists()
    [event] = _logouts("account_deactivated")
    assert event.details["sessions_ended"] == 2
    assert event.actor == world.admin
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="knox.authtoken",
                                     details__reason="account_deactivated").count() == 1


def test_deactivating_an_account_in_the_admin_ends_its_sessions(world):
    client = _sign_in("security_a", **OFFICE)
    key = _with_token(world.security_a)
    admin = login(world.admin)
    user = world.security_a
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = admin.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in (
        "is_active", "last_login", "date_joined")}
    data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
                 "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"})

    response = admin.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.is_active
    assert not _signed_in(client)
    assert _api_status(key) == 401
    [event] = _logouts("account_deactivated")
    assert event.actor == world.admin


def test_only_an_administrator_deactivates_an_account(world):
    client = _sign_in("treatment_a", **OFFICE)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=world.manager_a, user=world.treatment_a)
    assert _signed_in(client)
