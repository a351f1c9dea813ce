"""My work, the notifications page and the navigation's counts, through real requests."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.accounts.access import profile_for
from alliance.accounts.models import Membership, Role
from alliance.assessments import services as assessment_services
from alliance.cases import services as case_services
from alliance.core.models import AuditEvent
from alliance.people import services as people_services
from alliance.work import services
from alliance.work.models import Notification, Task
from alliance.work.selectors import WorkCounts

from ..conftest import login
from ..factories import person_fields
from .conftest import make_task, submit

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
HTMX = {"HTTP_HX_REQUEST": "true"}


_task = make_task


def _consultations(user, resource):
    return AuditEvent.objects.filter(actor=user, action="list", details__resource=resource)


def test_my_work_shows_the_sections_with_titles_references_and_due_dates(world, followup):
    _task(world, TODAY - datetime.timedelta(days=2))
    _task(world, TODAY + datetime.timedelta(days=3), source=world.person_a)
    response = login(world.treatment_a).get(reverse("work:my_work"))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Overdue", "Today", "This week", "Later"):
        assert heading in html
    assert f"Follow up {world.person_a.reference} by" in html
    assert reverse("people:detail", args=[world.person_a.uuid]) in html
    assert html.count('text-bg-danger">overdue</span>') == 1
    assert html.count('name="version"') == 2


def test_my_work_logs_one_consultation_naming_the_references(world, followup):
    _task(world, TODAY)
    _task(world, TODAY, source=world.person_a)
    client = login(world.treatment_a)
    before = AuditEvent.objects.count()
    client.get(reverse("work:my_work"))
    events = _consultations(world.treatment_a, "my_work")
    assert events.count() == 1
    assert events.get().details["references"] == [world.person_a.reference]
    assert AuditEvent.objects.count() == before + 1


def test_my_work_shows_only_the_users_own_and_their_roles_tasks(world, followup):
    mine = _task(world, TODAY)
    role = _task(world, TODAY, source=world.person_a, assignee=None, agency=world.prison_a,
                 role=Role.TREATMENT_OFFICER)
    theirs = _task(world, TODAY, source=world.episode_a, assignee=world.security_a)
    html = login(world.treatment_a).get(reverse("work:my_work")).content.decode()
    assert str(mine.uuid) in html and str(role.uuid) in html and str(theirs.uuid) not in html
    assert "assigned to you" in html and "for your role: Treatment officer, Prison A" in html
    only_role = login(world.treatment_a).get(reverse("work:my_work") + "?whose=role")
    assert str(role.uuid) in only_role.content.decode()
    assert str(mine.uuid) not in only_role.content.decode()
    html_b = login(world.treatment_b).get(reverse("work:my_work")).content.decode()
    assert str(mine.uuid) not in html_b and str(role.uuid) not in html_b


def test_the_done_button_marks_it_done_without_a_reload(world, followup):
    task = _task(world, TODAY)
    response = login(world.treatment_a).post(reverse("work:task_done", args=[task.uuid]),
                                             {"version": task.version}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="task-{task.uuid}"' in html and "Marked done." in html
    assert 'id="nav-due-tasks" hx-swap-oob="true"' in html
    assert Task.objects.get(pk=task.pk).status == "done"


def test_without_htmx_it_goes_back_to_my_work(world, followup):
    task = _task(world, TODAY)
    response = login(world.treatment_a).post(reverse("work:task_done", args=[task.uuid]),
                                             {"version": task.version})
    assert response.status_code == 302 and response.url == reverse("work:my_work")


def test_marking_someone_elses_task_done_is_refused(assessing):
    # The submitter created the countersignature task (and may follow it up), but it is the
    # prison managers' to do: 403. Someone who cannot see it at all: 404.
    submit(assessing)
    task = Task.objects.get(kind="countersignature_waiting")
    url = reverse("work:task_done", args=[task.uuid])
    assert login(assessing.treatment_a).post(url, {"version": task.version}).status_code == 403
    assert login(assessing.security_a).post(url, {"version": task.version}).status_code == 404
    assert login(assessing.manager_other).post(url, {"version": task.version}).status_code == 404
    assert Task.objects.get(pk=task.pk).status == "open"
    assert login(assessing.manager_a).post(url, {"version": task.version}).status_code == 302
    assert Task.objects.get(pk=task.pk).status == "done"


def test_a_stale_version_is_409_and_shows_the_task_as_it_is(world, followup):
    task = _task(world, TODAY)
    _task(world, TODAY + datetime.timedelta(days=1))
    response = login(world.treatment_a).post(reverse("work:task_done", args=[task.uuid]),
                                             {"version": task.version}, **HTMX)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert f'name="version" value="{task.version + 1}"' in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == "open"


def test_notifications_unread_first_mark_read_and_mark_all_read(world, followup):
    older = services.notify(recipient=world.treatment_a, kind="test_note", person=world.person_a,
                            params={"reference": world.person_a.reference})
    newer = services.notify(recipient=world.treatment_a, kind="test_note",
                            person=world.person_a, params={"reference": "X"})
    services.notification_read(actor=world.treatment_a, notification=newer)
    client = login(world.treatment_a)
    html = client.get(reverse("work:notifications")).content.decode()
    assert html.index(str(older.uuid)) < html.index(str(newer.uuid))
    assert _consultations(world.treatment_a, "notifications").count() == 1
    response = client.post(reverse("work:notification_read", args=[older.uuid]), **HTMX)
    assert response.status_code == 200 and "Mark read" not in response.content.decode()
    assert Notification.objects.get(pk=older.pk).read_at is not None
    services.notify(recipient=world.treatment_a, kind="test_note", params={"reference": "Y"})
    assert client.post(reverse("work:notifications_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=world.treatment_a,
                                           read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found(world, followup):
    note = services.notify(recipient=world.treatment_a, kind="test_note",
                           params={"reference": "X"})
    url = reverse("work:notification_read", args=[note.uuid])
    assert login(world.manager_a).post(url).status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_a_notification_about_someone_no_longer_visible_leads_to_404(world):
    # given a team member told that a reassessment is due
    member = case_services.team_member_add(
        actor=world.manager_a, case=world.case_a,
        membership=Membership.objects.get(user=world.ngo_worker), team_role="Mentor", scopes=[])
    services.notify(recipient=world.ngo_worker, kind="reassessment_due", person=world.person_a,
                    target=world.person_a,
                    params={"reference": world.person_a.reference, "due_on": TODAY})
    client = login(world.ngo_worker)
    link = reverse("people:detail", args=[world.person_a.uuid])
    assert link in client.get(reverse("work:notifications")).content.decode()
    assert client.get(link).status_code == 200
    # when they leave the team, then the same link is the same 404 as for anyone
    case_services.team_member_end(actor=world.manager_a, member=member)
    assert link in client.get(reverse("work:notifications")).content.decode()
    assert client.get(link).status_code == 404
    assert login(world.treatment_b).get(link).status_code == 404


def test_the_navigation_counts_due_tasks_and_unread_notifications(world, followup):
    _task(world, TODAY - datetime.timedelta(days=1))
    _task(world, TODAY, source=world.person_a)
    _task(world, TODAY + datetime.timedelta(days=2), source=world.episode_a)
    services.notify(recipient=world.treatment_a, kind="test_note", params={"reference": "X"})
    html = login(world.treatment_a).get(reverse("work:notifications")).content.decode()
    assert ('<span id="nav-due-tasks"><span class="badge rounded-pill text-bg-warning">2'
            in html)
    assert '<span id="nav-unread"><span class="badge rounded-pill text-bg-info">1' in html
    html = login(world.treatment_b).get(reverse("work:my_work")).content.decode()
    assert '<span id="nav-due-tasks"></span>' in html


def test_the_navigation_counts_cost_at_most_two_queries(world, followup):
    from alliance.core import context
    from alliance.people.access import open_team_scopes, retained_access

    _task(world, TODAY)
    token = context.activate(context.RequestContext(memo={}))  # as in a request
    try:
        # loaded once per request, by the menu and the page already
        profile_for(world.treatment_a)
        open_team_scopes(world.treatment_a)
        retained_access(world.treatment_a)
        counts = WorkCounts(world.treatment_a)
        with CaptureQueriesContext(connection) as ctx:
            assert (counts.due_tasks, counts.unread, counts.total) == (1, 0, 1)
        assert len(ctx.captured_queries) <= 2
        # A count sorts nothing (the models' default ordering would sort every due task).
        counting = ctx.captured_queries[-1]["sql"]
        assert "COUNT(*)" in counting and "ORDER BY" not in counting, counting
    finally:
        context.deactivate(token)


def test_no_page_or_answer_shows_compartment_content(assessing):
    marker = "MARKER-7f3a"
    # given the marker in an assessment's evidence, sources, formulation and rationale, in a
    # security due detail, and in a manager's return comments
    assessment = submit(assessing, marker=marker)
    assessment_services.mark_reassessment_due(
        person=assessing.person_a, reason="significant_event", compartment="security",
        detail="observation_escalated", detail_params={"indicators": [marker]}, due_on=TODAY)
    assessment_services.assessment_return(actor=assessing.manager_a, assessment=assessment,
                                          comments=f"Comments {marker}", expected_version=None)
    assert Task.objects.exists() and Notification.objects.count() >= 3
    urls = [reverse("work:my_work"), reverse("work:notifications"), reverse("api:task-list"),
            reverse("api:task-list") + "?status=done", reverse("api:notification-list")]
    for persona in ("treatment_a", "security_a", "manager_a", "treatment_b", "ngo_worker",
                    "probation_officer", "dpo"):
        client = login(getattr(assessing, persona))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            assert marker not in response.content.decode(), (persona, url)
    for task in Task.objects.filter(status="open"):
        response = login(assessing.treatment_a if task.assignee_id else assessing.manager_a).post(
            reverse("work:task_done", args=[task.uuid]), {"version": task.version}, **HTMX)
        assert marker not in response.content.decode()
    for note in Notification.objects.all():
        assert marker not in str(note.params)


def test_my_work_and_notifications_cost_the_same_queries_for_one_row_or_many(world, followup):
    def queries(url):
        client = login(world.treatment_a)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _task(world, TODAY)
    services.notify(recipient=world.treatment_a, kind="test_note", person=world.person_a,
                    params={"reference": world.person_a.reference})
    one = (queries(reverse("work:my_work")), queries(reverse("work:notifications")))
    for n in range(8):
        person = people_services.person_create(actor=world.manager_a,
                                               **person_fields(world.prison_a,
                                                               national_id=f"99{n}"))
        _task(world, TODAY + datetime.timedelta(days=n), source=person, person=person,
              params={"reference": person.reference, "due_on": TODAY})
        services.notify(recipient=world.treatment_a, kind="test_note", person=person,
                        params={"reference": person.reference})
    assert (queries(reverse("work:my_work")), queries(reverse("work:notifications"))) == one


def test_my_work_and_notifications_leave_the_peoples_identity_encrypted(world, followup):
    """The lists show references, never names: the encrypted identity columns are not even
    read, so nothing is decrypted to be thrown away (a manager's list holds 200 rows)."""
    _task(world, TODAY, source=world.person_a)
    services.notify(recipient=world.treatment_a, kind="test_note", person=world.person_a,
                    params={"reference": world.person_a.reference})
    client = login(world.treatment_a)
    for url in (reverse("work:my_work"), reverse("work:notifications"),
                reverse("api:task-list"), reverse("api:notification-list")):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        assert world.person_a.reference in response.content.decode(), url
        reads = [q["sql"] for q in captured if 'FROM "work_' in q["sql"]]
        assert reads, url
        for column in ("given_name", "family_name", "aliases", "date_of_birth", "national_id"):
            assert not [sql for sql in reads if f'"people_person"."{column}"' in sql], (url,
                                                                                        column)
