"""Separation of duties for administrators: what probing found (an administrator gave itself a
treatment membership, set another user's password and signed in as them) cannot happen."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.urls import reverse

from alliance.accounts import services
from alliance.accounts.access import profile_for
from alliance.accounts.checks import verify_separation_of_duties
from alliance.accounts.models import Membership, Role, Sector, User
from alliance.core.models import AuditEvent

from ..conftest import login
from ..factories import member

pytestmark = pytest.mark.django_db


def _user_form(user, memberships, extra_forms=()):
    """The admin's user change form as a browser posts it."""
    data = {"username": user.username, "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email, "is_active": "on",
            "memberships-INITIAL_FORMS": str(len(memberships)), "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000"}
    rows = [*memberships, *extra_forms]
    data["memberships-TOTAL_FORMS"] = str(len(rows))
    for n, m in enumerate(rows):
        if isinstance(m, Membership):
            m = {"id": m.pk, "agency": m.agency_id, "roles": m.roles, "sector": m.sector,
                 "is_active": m.is_active}
        data.update({f"memberships-{n}-id": m.get("id", ""), f"memberships-{n}-user": user.pk,
                     f"memberships-{n}-agency": m["agency"], f"memberships-{n}-roles": m["roles"],
                     f"memberships-{n}-sector": m.get("sector", "")})
        if m.get("is_active", True):
            data[f"memberships-{n}-is_active"] = "on"
    return data


def _fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def second_admin(world):
    return member(world.admin_hq, Role.SYSTEM_ADMINISTRATOR, username="sysadmin2")


def test_an_administrator_cannot_give_themselves_a_membership(world):
    url = reverse("admin:accounts_user_change", args=[world.admin.pk])
    own = list(world.admin.memberships.all())
    response = login(world.admin).post(url, _user_form(world.admin, own, [
        {"agency": world.prison_a.pk, "roles": [Role.TREATMENT_OFFICER],
         "sector": Sector.TREATMENT}]))
    assert response.status_code == 200  # the form again, with the reason
    assert "Nobody changes their own memberships" in response.content.decode()
    assert not Membership.objects.filter(user=world.admin, agency=world.prison_a).exists()
    assert not profile_for(_fresh(world.admin)).has_role(Role.TREATMENT_OFFICER)


def test_a_grant_of_casework_waits_for_a_second_administrator(world, second_admin):
    newcomer = User.objects.create(username="newcomer")
    response = login(world.admin).post(
        reverse("admin:accounts_user_change", args=[newcomer.pk]),
        _user_form(newcomer, [], [{"agency": world.prison_a.pk, "roles": [Role.TREATMENT_OFFICER],
                                   "sector": Sector.TREATMENT}]))
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=newcomer)
    # given: saved, but it grants nothing yet
    assert membership.requested["roles"] == [Role.TREATMENT_OFFICER]
    assert not profile_for(_fresh(newcomer)).grants
    assert login(newcomer).get(reverse("people:detail", args=[world.person_a.uuid])
                               ).status_code == 404
    # when: the requester tries to approve it, they are refused with the reason
    with pytest.raises(PermissionDenied, match="second administrator"):
        services.membership_approve(actor=world.admin, membership=membership)
    # when: a second administrator approves it in the admin
    response = login(second_admin).post(reverse("admin:accounts_membership_changelist"), {
        "action": "approve", "_selected_action": [membership.pk]})
    assert response.status_code == 302
    # then: the grant holds, and the trail has before and after
    assert profile_for(_fresh(newcomer)).has_role(Role.TREATMENT_OFFICER)
    assert login(newcomer).get(reverse("people:detail", args=[world.person_a.uuid])
                               ).status_code == 200
    approval = AuditEvent.objects.filter(object_uuid=str(membership.uuid)).latest("id")
    assert approval.actor == second_admin and approval.details["decision"] == "approved"
    assert approval.details["before"]["roles"] == []
    assert approval.details["after"]["roles"] == [Role.TREATMENT_OFFICER]
    request = AuditEvent.objects.filter(object_uuid=str(membership.uuid)).earliest("id")
    assert request.actor == world.admin and request.details["waiting_for_approval"] is True
    assert request.details["requested"]["roles"] == [Role.TREATMENT_OFFICER]
    assert request.details["agency"] == "Prison A"


