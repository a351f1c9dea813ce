"""The release module's configuration in the admin: a jurisdiction replaces a regional step, the
settings are validated, every change is audited, and no person-level release record is there."""

import json

import pytest
from django.urls import reverse

from alliance.core.models import AuditEvent
from alliance.release.models import StepTemplate
from alliance.release.services.common import settings_for, templates_for

from ..conftest import login

pytestmark = pytest.mark.django_db


def _step_form(**changes):
    form = {"code": "reassessment", "name": "Risk and needs reassessment (J1)",
            "names": "{}", "lead_months": "8", "lead_days": "0", "agency_type": "prison",
            "evidence_required": "on", "checklist": "[]", "blocks_readiness": "on",
            "is_active": "on", "order": "100"}
    form.update(changes)
    return form


def test_a_jurisdiction_replaces_a_regional_step_audited(world):
    client = login(world.admin)
    regional = StepTemplate.objects.get(code="identity_documents", jurisdiction=None)
    # given the form filled in from the regional step
    page = client.get(reverse("admin:release_steptemplate_add") + f"?copy={regional.uuid}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="identity_documents"' in html and "birth_certificate" in html
    # when the administrator saves it for J1, with one checklist item fewer
    checklist = [item for item in regional.checklist if item["code"] != "birth_certificate"]
    response = client.post(reverse("admin:release_steptemplate_add"), _step_form(
        jurisdiction=world.j1.pk, code="identity_documents", name="Identity documents ready",
        lead_months="2", evidence_required="", checklist=json.dumps(checklist)))
    assert response.status_code == 302, response.content.decode()[:2000]
    # then J1's programme has its own step in place of the regional one, J2's is unchanged
    own = StepTemplate.objects.get(code="identity_documents", jurisdiction=world.j1)
    assert [t for t in templates_for(world.j1) if t.code == "identity_documents"] == [own]
    assert [t for t in templates_for(world.j2) if t.code == "identity_documents"] == [regional]
    event = AuditEvent.objects.get(object_uuid=str(own.uuid), action="create")
    assert event.details["via"] == "admin" and event.details["after"]["lead_months"] == 2


def test_the_list_shows_a_jurisdictions_programme_with_the_regional_steps(world):
    StepTemplate.objects.create(jurisdiction=world.j1, code="reassessment", name="J1 review",
                                lead_months=8)
    client = login(world.admin)
    url = reverse("admin:release_steptemplate_changelist")
    html = client.get(url + f"?programme={world.j1.pk}").content.decode()
    assert "J1 review" in html and "Release planning starts" in html
    assert "replaced here by the jurisdiction" in html
    html = client.get(url + "?programme=regional").content.decode()
    assert "J1 review" not in html and "replaced in 1 jurisdiction" in html
    assert "Change it for a jurisdiction" in html


def test_a_checklist_in_the_wrong_shape_is_refused_with_what_to_do(world):
    client = login(world.admin)
    response = client.post(reverse("admin:release_steptemplate_add"), _step_form(
        jurisdiction=world.j1.pk, checklist='[{"code": "Has Spaces", "name": "x"}]'))
    assert response.status_code == 200
    assert "lower-case letters" in response.content.decode()
    response = client.post(reverse("admin:release_steptemplate_add"), _step_form(
        jurisdiction=world.j1.pk, checklist='[{"code": "a"}, {"code": "a", "name": "A"}]'))
    assert "give its name" in response.content.decode()
    assert not StepTemplate.objects.filter(jurisdiction=world.j1).exists()


def test_the_settings_refuse_an_offset_that_is_not_one_and_are_audited(world):
    settings = settings_for(world.j1)  # created with the defaults when first needed
    client = login(world.admin)
    url = reverse("admin:release_releasesettings_change", args=[settings.pk])
    form = {"horizon_months": "12", "task_within_days": "30", "retain_days": "60"}
    response = client.post(url, {**form, "follow_up_offsets": '["1w", "2x"]'})
    assert "2x is not an offset" in response.content.decode()
    response = client.post(url, {**form, "follow_up_offsets": '["1m", "1m"]'})
    assert "Give each offset once" in response.content.decode()
    response = client.post(url, {**form, "follow_up_offsets": '["2w", "3m", "12m"]'})
    assert response.status_code == 302, response.context["adminform"].form.errors
    settings.refresh_from_db()
    assert settings.follow_up_offsets == ["2w", "3m", "12m"] and settings.retain_days == 60
    event = AuditEvent.objects.get(object_type="release.releasesettings", action="change")
    assert event.details["before"]["retain_days"] == 90
    assert event.details["after"]["follow_up_offsets"] == ["2w", "3m", "12m"]


def test_the_admin_holds_no_release_record_and_deletes_no_step_in_use(world):
    client = login(world.admin)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Pre-release steps" in index and "Release settings" in index
    for absent in ("Handovers", "Support plans", "Follow-up", "Breaches"):
        assert absent not in index, absent
    regional = StepTemplate.objects.get(code="handover", jurisdiction=None)
    assert client.get(reverse("admin:release_steptemplate_delete",
                              args=[regional.pk])).status_code == 403
    page = client.get(reverse("admin:release_steptemplate_change", args=[regional.pk]))
    assert page.status_code == 200
    assert 'name="code"' not in page.content.decode()  # fixed once saved
    mistaken = StepTemplate.objects.create(jurisdiction=world.j1, code="handover",
                                           name="Handover (J1)", lead_months=2)
    response = client.post(reverse("admin:release_steptemplate_delete", args=[mistaken.pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert not StepTemplate.objects.filter(pk=mistaken.pk).exists()
    assert AuditEvent.objects.filter(object_uuid=str(mistaken.uuid), action="delete").exists()


def test_other_roles_cannot_open_the_release_configuration(world):
    response = login(world.manager_a).get(reverse("admin:release_steptemplate_changelist"))
    assert response.status_code == 302
