"""Two-factor authentication required by role (accounts/mfa.py): who must set it up, what they
can reach until they have, and the API's answer, with a session or with a token."""

import json
import os
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from alliance.accounts import mfa
from alliance.accounts.models import Role

from ..conftest import login

DPO_AND_ADMIN = ["data_protection_officer", "system_administrator"]


@pytest.fixture
def required(settings):
    """The development default: the DPO and the system administrator must."""
    settings.MFA_REQUIRED_ROLES = DPO_AND_ADMIN
    return settings


def with_authenticator_app(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def test_it_takes_a_dpo_without_second_factor_to_the_set_up_page_from_everywhere(world, required):
    client = login(world.dpo)
    pages = [reverse("home"), reverse("audit"), reverse("audit_export"),
             reverse("people:detail", args=[world.person_a.uuid]), reverse("admin:index"),
             reverse("coordination:agreement_list"), reverse("account_change_password")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_index"), url


def test_it_takes_a_required_case_worker_from_the_person_page(world, required):
    required.MFA_REQUIRED_ROLES = [Role.PRISON_MANAGER]
    response = login(world.manager_a).get(reverse("people:detail", args=[world.person_a.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_it_says_on_the_set_up_page_why(world, required):
    response = login(world.dpo).get(reverse("mfa_index"))
    assert response.status_code == 200
    assert b"Your role requires two-factor authentication" in response.content


def test_it_lets_the_dpo_reach_the_set_up_pages_and_sign_out(world, required):
    client = login(world.dpo)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "sq", "next": "/"})
    assert response.status_code == 302
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_answers_the_api_403_second_factor_required_with_a_session(world, required):
    response = login(world.dpo).get("/api/v1/persons/")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
    assert response.json()["detail"]


def test_a_token_does_not_get_around_it(world, required):
    required.MFA_REQUIRED_ROLES = [Role.PRISON_MANAGER]
    _instance, key = AuthToken.objects.create(user=world.manager_a)
    response = Client().get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403
    assert response.json() == {"detail": response.json()["detail"],
                               "code": "second_factor_required"}


def test_a_token_of_a_user_with_a_second_factor_works(world, required):
    required.MFA_REQUIRED_ROLES = [Role.PRISON_MANAGER]
    with_authenticator_app(world.manager_a)
    _instance, key = AuthToken.objects.create(user=world.manager_a)
    response = Client().get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_a_wrong_token_is_still_answered_401_by_the_api(world, required):
    response = Client().get("/api/v1/persons/", HTTP_AUTHORIZATION="Token nonsense")
    assert response.status_code == 401


def test_it_lets_a_treatment_officer_through_when_their_role_is_not_required(world, required):
    client = login(world.treatment_a)
    assert client.get(reverse("people:detail", args=[world.person_a.uuid])).status_code == 200
    assert client.get("/api/v1/persons/").status_code == 200


def test_it_lets_the_dpo_through_once_they_have_an_authenticator_app(world, required):
    with_authenticator_app(world.dpo)
    client = login(world.dpo)
    assert client.get(reverse("audit")).status_code == 200
    assert client.get("/api/v1/tasks/").status_code == 200


def test_a_security_key_counts_as_a_second_factor(world, required):
    Authenticator.objects.create(user=world.dpo, type=Authenticator.Type.WEBAUTHN,
                                 data={"name": "Key"})
    assert login(world.dpo).get(reverse("audit")).status_code == 200


def test_recovery_codes_alone_do_not_count(world, required):
    Authenticator.objects.create(user=world.dpo, type=Authenticator.Type.RECOVERY_CODES,
                                 data={"seed": "00" * 20})
    response = login(world.dpo).get(reverse("audit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_an_inactive_membership_does_not_make_it_required(world, required):
    world.dpo.memberships.update(is_active=False)
    assert mfa.must_use_second_factor(world.dpo) is False


def test_a_superuser_must_whenever_any_role_must(world, required):
    world.treatment_a.is_superuser = True
    world.treatment_a.save()
    assert mfa.must_use_second_factor(world.treatment_a) is True
    required.MFA_REQUIRED_ROLES = []
    world.treatment_a.refresh_from_db()
    assert mfa.must_use_second_factor(world.treatment_a) is False


def test_nobody_is_sent_anywhere_when_no_role_requires_it(world):
    assert django_settings.MFA_REQUIRED_ROLES == []
    assert login(world.dpo).get(reverse("audit")).status_code == 200


def test_all_means_every_role(settings):
    settings.MFA_REQUIRED_ROLES = ["all"]
    assert mfa.required_roles() == frozenset(Role.values)


def test_an_unknown_role_in_the_setting_is_refused(settings):
    settings.MFA_REQUIRED_ROLES = ["data_protection_oficer"]
    with pytest.raises(ImproperlyConfigured, match="data_protection_oficer"):
        mfa.required_roles()


def _settings_in(env: dict) -> dict:
    """Settings read by a fresh interpreter under `env`, as a server would start."""
    code = ("import json, alliance.settings as s; print(json.dumps({'roles': "
            "s.MFA_REQUIRED_ROLES, 'reauth': s.ACCOUNT_REAUTHENTICATION_TIMEOUT, "
            "'insecure_keys': s.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN, "
            "'types': s.MFA_SUPPORTED_TYPES}))")
    clean = {k: v for k, v in os.environ.items()
             if k not in {"MFA_REQUIRED_ROLES", "ALLIANCE_ENV", "REAUTHENTICATION_TIMEOUT"}}
    out = subprocess.run([sys.executable, "-c", code], env=clean | env, capture_output=True,
                         text=True, check=False, cwd=django_settings.BASE_DIR)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_production_requires_it_of_every_role_by_default(settings):
    production = _settings_in({
        "ALLIANCE_ENV": "production", "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "example.org",
        "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1maWVsZC1rZXktZm9yLXRlc3RzLTA9",
        "AUDIT_CHAIN_KEYS": "prod:cHJvZHVjdGlvbi1hdWRpdC1jaGFpbi1rZXktZm9yLXRlc3RzLTA=",
        "AUDIT_CHAIN_KEY_FILE": ""})
    settings.MFA_REQUIRED_ROLES = production["roles"]
    assert mfa.required_roles() == frozenset(Role.values)
    assert production["insecure_keys"] is False
    assert production["reauth"] == 300
    assert "webauthn" in production["types"]


def test_development_requires_it_of_the_dpo_and_the_administrator_by_default():
    development = _settings_in({})
    assert development["roles"] == DPO_AND_ADMIN
    assert development["insecure_keys"] is True


def test_the_setting_is_read_from_the_environment():
    assert _settings_in({"MFA_REQUIRED_ROLES": "treatment_officer, trainer"})["roles"] == [
        "treatment_officer", "trainer"]
