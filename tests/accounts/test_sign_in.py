"""Sign-in limits, through real HTTP: an account is locked for its own failures, an address only
for a flood, and every refusal is one audit event its account's data protection officer reads.

Prison A's staff sign in from one shared outgoing address (SHARED).
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import CacheHandler
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts import signin
from alliance.accounts.models import Role
from alliance.core.models import AuditAction, AuditEvent, AuditOutcome
from alliance.site.audit_trail import audit_events_visible_to

from ..factories import member

pytestmark = pytest.mark.django_db

PASSWORD = "a long staff pass phrase"
SHARED = "10.20.0.1"
LIMIT = 10  # AXES_FAILURE_LIMIT's default
ADDRESS_LIMIT = 100  # ADDRESS_FAILURE_LIMIT's default


@pytest.fixture
def staff(world):
    for user in (world.treatment_a, world.security_a, world.treatment_b):
        user.set_password(PASSWORD)
        user.save()
    return world


def _sign_in(username, password, address=SHARED):
    return Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": username, "password": password})


def _admin_sign_in(username, password, address=SHARED):
    return Client(REMOTE_ADDR=address).post(
        reverse("admin:login"), {"username": username, "password": password})


def _signed_in(response) -> bool:
    return response.wsgi_request.user.is_authenticated


def _failures(**details):
    events = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("id")
    return [e for e in events if all(e.details.get(k) == v for k, v in details.items())]


def _lock(username, address=SHARED):
    for _ in range(LIMIT):
        assert not _signed_in(_sign_in(username, "not the password", address))


def test_the_limits_are_per_account_and_high_per_address(settings):
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == f"{ADDRESS_LIMIT}/15m/ip"


def test_it_signs_in_with_the_right_password(staff):
    response = _sign_in("treatment_a", PASSWORD)
    assert _signed_in(response)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN,
                                     object_uuid=str(staff.treatment_a.uuid)).count() == 1


def test_ten_wrong_passwords_lock_that_account_but_not_a_colleague_at_the_same_address(staff):
    _lock("treatment_a")

    refused = _sign_in("treatment_a", PASSWORD)
    assert not _signed_in(refused)
    assert refused.status_code == 429
    assert _signed_in(_sign_in("security_a", PASSWORD))


def test_the_lock_holds_from_every_address_and_in_every_spelling(staff):
    for n, spelling in enumerate(["treatment_a", "Treatment_A", "TREATMENT_A"] * 4):
        if n == LIMIT:
            break
        _sign_in(spelling, "not the password", address=f"10.30.0.{n}")

    assert not _signed_in(_sign_in("treatment_a", PASSWORD, address="10.99.0.1"))
    assert not _signed_in(_sign_in("Treatment_A", PASSWORD, address="10.99.0.2"))


def test_a_successful_sign_in_clears_the_count(staff):
    for _ in range(LIMIT - 1):
        _sign_in("treatment_a", "not the password")
    assert _signed_in(_sign_in("treatment_a", PASSWORD))
    for _ in range(LIMIT - 1):
        _sign_in("treatment_a", "not the password")
    assert _signed_in(_sign_in("treatment_a", PASSWORD))


def test_the_lock_ends_after_fifteen_minutes(staff):
    _lock("treatment_a")
    assert not _signed_in(_sign_in("treatment_a", PASSWORD))

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _signed_in(_sign_in("treatment_a", PASSWORD))


def test_the_admin_has_no_sign_in_of_its_own(staff):
    """Every sign-in goes through one page, with its second factor, limits and audit."""
    response = _admin_sign_in("treatment_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not _signed_in(response)
    page = Client().get(reverse("admin:index"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_an_address_flooding_sign_ins_is_refused_above_its_high_limit(staff):
    flood = "10.66.0.1"
    for n in range(ADDRESS_LIMIT):
        _sign_in(f"guess{n}", "not the password", address=flood)
    assert not _failures(reason="rate_limited")

    refused = _sign_in("treatment_a", PASSWORD, address=flood)
    assert not _signed_in(refused)
    assert "Too many failed login attempts" in refused.content.decode()
    assert len(_failures(reason="rate_limited")) == 1
    # The account itself is not locked: from its own prison it signs in.
    assert _signed_in(_sign_in("treatment_a", PASSWORD))


def test_one_wrong_password_is_one_event_on_the_accounts_agency(staff):
    _sign_in("treatment_a", "not the password")

    [event] = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert event.details == {"username": "treatment_a", "reason": "bad_credentials"}
    assert event.outcome == AuditOutcome.DENIED
    assert event.agency == staff.prison_a
    assert (event.object_type, event.object_uuid) == ("accounts.user", str(staff.treatment_a.uuid))
    assert event.actor is None
    assert event.ip_address == SHARED
    assert "not the password" not in str(event.details)


def test_a_name_that_is_no_account_is_recorded_with_no_agency(staff):
    _sign_in("nobody_here", "not the password")

    [event] = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert event.details == {"username": "nobody_here", "reason": "bad_credentials"}
    assert event.agency is None
    assert event.object_uuid == ""


def test_a_lockout_is_one_event_and_each_refusal_after_it_another(staff):
    _lock("treatment_a")
    assert len(_failures(reason="bad_credentials")) == LIMIT
    [lockout] = AuditEvent.objects.filter(action=AuditAction.LOCKOUT)
    assert lockout.details == {"username": "treatment_a", "failures": LIMIT}
    assert lockout.agency == staff.prison_a
    assert lockout.object_uuid == str(staff.treatment_a.uuid)

    _sign_in("treatment_a", PASSWORD)
    _sign_in("treatment_a", "not the password")

    refusals = _failures(reason="locked_out")
    assert len(refusals) == 2
    assert {e.agency for e in refusals} == {staff.prison_a}
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == LIMIT + 2


def test_a_refusal_by_the_address_limit_is_one_event_on_the_accounts_agency(staff, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/15m/ip"}
    for _ in range(3):
        _sign_in("treatment_b", "not the password")

    _sign_in("treatment_a", PASSWORD)

    [event] = _failures(reason="rate_limited")
    assert event.details == {"username": "treatment_a", "reason": "rate_limited"}
    assert event.agency == staff.prison_a
    assert event.object_uuid == str(staff.treatment_a.uuid)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 4


def test_unlock_lets_the_user_sign_in_again_and_names_the_administrator(staff):
    _lock("treatment_a")

    cleared = signin.unlock(actor=staff.admin, user=staff.treatment_a)

    assert cleared > 0
    assert _signed_in(_sign_in("treatment_a", PASSWORD))
    [event] = AuditEvent.objects.filter(action=AuditAction.UNLOCK)
    assert event.actor == staff.admin
    assert event.agency == staff.prison_a
    assert event.object_uuid == str(staff.treatment_a.uuid)
    assert event.details == {"username": "treatment_a", "attempts_cleared": cleared}


def test_only_an_administrator_unlocks(staff):
    _lock("treatment_a")

    with pytest.raises(PermissionDenied):
        signin.unlock(actor=staff.manager_a, user=staff.treatment_a)

    assert not _signed_in(_sign_in("treatment_a", PASSWORD))
    assert not AuditEvent.objects.filter(action=AuditAction.UNLOCK).exists()


def test_the_counts_live_in_the_database_cache_every_process_shares(staff, settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"

    _sign_in("treatment_a", "not the password", address="10.77.0.1")

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM alliance_cache")
        keys = [row[0] for row in cursor.fetchall()]
    [key] = [k for k in keys if ":login_failed:" in k and k.endswith(":10.77.0.1")]
    # A new cache connection, as in another server process, holds nothing in memory of its own.
    another_process = CacheHandler()["default"]
    assert len(another_process.get(key.split(":", 2)[2])) == 1
    assert AccessAttempt.objects.get(username="treatment_a").failures_since_start == 1


def test_the_dpo_of_the_accounts_jurisdiction_reads_its_failed_sign_ins(staff):
    dpo_other = member(staff.prison_other, Role.DATA_PROTECTION_OFFICER, username="dpo_j2")
    _lock("treatment_a")
    _sign_in("treatment_a", PASSWORD)

    attempts = AuditEvent.objects.filter(
        action__in=[AuditAction.LOGIN_FAILED, AuditAction.LOCKOUT])
    assert attempts.count() == LIMIT + 2
    assert set(audit_events_visible_to(staff.dpo).filter(pk__in=attempts)) == set(attempts)
    assert not audit_events_visible_to(dpo_other).filter(pk__in=attempts).exists()