def test_the_member_cannot_approve_their_own_grant(world, second_admin):
    colleague = member(world.admin_hq, Role.SYSTEM_ADMINISTRATOR, username="sysadmin3")
    m = services.membership_save(actor=world.admin, user=colleague, agency=world.regional,
                                 roles=[Role.REGIONAL_COORDINATOR], sector="", is_active=True)
    with pytest.raises(PermissionDenied):
        services.membership_approve(actor=colleague, membership=m)
    services.membership_approve(actor=second_admin, membership=m)
    assert profile_for(_fresh(colleague)).has_role(Role.REGIONAL_COORDINATOR)


def test_a_new_sector_waits_but_a_removed_role_applies_at_once(world, second_admin):
    m = Membership.objects.get(user=world.manager_a)
    narrowed = services.membership_save(actor=world.admin, user=world.manager_a,
                                        agency=world.prison_a, roles=[Role.PRISON_MANAGER],
                                        sector=Sector.MANAGEMENT, is_active=True, membership=m)
    assert narrowed.roles == [Role.PRISON_MANAGER] and narrowed.requested is None
    moved = services.membership_save(actor=world.admin, user=world.manager_a,
                                     agency=world.prison_a, roles=[Role.PRISON_MANAGER],
                                     sector=Sector.SECURITY, is_active=True, membership=m)
    assert moved.sector == Sector.MANAGEMENT and moved.requested["sector"] == Sector.SECURITY
    rejected = services.membership_approve(actor=second_admin, membership=moved, approve=False)
    assert rejected.sector == Sector.MANAGEMENT and rejected.requested is None


def test_administration_and_casework_are_never_one_account(world, second_admin):
    with pytest.raises(ValidationError, match="separation of duties"):
        services.membership_save(actor=second_admin, user=world.admin, agency=world.prison_a,
                                 roles=[Role.TREATMENT_OFFICER], sector=Sector.TREATMENT,
                                 is_active=True)
    with pytest.raises(ValidationError, match="separation of duties"):
        services.membership_save(actor=world.admin, user=world.treatment_b,
                                 agency=world.admin_hq, roles=[Role.SYSTEM_ADMINISTRATOR],
                                 sector="", is_active=True)


def test_production_refuses_to_start_with_an_administrator_who_does_casework(world, settings):
    # given: a combination made outside the application (e.g. in the database)
    Membership.objects.create(user=world.admin, agency=world.prison_b,
                              roles=[Role.TREATMENT_OFFICER], sector=Sector.TREATMENT)
    settings.PRODUCTION = False
    verify_separation_of_duties()  # development only warns
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match=world.admin.username):
        verify_separation_of_duties()


def test_administrators_cannot_set_a_password(world):
    client = login(world.admin)
    url = reverse("admin:auth_user_password_change", args=[world.treatment_a.pk]) if False else \
        f"/admin/accounts/user/{world.treatment_a.pk}/password/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403
    page = client.get(reverse("admin:accounts_user_change", args=[world.treatment_a.pk]))
    assert 'name="password"' not in page.content.decode()


def test_a_new_account_has_no_password_until_its_user_sets_one(world):
    response = login(world.admin).post(reverse("admin:accounts_user_add"), {
        "username": "fresh.user", "first_name": "Fresh", "last_name": "User",
        "email": "fresh@example.org", "password1": "chosen-by-admin-1", "password2":
        "chosen-by-admin-1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="fresh.user")
    assert not user.has_usable_password()
    event = AuditEvent.objects.filter(object_uuid=str(user.uuid), action="create").get()
    assert event.details["after"]["email"] == "fresh@example.org"
    assert "password" not in event.details["after"]


def test_a_reset_link_goes_to_the_user_who_alone_sets_the_password(world):
    user = world.treatment_a
    user.email = "tea@prison-a.example"
    user.set_password("the-old-password-9")
    user.save()
    response = login(world.admin).post(reverse("admin:accounts_user_changelist"), {
        "action": "send_password_reset", "_selected_action": [user.pk]})
    assert response.status_code == 302
    # the old password no longer works; the link went to the user's address, not the admin
    assert not _fresh(user).check_password("the-old-password-9")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["tea@prison-a.example"]
    event = AuditEvent.objects.filter(object_uuid=str(user.uuid)).latest("id")
    assert event.actor == world.admin and event.details["password"] == "reset_link_sent"
    # the user follows the link and chooses a password
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    from django.test import Client

    browser = Client()
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200
    done = browser.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else link, {
        "password1": "Tea chooses her own 2026", "password2": "Tea chooses her own 2026"})
    assert done.status_code == 302
    assert _fresh(user).check_password("Tea chooses her own 2026")


def test_an_administrator_resets_another_users_second_factor(world):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=world.treatment_a, type=Authenticator.Type.TOTP,
                                 data={"secret": "x"})
    response = login(world.admin).post(reverse("admin:accounts_user_changelist"), {
        "action": "reset_second_factor", "_selected_action": [world.treatment_a.pk]})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.treatment_a).exists()
    event = AuditEvent.objects.filter(object_uuid=str(world.treatment_a.uuid)).latest("id")
    assert event.details["second_factor"] == "reset" and event.actor == world.admin
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(actor=world.admin, user=world.admin)


