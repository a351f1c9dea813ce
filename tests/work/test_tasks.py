"""Tasks through their services: one open task per source and kind, the assignment rules, and
who may mark a task done."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.accounts.models import Membership, Role
from alliance.cases import services as case_services
from alliance.core.errors import Conflict
from alliance.core.models import AuditEvent
from alliance.work import services
from alliance.work.access import tasks_assigned_to
from alliance.work.models import Task

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _ensure(world, **overrides):
    kwargs = dict(kind="test_followup", source=world.case_a, person=world.person_a,
                  assignee=world.treatment_a, due_on=TODAY,
                  params={"reference": world.person_a.reference, "due_on": TODAY},
                  created_by=world.manager_a)
    kwargs.update(overrides)
    return services.task_ensure(**kwargs)


def _task_events():
    return AuditEvent.objects.filter(object_type="work.task")


def test_ensuring_the_same_task_twice_changes_nothing(world, followup):
    first = _ensure(world)
    events = _task_events().count()
    second = _ensure(world)
    assert second.pk == first.pk and second.version == first.version
    assert Task.objects.count() == 1
    assert _task_events().count() == events == 1


def test_a_changed_due_date_updates_the_open_task(world, followup):
    first = _ensure(world)
    later = TODAY + datetime.timedelta(days=10)
    second = _ensure(world, due_on=later)
    assert second.pk == first.pk and second.due_on == later and second.version == 2
    assert _task_events().latest("id").details["fields"] == ["due_on"]


def test_a_closed_task_is_followed_by_a_new_one(world, followup):
    first = _ensure(world)
    services.task_close(source=world.case_a, kind="test_followup", actor=world.manager_a)
    second = _ensure(world)
    assert second.pk != first.pk
    assert Task.objects.get(pk=first.pk).status == "done"
    closed = services.task_close(source=world.case_a, status="cancelled")
    assert [t.pk for t in closed] == [second.pk]
    assert Task.objects.get(pk=second.pk).status == "cancelled"
    assert services.task_close(source=world.case_a) == []


def test_it_refuses_a_user_outside_the_team_and_the_responsible_agency(world, followup):
    with pytest.raises(ValidationError) as excinfo:
        _ensure(world, assignee=world.treatment_b)
    message = excinfo.value.message_dict["assignee"][0]
    assert "neither on the case team" in message and world.person_a.reference in message
    assert not Task.objects.exists()


def test_it_refuses_a_role_in_an_agency_outside_the_team(world, followup):
    with pytest.raises(ValidationError) as excinfo:
        _ensure(world, assignee=None, agency=world.prison_b, role=Role.TREATMENT_OFFICER)
    assert "neither responsible for" in excinfo.value.message_dict["agency"][0]


def test_a_team_members_agency_may_be_given_a_role_task(world, followup):
    case_services.team_member_add(actor=world.manager_a, case=world.case_a,
                                  membership=Membership.objects.get(user=world.ngo_worker),
                                  team_role="Mentor", scopes=[])
    task = _ensure(world, assignee=None, agency=world.ngo, role=Role.COMMUNITY_PROVIDER)
    assert task.assignee_agency == world.ngo
    assert list(tasks_assigned_to(world.ngo_worker)) == [task]


def test_a_team_member_may_be_given_a_task(world, followup):
    with pytest.raises(ValidationError):
        _ensure(world, assignee=world.probation_officer)
    case_services.team_member_add(actor=world.manager_a, case=world.case_a,
                                  membership=Membership.objects.get(user=world.probation_officer),
                                  team_role="Probation", scopes=[])
    assert _ensure(world, assignee=world.probation_officer).assignee == world.probation_officer


def test_it_needs_one_user_or_one_role(world, followup):
    with pytest.raises(ValidationError, match="one user, or to a role"):
        _ensure(world, assignee=None)
    with pytest.raises(ValidationError, match="one user, or to a role"):
        _ensure(world, agency=world.prison_a, role=Role.TREATMENT_OFFICER)


def test_it_refuses_parameters_off_the_kinds_list(world, followup):
    with pytest.raises(ValueError, match="not allowed"):
        _ensure(world, params={"reference": "x", "detail": "free text"})
    with pytest.raises(ValueError, match="longer than"):
        _ensure(world, params={"reference": "a sentence of evidence, far too long to be a code"})
    with pytest.raises(ValueError, match="unknown task kind"):
        _ensure(world, kind="never_registered")


def test_the_assignee_marks_it_done(world, followup):
    task = _ensure(world)
    done = services.task_done(actor=world.treatment_a, task=task, expected_version=task.version)
    assert done.status == "done" and done.closed_by == world.treatment_a
    assert _task_events().latest("id").actor == world.treatment_a


def test_a_holder_of_the_role_marks_it_done(world, followup):
    task = _ensure(world, assignee=None, agency=world.prison_a, role=Role.PRISON_MANAGER)
    with pytest.raises(PermissionDenied):
        services.task_done(actor=world.treatment_a, task=task, expected_version=task.version)
    done = services.task_done(actor=world.manager_a, task=task, expected_version=task.version)
    assert done.status == "done"


def test_someone_else_cannot_mark_it_done(world, followup):
    task = _ensure(world)
    with pytest.raises(PermissionDenied):
        services.task_done(actor=world.manager_a, task=task, expected_version=task.version)
    assert Task.objects.get(pk=task.pk).status == "open"


def test_a_stale_version_is_a_conflict(world, followup):
    task = _ensure(world)
    _ensure(world, due_on=TODAY + datetime.timedelta(days=3))
    with pytest.raises(Conflict):
        services.task_done(actor=world.treatment_a, task=task, expected_version=task.version)
    assert Task.objects.get(pk=task.pk).status == "open"


def test_a_done_task_cannot_be_done_again(world, followup):
    task = _ensure(world)
    done = services.task_done(actor=world.treatment_a, task=task, expected_version=task.version)
    with pytest.raises(ValidationError, match="already done"):
        services.task_done(actor=world.treatment_a, task=done, expected_version=done.version)


def test_an_agency_that_left_the_team_may_no_longer_be_given_a_role_task(world, followup):
    member = case_services.team_member_add(
        actor=world.manager_a, case=world.case_a,
        membership=Membership.objects.get(user=world.ngo_worker), team_role="Mentor", scopes=[])
    case_services.team_member_end(actor=world.manager_a, member=member)
    with pytest.raises(ValidationError, match="neither responsible for"):
        _ensure(world, assignee=None, agency=world.ngo, role=Role.COMMUNITY_PROVIDER)


def test_a_role_holder_who_cannot_see_the_person_cannot_mark_it_done(world, followup):
    task = _ensure(world, assignee=None, agency=world.prison_a, role=Role.PRISON_MANAGER)
    # Person A moves to prison B: prison A's role holders no longer see them.
    type(world.person_a).objects.filter(pk=world.person_a.pk).update(
        responsible_agency=world.prison_b)
    with pytest.raises(PermissionDenied):
        services.task_done(actor=world.manager_a, task=task, expected_version=task.version)


def test_a_notification_refuses_parameters_off_its_list(world, followup):
    with pytest.raises(ValueError, match="not allowed"):
        services.notify(recipient=world.treatment_a, kind="test_note",
                        params={"reference": "X", "evidence": "what was said"})
    with pytest.raises(ValueError, match="text, a number or a date"):
        services.notify(recipient=world.treatment_a, kind="test_note",
                        params={"reference": {"nested": "text"}})
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notify(recipient=world.treatment_a, kind="free_text")


def test_a_notification_with_an_occurrence_is_sent_once(world, followup):
    first = services.notify(recipient=world.treatment_a, kind="test_note", target=world.person_a,
                            params={"reference": "X"}, occurrence="2026-01-01")
    again = services.notify(recipient=world.treatment_a, kind="test_note", target=world.person_a,
                            params={"reference": "X"}, occurrence="2026-01-01")
    later = services.notify(recipient=world.treatment_a, kind="test_note", target=world.person_a,
                            params={"reference": "X"}, occurrence="2026-02-01")
    assert first is not None and again is None and later is not None
