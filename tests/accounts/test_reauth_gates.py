"""Re-authentication (allauth's `reauthentication_required`) before exports, the audit export,
loading instruments, and changes to roles and to sharing agreements: a session whose password
was not confirmed in the last five minutes is sent to confirm it, then back."""

import uuid
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.urls import reverse

from alliance.accounts import services
from alliance.accounts.models import Membership, Role, Sector
from alliance.core.models import AuditEvent

from ..conftest import login, reauthenticate
from ..factories import member

PASSWORD = "Correct-horse-battery-staple-41"
REAUTHENTICATE = reverse("account_reauthenticate")


def _gated(w):
    """(persona, url, status once confirmed) for one view of each gated kind. Where building
    the record is a module's own business, a random id shows the gate passed (404, not the
    redirect)."""
    random = uuid.uuid4()
    return {
        "audit export": (w.dpo, reverse("audit_export"), 200),
        "disclosure log export": (w.dpo, reverse("coordination:disclosures_export"), 200),
        "staff training export": (w.manager_a, reverse("training:staff_export"), 200),
        "security export of a person": (
            w.analyst_a, reverse("observations:export", args=[w.person_a.uuid]), 200),
        "release plan PDF": (w.manager_a, reverse("release:pdf", args=[w.person_a.uuid]), 200),
        "assessment PDF": (w.treatment_a, reverse("assessments:pdf", args=[random]), 404),
        "plan PDF": (w.treatment_a, reverse("plans:plan_pdf", args=[random]), 404),
        "conference minutes PDF": (
            w.manager_a, reverse("coordination:conference_pdf", args=[random]), 404),
        "instrument loading": (w.admin, reverse("assessments:instrument_load"), 200),
        "new sharing agreement": (w.dpo, reverse("coordination:agreement_new"), 200),
        "sharing agreement edit": (
            w.dpo, reverse("coordination:agreement_edit", args=[w.agreement.uuid]), None),
        "sharing agreement termination": (
            w.dpo, reverse("coordination:agreement_terminate", args=[w.agreement.uuid]), 200),
    }


GATED = ["audit export", "disclosure log export", "staff training export",
         "security export of a person", "release plan PDF", "assessment PDF", "plan PDF",
         "conference minutes PDF", "instrument loading", "new sharing agreement",
         "sharing agreement edit", "sharing agreement termination"]


def _sent_to_reauthenticate(response, url) -> bool:
    """Whether `response` sends the user to confirm their password, and from there to `url`."""
    return response.status_code == 302 and _confirm_then(response["Location"]) == url


def _confirm_then(location: str) -> str | None:
    parts = urlsplit(location)
    if parts.path != REAUTHENTICATE:
        return None
    return parse_qs(parts.query).get("next", [None])[0]


@pytest.mark.parametrize("kind", GATED)
def test_a_stale_session_is_sent_to_confirm_the_password(world, kind):
    persona, url, _status = _gated(world)[kind]
    response = login(persona, reauthenticated=False).get(url)
    assert _sent_to_reauthenticate(response, url), (response.status_code,
                                                    response.get("Location"))


@pytest.mark.parametrize("kind", GATED)
def test_a_confirmed_session_is_served(world, kind):
    persona, url, status = _gated(world)[kind]
    response = login(persona).get(url)
    assert not _sent_to_reauthenticate(response, url)
    if status is not None:
        assert response.status_code == status


def test_a_confirmation_older_than_five_minutes_is_stale(world, settings):
    assert settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 300
    client = login(world.dpo, reauthenticated=False)
    reauthenticate(client, world.dpo, seconds_ago=301)
    assert _sent_to_reauthenticate(client.get(reverse("audit_export")), reverse("audit_export"))
    reauthenticate(client, world.dpo, seconds_ago=290)
    assert client.get(reverse("audit_export")).status_code == 200


def test_the_sign_in_alone_does_not_count_as_a_confirmation(world):
    world.dpo.set_password(PASSWORD)
    world.dpo.save()
    client = login(world.dpo, reauthenticated=False)
    client.logout()
    assert client.post(reverse("account_login"), {"login": "dpo", "password": PASSWORD}
                       ).status_code == 302
    url = reverse("audit_export")
    assert _sent_to_reauthenticate(client.get(url), url)


