"""/api/v1/tasks/ and /api/v1/notifications/: the caller's own only, validated filters, the
same refusals as the pages."""

import datetime

import pytest
from django.urls import reverse

from alliance.accounts.models import Role
from alliance.core.models import AuditEvent
from alliance.work import services
from alliance.work.models import Notification, Task

from ..api.helpers import ENVELOPE, assert_error
from ..conftest import login
from .conftest import make_task, submit

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


_task = make_task


def test_it_lists_the_users_own_and_their_roles_open_tasks(world, followup):
    mine = _task(world, TODAY - datetime.timedelta(days=1))
    role = _task(world, TODAY, source=world.person_a, assignee=None, agency=world.prison_a,
                 role=Role.TREATMENT_OFFICER)
    _task(world, TODAY, source=world.episode_a, assignee=world.security_a)
    response = login(world.treatment_a).get(reverse("api:task-list"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ENVELOPE and body["count"] == 2
    first, second = body["results"]
    assert (first["uuid"], second["uuid"]) == (str(mine.uuid), str(role.uuid))
    assert first["overdue"] is True and first["status"] == "open"
    assert first["person_reference"] == world.person_a.reference
    assert first["title"].startswith(f"Follow up {world.person_a.reference} by")
    assert first["assignee"]["user"] == "treatment_a"
    assert second["assignee"] == {"user": None, "agency": str(world.prison_a.uuid),
                                  "agency_name": "Prison A", "role": "treatment_officer"}
    assert login(world.treatment_b).get(reverse("api:task-list")).json()["count"] == 0


def test_it_filters_by_status_and_due(world, followup):
    _task(world, TODAY - datetime.timedelta(days=1))
    soon = _task(world, TODAY + datetime.timedelta(days=3), source=world.person_a)
    done = _task(world, TODAY, source=world.episode_a)
    services.task_done(actor=world.treatment_a, task=done, expected_version=done.version)
    client = login(world.treatment_a)
    week = client.get(reverse("api:task-list"), {"due": "week"}).json()
    assert [t["uuid"] for t in week["results"]] == [str(soon.uuid)]
    closed = client.get(reverse("api:task-list"), {"status": "done"}).json()
    assert [t["uuid"] for t in closed["results"]] == [str(done.uuid)]


@pytest.mark.parametrize("query", [{"status": "finished"}, {"due": "tomorrow"}])
def test_unknown_filter_values_are_400(world, query):
    response = login(world.treatment_a).get(reverse("api:task-list"), query)
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == set(query)


def test_the_list_is_one_consultation_naming_the_references(world, followup):
    _task(world, TODAY)
    client = login(world.treatment_a)
    before = AuditEvent.objects.count()
    client.get(reverse("api:task-list"))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "list" and event.details["references"] == [world.person_a.reference]


def test_the_assignee_marks_it_done_with_the_version(world, followup):
    task = _task(world, TODAY)
    url = reverse("api:task-done", args=[task.uuid])
    response = login(world.treatment_a).post(url, {"version": task.version},
                                             content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert Task.objects.get(pk=task.pk).status == "done"


def test_a_stale_version_is_409(world, followup):
    task = _task(world, TODAY)
    _task(world, TODAY + datetime.timedelta(days=1))
    response = login(world.treatment_a).post(reverse("api:task-done", args=[task.uuid]),
                                             {"version": task.version},
                                             content_type="application/json")
    assert_error(response, 409, "conflict")
    assert Task.objects.get(pk=task.pk).status == "open"


def test_someone_elses_task_is_403_or_404(assessing):
    submit(assessing)
    task = Task.objects.get(kind="countersignature_waiting")
    url = reverse("api:task-done", args=[task.uuid])
    body = {"version": task.version}
    assert_error(login(assessing.treatment_a).post(url, body, content_type="application/json"),
                 403, "permission_denied")
    assert_error(login(assessing.manager_other).post(url, body,
                                                     content_type="application/json"),
                 404, "not_found")
    assert Task.objects.get(pk=task.pk).status == "open"


def test_notifications_are_the_users_own(world, followup):
    mine = services.notify(recipient=world.treatment_a, kind="test_note", person=world.person_a,
                           params={"reference": world.person_a.reference})
    services.notify(recipient=world.manager_a, kind="test_note", params={"reference": "X"})
    body = login(world.treatment_a).get(reverse("api:notification-list")).json()
    assert [n["uuid"] for n in body["results"]] == [str(mine.uuid)]
    assert body["results"][0]["text"] == f"Something about {world.person_a.reference}"
    assert body["results"][0]["read_at"] is None
    url = reverse("api:notification-read", args=[mine.uuid])
    assert_error(login(world.manager_a).post(url), 404, "not_found")
    response = login(world.treatment_a).post(url)
    assert response.status_code == 200 and response.json()["read_at"]
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    unread = login(world.treatment_a).get(reverse("api:notification-list"), {"unread": "true"})
    assert unread.json()["count"] == 0
