"""The work policies: for every persona and every task and notification, the object is in the
persona's list exactly when the policy's grant lets them view it (the list filter and the
object check cannot disagree), and the grant says who may mark a task done."""

import datetime

import pytest

from alliance.accounts.models import Membership, Role
from alliance.cases import services as case_services
from alliance.work import services
from alliance.work.access import notification_policy, task_policy
from alliance.work.models import Notification, Task

from ..test_authorization_matrix import PERSONAS
from .conftest import submit

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def work(assessing, followup):
    w = assessing
    case_services.team_member_add(actor=w.manager_a, case=w.case_a,
                                  membership=Membership.objects.get(user=w.ngo_worker),
                                  team_role="Mentor", scopes=[])
    submit(w)  # a countersignature task for prison A's managers, created by treatment A
    params = {"reference": w.person_a.reference, "due_on": TODAY}
    services.task_ensure(kind="test_followup", source=w.person_a, person=w.person_a,
                         assignee=w.ngo_worker, due_on=TODAY, params=params,
                         created_by=w.manager_a)
    services.task_ensure(kind="test_followup", source=w.case_a, person=w.person_a,
                         agency=w.prison_a, role=Role.SECURITY_OFFICER, due_on=TODAY,
                         params=params)
    services.task_ensure(kind="test_followup", source=w.prison_other, assignee=w.manager_other,
                         due_on=TODAY, params={"due_on": TODAY})
    for user in (w.treatment_a, w.ngo_worker, w.manager_other):
        services.notify(recipient=user, kind="test_note", person=w.person_a,
                        params={"reference": w.person_a.reference})
    return w


def test_each_list_and_object_check_agree(work):
    for policy, model in ((task_policy, Task), (notification_policy, Notification)):
        objects = list(model.objects.all())
        assert len(objects) >= 3
        for persona in PERSONAS[1:]:
            user = getattr(work, persona)
            listed = set(policy.visible(user).values_list("pk", flat=True))
            for obj in objects:
                assert (obj.pk in listed) == policy.grant(user, obj).can("view"), (
                    policy.object_type, obj, persona)


def test_only_assignees_and_role_holders_may_mark_done(work):
    def doers(task):
        return {p for p in PERSONAS[1:] if task_policy.grant(getattr(work, p), task).can(
            "mark_done")}

    assert doers(Task.objects.get(kind="countersignature_waiting")) == {"manager_a"}
    assert doers(Task.objects.get(assignee=work.ngo_worker)) == {"ngo_worker"}
    assert doers(Task.objects.get(assignee_role="security_officer")) == {"security_a"}
    assert doers(Task.objects.get(assignee=work.manager_other)) == {"manager_other"}


def test_leaving_the_team_hides_the_task_about_that_person(work):
    task = Task.objects.get(assignee=work.ngo_worker)
    assert task_policy.visible(work.ngo_worker).filter(pk=task.pk).exists()
    member = work.case_a.team.get(user=work.ngo_worker, ended_at__isnull=True)
    case_services.team_member_end(actor=work.manager_a, member=member)
    assert not task_policy.visible(work.ngo_worker).filter(pk=task.pk).exists()
    assert not task_policy.grant(work.ngo_worker, task).can("view")
