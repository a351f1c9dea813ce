"""Retention periods: set per jurisdiction and category by that jurisdiction's DPO (never the
system-level DPO), audited, with defaults where none was set."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alliance.accounts.models import Role
from alliance.core.errors import Conflict
from alliance.core.models import AuditEvent
from alliance.retention import demo, services
from alliance.retention.models import RetentionRule
from alliance.retention.review import effective_rules

from ..conftest import login
from ..factories import member

pytestmark = pytest.mark.django_db


def _edit(w, jurisdiction, category="security"):
    return reverse("retention:period_edit", args=[jurisdiction.code, category])


def test_it_shows_the_defaults_until_a_period_is_set(world):
    rules = effective_rules(world.j1)
    assert rules["identity"][:2] == (world.j1.retention_years * 12, "last_release")
    assert rules["security"][:2] == (36, "record_created")
    page = login(world.dpo).get(reverse("retention:periods")).content.decode()
    assert world.j1.name in page and world.j2.name not in page
    assert "default" in page


def test_the_dpo_sets_a_period_of_their_jurisdiction(world):
    client = login(world.dpo)
    response = client.post(_edit(world, world.j1), {"months": "24",
                                                    "counted_from": "case_closed",
                                                    "version": "0"})
    assert response.status_code == 302
    rule = RetentionRule.objects.get(jurisdiction=world.j1, category="security")
    assert (rule.months, rule.counted_from, rule.updated_by) == (24, "case_closed", world.dpo)
    event = AuditEvent.objects.filter(object_type="retention.retentionrule").latest("id")
    assert event.action == "create" and event.actor == world.dpo
    assert event.details["before"] == {"months": 36, "counted_from": "record_created"}
    assert event.details["after"] == {"months": 24, "counted_from": "case_closed"}
    assert effective_rules(world.j1)["security"][:2] == (24, "case_closed")


def test_it_hides_another_jurisdictions_periods_from_the_dpo(world):
    response = login(world.dpo).post(_edit(world, world.j2), {"months": "1",
                                                               "counted_from": "case_closed"})
    assert response.status_code == 404
    assert not RetentionRule.objects.exists()


def test_the_service_refuses_a_dpo_of_another_jurisdiction(world):
    with pytest.raises(PermissionDenied):
        services.rule_save(actor=world.dpo, jurisdiction=world.j2, category="security",
                           months=12, counted_from="case_closed")
    assert not RetentionRule.objects.exists()


def test_it_requires_a_dpo(world):
    for persona in ("manager_a", "admin", "regional_coordinator"):
        user = getattr(world, persona)
        assert login(user).get(_edit(world, world.j1)).status_code == 403
        with pytest.raises(PermissionDenied):
            services.rule_save(actor=user, jurisdiction=world.j1, category="security",
                               months=12, counted_from="case_closed")


def test_the_system_dpo_sets_no_jurisdictions_periods(world):
    # periods are each jurisdiction's, under its own law: its own DPO's
    system_dpo = member(world.regional, Role.DATA_PROTECTION_OFFICER, username="system_dpo")
    client = login(system_dpo)
    for jurisdiction in (world.j1, world.j2):
        response = client.post(_edit(world, jurisdiction, "identity"),
                               {"months": "60", "counted_from": "last_release", "version": "0"})
        assert response.status_code == 403
    assert client.get(reverse("retention:periods")).status_code == 403
    assert not RetentionRule.objects.filter(category="identity", months=60).exists()
    with pytest.raises(PermissionDenied):
        services.rule_save(actor=system_dpo, jurisdiction=world.j1, category="identity",
                           months=60, counted_from="last_release")


def test_it_refuses_a_period_out_of_range_and_a_stale_edit(world):
    with pytest.raises(ValidationError):
        services.rule_save(actor=world.dpo, jurisdiction=world.j1, category="security",
                           months=0, counted_from="case_closed")
    rule = services.rule_save(actor=world.dpo, jurisdiction=world.j1, category="security",
                              months=12, counted_from="case_closed")
    services.rule_save(actor=world.dpo, jurisdiction=world.j1, category="security", months=18,
                       counted_from="case_closed", expected_version=rule.version)
    with pytest.raises(Conflict):
        services.rule_save(actor=world.dpo, jurisdiction=world.j1, category="security",
                           months=24, counted_from="case_closed", expected_version=rule.version)
    assert RetentionRule.objects.get().months == 18


def test_a_stale_edit_on_the_page_answers_409(world):
    client = login(world.dpo)
    client.post(_edit(world, world.j1), {"months": "24", "counted_from": "case_closed",
                                         "version": "0"})
    response = client.post(_edit(world, world.j1), {"months": "30",
                                                    "counted_from": "case_closed",
                                                    "version": "0"})
    assert response.status_code == 409
    assert RetentionRule.objects.get().months == 24


def test_the_demo_writes_the_defaults_as_the_dpo(world):
    demo.seed(dpo=world.dpo)
    rules = RetentionRule.objects.filter(jurisdiction=world.j1)
    assert rules.count() == 6 and not RetentionRule.objects.filter(jurisdiction=world.j2)
    assert set(rules.values_list("updated_by", flat=True)) == {world.dpo.pk}
    assert AuditEvent.objects.filter(object_type="retention.retentionrule").count() == 6