def test_configuration_changes_are_audited_with_before_and_after(world):
    client = login(world.admin)
    response = client.post(reverse("admin:organisations_agency_change",
                                   args=[world.prison_b.pk]), {
        "jurisdiction": world.j1.pk, "name": "Prison B renamed", "type": "prison",
        "is_active": "on", "units-TOTAL_FORMS": "0", "units-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(object_uuid=str(world.prison_b.uuid)).latest("id")
    assert event.details["before"] == {"name": "Prison B"}
    assert event.details["after"] == {"name": "Prison B renamed"}


def test_an_instrument_switched_off_in_the_admin_is_audited_with_before_and_after(world,
                                                                                 instruments):
    version = instruments.risk_needs
    response = login(world.admin).post(
        reverse("admin:assessments_instrumentversion_change", args=[version.pk]), {})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(object_uuid=str(version.uuid)).latest("id")
    assert event.details["before"] == {"is_active": True}
    assert event.details["after"] == {"is_active": False}


def test_the_operator_approves_from_the_shell_on_a_single_administrator_install(world):
    import io

    from django.core.management import call_command

    newcomer = User.objects.create(username="solo.grant")
    m = services.membership_save(actor=world.admin, user=newcomer, agency=world.prison_b,
                                 roles=[Role.TREATMENT_OFFICER], sector=Sector.TREATMENT,
                                 is_active=True)
    out = io.StringIO()
    call_command("approve_grants", stdout=out)
    assert str(m.uuid) in out.getvalue() and "1 waiting" in out.getvalue()
    call_command("approve_grants", approve=str(m.uuid), stdout=io.StringIO())
    assert profile_for(_fresh(newcomer)).has_role(Role.TREATMENT_OFFICER)
    event = AuditEvent.objects.filter(object_uuid=str(m.uuid)).latest("id")
    assert event.actor is None and event.details["decision"] == "approved"


def test_an_administrator_unlocks_a_locked_account_from_the_admin(world):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="treatment_a", ip_address="10.0.0.1",
                                 failures_since_start=10, user_agent="", get_data="",
                                 post_data="", http_accept="", path_info="/")
    response = login(world.admin).post(reverse("admin:accounts_user_changelist"), {
        "action": "unlock_sign_in", "_selected_action": [world.treatment_a.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="treatment_a").exists()
    event = AuditEvent.objects.filter(action="unlock").latest("id")
    assert event.actor == world.admin


def test_a_reactivated_account_gets_its_access_back_only_through_a_second_administrator(
        world, second_admin):
    user = world.treatment_b
    user.is_active = False
    user.save()
    page = login(world.admin).post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {**_user_form(user, list(user.memberships.all())), "is_active": "on"})
    assert page.status_code == 302, page.content.decode()[:2000]
    assert _fresh(user).is_active
    membership = Membership.objects.get(user=user)
    assert membership.requested["roles"] == [Role.TREATMENT_OFFICER]
    assert not profile_for(_fresh(user)).grants  # nothing until a second administrator agrees
    services.membership_approve(actor=second_admin, membership=membership)
    assert profile_for(_fresh(user)).has_role(Role.TREATMENT_OFFICER)