def test_after_confirming_the_password_the_export_link_lands_on_the_export(world):
    world.dpo.set_password(PASSWORD)
    world.dpo.save()
    client = login(world.dpo, reauthenticated=False)
    url = reverse("audit_export") + "?action=export"
    response = client.get(url)
    assert response.status_code == 302
    # a wrong password is refused
    response = client.post(response["Location"], {"password": "wrong", "next": url})
    assert response.status_code == 200
    # the right one sends the user back to the export itself
    response = client.post(REAUTHENTICATE + "?next=" + quote(url), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == url
    export = client.get(url)
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")


def test_an_htmx_request_is_sent_to_confirm_with_the_whole_page(world):
    url = reverse("audit_export")
    response = login(world.dpo, reauthenticated=False).get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert _confirm_then(response["HX-Redirect"]) == url


def test_an_htmx_form_comes_back_to_the_page_it_was_sent_from(world):
    url = reverse("coordination:agreement_sign", args=[world.agreement.uuid])
    page = reverse("coordination:agreement_detail", args=[world.agreement.uuid])
    response = login(world.dpo, reauthenticated=False).post(
        url, {}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}")
    assert response.status_code == 204
    assert _confirm_then(response["HX-Redirect"]) == page


def test_signing_an_agreement_needs_a_confirmed_session(world):
    url = reverse("coordination:agreement_sign", args=[world.agreement.uuid])
    response = login(world.dpo, reauthenticated=False).post(url, {"version": 1})
    assert response.status_code == 302
    assert _confirm_then(response["Location"]) == url


# --- changes to roles, in the admin -------------------------------------------------------------

@pytest.fixture
def second_admin(world):
    return member(world.admin_hq, Role.SYSTEM_ADMINISTRATOR, username="sysadmin2")


def test_the_admin_shows_a_user_without_confirmation_but_saves_roles_only_after(world):
    url = reverse("admin:accounts_user_change", args=[world.treatment_a.pk])
    client = login(world.admin, reauthenticated=False)
    assert client.get(url).status_code == 200
    response = client.post(url, {"username": "treatment_a"})
    assert response.status_code == 302
    assert _confirm_then(response["Location"]) == url


def test_approving_a_grant_waits_for_the_password_then_is_carried_out(world, second_admin):
    newcomer = member(world.prison_b, Role.TREATMENT_OFFICER, sector=Sector.TREATMENT,
                      username="newcomer")
    waiting = services.membership_save(
        actor=world.admin, user=newcomer, agency=world.prison_a, roles=[Role.TREATMENT_OFFICER],
        sector=Sector.TREATMENT, is_active=True)
    assert waiting.requested is not None
    second_admin.set_password(PASSWORD)
    second_admin.save()
    client = login(second_admin, reauthenticated=False)
    url = reverse("admin:accounts_membership_changelist")
    # given: the approval is held back until the administrator confirms their password
    response = client.post(url, {"action": "approve", "_selected_action": [waiting.pk]})
    assert _confirm_then(response["Location"]) == url
    assert Membership.objects.get(pk=waiting.pk).requested is not None
    # when: they confirm it, the approval they asked for is carried out
    response = client.post(f"{REAUTHENTICATE}?next={quote(url)}", {"password": PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.get(pk=waiting.pk).requested is None
    assert AuditEvent.objects.filter(object_uuid=str(waiting.uuid), actor=second_admin,
                                     details__decision="approved").exists()


def test_resetting_a_second_factor_in_the_admin_needs_a_confirmed_session(world):
    url = reverse("admin:accounts_user_changelist")
    response = login(world.admin, reauthenticated=False).post(url, {
        "action": "reset_second_factor", "_selected_action": [world.dpo.pk]})
    assert _confirm_then(response["Location"]) == url
    assert not AuditEvent.objects.filter(details__second_factor="reset").exists()
