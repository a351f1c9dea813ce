"""The post-release support plan: the pathways with needs and actions, the receiving
municipality and the family; supervision conditions, contacts, breaches and recalls."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.core.errors import Conflict
from alliance.core.models import AuditEvent
from alliance.people.models import TimelineEvent
from alliance.release import services
from alliance.release.models import Pathway, PathwayStatus, SupportPlan
from alliance.work.models import Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def plan(releasing):
    releasing.plan = services.support_plan_start(actor=releasing.probation_officer,
                                                 person=releasing.person_a)
    return releasing


def entry(w, pathway):
    return w.plan.pathways.get(pathway=pathway)


def test_a_plan_starts_with_every_pathway_not_yet_assessed(plan):
    w = plan
    assert sorted(w.plan.pathways.values_list("pathway", flat=True)) == sorted(Pathway.values)
    assert len(Pathway.values) == 7
    assert set(w.plan.pathways.values_list("status", flat=True)) == {PathwayStatus.NOT_ASSESSED}
    assert w.plan.episode == w.episode_a
    assert TimelineEvent.objects.filter(kind="support_plan_started").count() == 1
    assert AuditEvent.objects.filter(object_uuid=str(w.plan.uuid), action="create").exists()
    # starting it again gives the same plan
    again = services.support_plan_start(actor=w.reintegration_officer, person=w.person_a)
    assert again == w.plan and SupportPlan.objects.count() == 1
    assert services.current_plan(w.person_a) == w.plan


def test_who_does_not_work_on_the_release_cannot_start_it(releasing):
    w = releasing
    for user in (w.security_a, w.treatment_b, w.ngo_worker, w.regional_coordinator):
        with pytest.raises(PermissionDenied):
            services.support_plan_start(actor=user, person=w.person_a)
    assert not SupportPlan.objects.exists()


def test_a_need_is_written_down(plan):
    w = plan
    housing = entry(w, "accommodation")
    for status in ("need", "in_progress", "met"):
        with pytest.raises(ValidationError) as refused:
            services.pathway_update(actor=w.probation_officer, entry=housing,
                                    expected_version=None, needs="  ", status=status)
        assert "needs" in refused.value.message_dict
    # no need needs no words
    services.pathway_update(actor=w.probation_officer, entry=entry(w, "substance_use"),
                            expected_version=None, needs="", status="no_need")
    version = SupportPlan.objects.get().version
    updated = services.pathway_update(actor=w.probation_officer, entry=housing,
                                      expected_version=housing.version,
                                      needs="No address to go to", status="need")
    assert (updated.status, updated.needs) == ("need", "No address to go to")
    assert SupportPlan.objects.get().version == version + 1  # the plan's version moves too
    with pytest.raises(Conflict):
        services.pathway_update(actor=w.probation_officer, entry=housing,
                                expected_version=housing.version, needs="Stale", status="need")
    with pytest.raises(ValidationError):
        services.pathway_update(actor=w.probation_officer, entry=updated, expected_version=None,
                                needs="x", status="nonsense")


def test_an_action_goes_to_an_agency_on_the_team_or_responsible(plan):
    w = plan
    housing = entry(w, "accommodation")
    with pytest.raises(ValidationError) as refused:
        services.action_add(actor=w.probation_officer, entry=housing, description="Find a room",
                            agency=w.prison_b)
    assert "Prison B" in refused.value.message_dict["agency"][0]
    with pytest.raises(ValidationError) as refused:
        services.action_add(actor=w.probation_officer, entry=housing, description=" ",
                            agency=w.ministry)
    assert "description" in refused.value.message_dict
    action = services.action_add(actor=w.probation_officer, entry=housing,
                                 description="Find a room", agency=w.ministry,
                                 due_on=TODAY() + datetime.timedelta(days=30))
    assert (action.agency, action.status) == (w.ministry, "planned")
    changed = services.action_update(actor=w.reintegration_officer, action=action,
                                     expected_version=action.version, description="Room found",
                                     agency=w.ministry, due_on=None, status="done")
    assert changed.status == "done"
    with pytest.raises(ValidationError):
        services.action_update(actor=w.reintegration_officer, action=changed,
                               expected_version=None, description="Move", agency=w.prison_b,
                               due_on=None, status="done")


def test_the_municipality_and_the_supervising_service_are_checked(plan):
    w = plan
    with pytest.raises(ValidationError) as refused:
        services.support_plan_update(actor=w.probation_officer, plan=w.plan,
                                     expected_version=None, municipality=w.ngo)
    assert "municipality" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.support_plan_update(actor=w.probation_officer, plan=w.plan,
                                     expected_version=None, supervising_agency=w.ministry)
    assert "supervising_agency" in refused.value.message_dict
    updated = services.support_plan_update(
        actor=w.probation_officer, plan=w.plan, expected_version=w.plan.version,
        municipality=w.municipality, municipality_involvement="Social worker named",
        family_involvement="Sister will host", supervising_agency=w.probation,
        supervision_ends_on=TODAY() + datetime.timedelta(days=365))
    assert (updated.municipality, updated.supervising_agency) == (w.municipality, w.probation)
    event = AuditEvent.objects.filter(object_uuid=str(w.plan.uuid)).latest("id")
    assert "Sister" not in str(event.details)  # which fields, not what they say
    assert "family_involvement" in event.details["fields"]


def test_conditions_have_dates_in_order(plan):
    w = plan
    start = TODAY()
    with pytest.raises(ValidationError) as refused:
        services.condition_add(actor=w.probation_officer, plan=w.plan, kind="reporting",
                               detail="Weekly", starts_on=start,
                               ends_on=start - datetime.timedelta(days=1))
    assert "ends_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.condition_add(actor=w.probation_officer, plan=w.plan, kind="reporting",
                               detail="", starts_on=start)
    assert "detail" in refused.value.message_dict
    condition = services.condition_add(actor=w.probation_officer, plan=w.plan, kind="reporting",
                                       detail="Report weekly", starts_on=start)
    assert TimelineEvent.objects.filter(kind="supervision_condition_added").exists()
    with pytest.raises(ValidationError):
        services.condition_end(actor=w.probation_officer, condition=condition,
                               expected_version=None, ends_on=start - datetime.timedelta(1))
    ended = services.condition_end(actor=w.probation_officer, condition=condition,
                                   expected_version=None, ends_on=start)
    assert ended.ends_on == start


def test_a_contact_is_logged_for_the_recorders_agency(plan):
    w = plan
    with pytest.raises(ValidationError) as refused:
        services.contact_add(actor=w.probation_officer, plan=w.plan, kind="office",
                             contact_on=TODAY() + datetime.timedelta(days=1))
    assert "contact_on" in refused.value.message_dict
    contact = services.contact_add(actor=w.probation_officer, plan=w.plan, kind="phone",
                                   contact_on=TODAY(), kept=False, notes="No answer")
    assert (contact.agency, contact.kept) == (w.probation, False)


def test_a_recall_is_on_the_timeline_and_the_case_manager_is_told(plan):
    w = plan
    condition = services.condition_add(actor=w.probation_officer, plan=w.plan,
                                       kind="residence", detail="Live at the hostel",
                                       starts_on=TODAY() - datetime.timedelta(days=10))
    breach = services.breach_add(actor=w.probation_officer, plan=w.plan,
                                 occurred_on=TODAY() - datetime.timedelta(days=2),
                                 description="Did not come home for two nights",
                                 response="recalled", condition=condition)
    assert breach.response_on == TODAY()
    assert TimelineEvent.objects.filter(kind="recalled", params={"response": "recalled"}).exists()
    sent = Notification.objects.get(kind="breach_recorded")
    assert (sent.recipient, sent.person) == (w.manager_a, w.person_a)
    assert "hostel" not in str(sent.params) and "nights" not in str(sent.params)
    # a lesser response is a breach on the timeline, not a recall
    services.breach_add(actor=w.probation_officer, plan=w.plan, occurred_on=TODAY(),
                        description="Late", response="warning")
    assert TimelineEvent.objects.filter(kind="breach_recorded").count() == 1
    assert Notification.objects.filter(kind="breach_recorded").count() == 2


def test_a_breach_is_refused_with_the_reason(plan):
    w = plan
    cases = [
        (dict(occurred_on=TODAY() + datetime.timedelta(days=1)), "occurred_on"),
        (dict(response="shrug"), "response"),
        (dict(response_on=TODAY() - datetime.timedelta(days=5)), "response_on"),
        (dict(description=""), "description"),
    ]
    for changes, field in cases:
        values = dict(occurred_on=TODAY() - datetime.timedelta(days=1), description="Late",
                      response="warning", **{})
        values.update(changes)
        with pytest.raises(ValidationError) as refused:
            services.breach_add(actor=w.probation_officer, plan=w.plan, **values)
        assert field in refused.value.message_dict, field
