"""Setting up, using and removing second factors (accounts/mfa.py, allauth's MFA): a real TOTP
round trip, the last factor of a user who must have one, the audit trail, and `reset_mfa`."""

from types import SimpleNamespace
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent

from ..conftest import login

PASSWORD = "Correct-horse-battery-staple-41"
NOW = 1_800_000_000.0  # a fixed instant for the authenticator app and for Alliance alike


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_ROLES = ["data_protection_officer", "system_administrator"]
    return settings


@pytest.fixture
def frozen_totp_clock():
    """The TOTP code depends on the 30-second step: freeze allauth's clock so that the code the
    test computes is the one the server expects, whenever the test runs."""
    with mock.patch("allauth.mfa.totp.internal.auth.time", SimpleNamespace(time=lambda: NOW)):
        yield


def code_for(secret: str, *, steps_later: int = 0) -> str:
    """What an authenticator app shows at NOW (the code of a later step with `steps_later`)."""
    return format_hotp_value(hotp_value(secret, int(NOW) // 30 + steps_later))


def events(user, change):
    return AuditEvent.objects.filter(object_uuid=str(user.uuid), details__change=change)


def test_a_dpo_sets_up_an_authenticator_app_and_signs_in_with_its_code(
        world, required, frozen_totp_clock, django_capture_on_commit_callbacks):
    dpo = world.dpo
    dpo.set_password(PASSWORD)
    dpo.save()
    client = login(dpo)
    # given: the set-up page shows a secret to scan
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    # a wrong code is refused
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret,
                                                                              steps_later=3)})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=dpo, type="totp").exists()
    # when: the code the app shows is entered (allauth announces it once committed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    # then: the app is active, recovery codes were made, and the DPO reaches their pages
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=dpo, type="totp").exists()
    assert Authenticator.objects.filter(user=dpo, type="recovery_codes").exists()
    assert client.get(reverse("audit")).status_code == 200
    added = events(dpo, "added").get(details__second_factor="totp")
    assert added.action == AuditAction.CREATE and added.actor_id == dpo.pk

    # and at the next sign-in, the password alone does not let them in
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": "dpo", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert browser.get(reverse("audit")).status_code == 302
    response = browser.post(reverse("mfa_authenticate"), {"code": code_for(secret,
                                                                             steps_later=5)})
    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session
    # the code from the app does
    response = browser.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(dpo.pk)
    assert browser.get(reverse("audit")).status_code == 200
    assert AuditEvent.objects.filter(actor=dpo, action=AuditAction.LOGIN).exists()


def test_a_used_code_does_not_work_twice(world, frozen_totp_clock):
    secret = generate_totp_secret()
    totp = TOTP.activate(world.dpo, secret)
    assert totp.validate_code(code_for(secret)) is True
    assert totp.validate_code(code_for(secret)) is False


def test_it_refuses_to_deactivate_the_only_authenticator_app_of_a_user_who_must(world, required):
    TOTP.activate(world.dpo, generate_totp_secret())
    response = login(world.dpo).post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert b"Your role requires two-factor authentication" in response.content
    assert Authenticator.objects.filter(user=world.dpo, type="totp").exists()
    assert not events(world.dpo, "removed").exists()


def test_it_lets_a_user_who_need_not_deactivate_their_app_and_records_it(world, required):
    TOTP.activate(world.treatment_a, generate_totp_secret())
    RecoveryCodes.activate(world.treatment_a)
    response = login(world.treatment_a).post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.treatment_a).exists()
    removed = events(world.treatment_a, "removed")
    assert {e.details["second_factor"] for e in removed} == {"totp", "recovery_codes"}
    assert {e.action for e in removed} == {AuditAction.DELETE}


def test_a_user_who_must_may_drop_the_app_while_a_security_key_remains(world, required):
    TOTP.activate(world.dpo, generate_totp_secret())
    Authenticator.objects.create(user=world.dpo, type="webauthn", data={"name": "Key"})
    response = login(world.dpo).post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.dpo, type="totp").exists()


def test_it_refuses_to_remove_the_last_security_key_of_a_user_who_must(world, required):
    key = Authenticator.objects.create(user=world.dpo, type="webauthn", data={"name": "Key"})
    response = login(world.dpo).post(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_list_webauthn")
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_regenerating_recovery_codes_is_recorded(world, required,
                                                django_capture_on_commit_callbacks):
    TOTP.activate(world.dpo, generate_totp_secret())
    RecoveryCodes.activate(world.dpo)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.dpo).post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    event = events(world.dpo, "recovery_codes_regenerated").get()
    assert event.action == AuditAction.CHANGE
    assert event.details["second_factor"] == "recovery_codes"


def test_reset_mfa_removes_every_factor_and_is_audited(world, required, capsys):
    TOTP.activate(world.dpo, generate_totp_secret())
    RecoveryCodes.activate(world.dpo)
    call_command("reset_mfa", "dpo")
    assert not Authenticator.objects.filter(user=world.dpo).exists()
    event = AuditEvent.objects.get(object_uuid=str(world.dpo.uuid),
                                   details__second_factor="reset")
    assert event.actor_id is None and event.details["removed"] == 2
    assert "Removed 2 second factor(s) of dpo" in capsys.readouterr().out
    # and the DPO is asked to set one up again
    response = login(world.dpo).get(reverse("audit"))
    assert response["Location"] == reverse("mfa_index")


def test_reset_mfa_on_behalf_of_an_administrator_records_them(world, required):
    TOTP.activate(world.dpo, generate_totp_secret())
    call_command("reset_mfa", "dpo", "--by", "sysadmin")
    event = AuditEvent.objects.get(object_uuid=str(world.dpo.uuid),
                                   details__second_factor="reset")
    assert event.actor_id == world.admin.pk


def test_reset_mfa_refuses_someone_who_is_not_an_administrator(world, required):
    TOTP.activate(world.dpo, generate_totp_secret())
    with pytest.raises(CommandError, match="Only a system administrator"):
        call_command("reset_mfa", "dpo", "--by", "treatment_a")
    assert Authenticator.objects.filter(user=world.dpo).exists()


def test_reset_mfa_says_so_for_an_unknown_user(world):
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("reset_mfa", "nobody")
    with pytest.raises(CommandError, match="No active user called 'ghost'"):
        call_command("reset_mfa", "dpo", "--by", "ghost")


def test_every_two_factor_page_opens_in_the_project_look(world, required):
    TOTP.activate(world.dpo, generate_totp_secret())
    RecoveryCodes.activate(world.dpo)
    key = Authenticator.objects.create(user=world.dpo, type="webauthn", data={"name": "Blue key"})
    client = login(world.dpo)
    pages = [reverse("mfa_index"), reverse("mfa_deactivate_totp"),
             reverse("mfa_view_recovery_codes"), reverse("mfa_generate_recovery_codes"),
             reverse("mfa_list_webauthn"), reverse("mfa_remove_webauthn", args=[key.pk]),
             reverse("mfa_edit_webauthn", args=[key.pk]),
             reverse("account_reauthenticate"), reverse("mfa_reauthenticate")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'class="navbar' in response.content, url  # base.html, not allauth's layout
    assert b"Blue key" in client.get(reverse("mfa_list_webauthn")).content
    # the one who need not set it up is not told they must
    assert b"Your role requires" not in client.get(reverse("mfa_index")).content
    # adding a key (the browser does the rest) opens for a user without one
    response = login(world.treatment_a).get(reverse("mfa_add_webauthn"))
    assert response.status_code == 200 and b'id="mfa_webauthn_add"' in response.content
