"""What training puts in people's work: the daily tasks to renew a certification or book a
booster, closed when a session renews or boosts it; the notification of a recorded result."""

import pytest
from django.urls import reverse

from alliance.assessments.models import Certification
from alliance.knowledge.training import work as training_work
from alliance.work import registry
from alliance.work.daily import run_daily
from alliance.work.models import Notification, Task, TaskStatus

from ...conftest import login
from .builders import INSTRUMENT, days, record, session

pytestmark = pytest.mark.django_db


def _tasks(user, kind=None, status=TaskStatus.OPEN):
    tasks = Task.objects.filter(assignee=user, status=status)
    return list(tasks.filter(kind=kind) if kind else tasks)


def _cert(user, *, expires_in, booster_in=None, **fields):
    return Certification.objects.create(
        user=user, instrument_code=INSTRUMENT, certified_on=days(-700),
        expires_on=days(expires_in),
        booster_due_on=days(booster_in) if booster_in is not None else None, **fields)


def test_the_daily_function_asks_to_renew_and_to_book_a_booster_once(kb):
    soon = _cert(kb.treatment_a, expires_in=45, booster_in=20)
    _cert(kb.treatment_b, expires_in=400, booster_in=90)  # nothing due yet
    assert training_work.daily_due(days(0)) == 2
    [renew] = _tasks(kb.treatment_a, training_work.CERTIFICATION_RENEW)
    [booster] = _tasks(kb.treatment_a, training_work.CERTIFICATION_BOOSTER)
    assert renew.due_on == days(45) and booster.due_on == days(20)
    assert renew.source_uuid == soon.uuid and renew.person is None
    assert registry.task_title(renew).startswith(f"Renew your certification for {INSTRUMENT}")
    assert registry.task_title(booster).startswith(f"Book a booster for {INSTRUMENT}")
    assert registry.task_url(renew) == reverse("training:mine")
    assert _tasks(kb.treatment_b) == []
    # idempotent: a second run creates nothing
    assert training_work.daily_due(days(0)) == 0
    assert len(_tasks(kb.treatment_a)) == 2


def test_the_tasks_are_on_my_work(kb):
    _cert(kb.treatment_a, expires_in=10)
    training_work.daily_due(days(0))
    page = login(kb.treatment_a).get(reverse("work:my_work")).content.decode()
    assert f"Renew your certification for {INSTRUMENT}" in page


def test_a_session_that_renews_the_certification_closes_its_tasks(kb):
    old = _cert(kb.treatment_a, expires_in=30, booster_in=-5)
    training_work.daily_due(days(0))
    assert len(_tasks(kb.treatment_a)) == 2
    record(kb, session(kb, attendees=[kb.treatment_a]), {kb.treatment_a: "passed"})
    assert _tasks(kb.treatment_a) == []
    done = Task.objects.filter(source_uuid=old.uuid, status=TaskStatus.DONE)
    assert done.count() == 2
    # the new certification is due nothing: the next run opens nothing
    training_work.daily_due(days(0))
    assert _tasks(kb.treatment_a) == []


def test_a_booster_closes_the_booster_task(kb):
    cert = _cert(kb.treatment_a, expires_in=500, booster_in=3)
    training_work.daily_due(days(0))
    record(kb, session(kb, attendees=[kb.treatment_a], kind="booster"),
           {kb.treatment_a: "passed"})
    assert Task.objects.get(source_uuid=cert.uuid).status == TaskStatus.DONE
    training_work.daily_due(days(0))
    assert _tasks(kb.treatment_a) == []


def test_a_revoked_certification_has_its_tasks_cancelled(kb):
    cert = _cert(kb.treatment_a, expires_in=30)
    training_work.daily_due(days(0))
    cert.revoked = True
    cert.save()
    training_work.daily_due(days(0))
    assert Task.objects.get(source_uuid=cert.uuid).status == TaskStatus.CANCELLED


def test_an_expired_certification_keeps_its_renewal_task_open(kb):
    cert = _cert(kb.treatment_a, expires_in=5, booster_in=2)
    training_work.daily_due(days(0))
    training_work.daily_due(days(10))  # now expired
    assert [t.kind for t in _tasks(kb.treatment_a)] == [training_work.CERTIFICATION_RENEW]
    assert Task.objects.get(source_uuid=cert.uuid, kind=training_work.CERTIFICATION_BOOSTER
                            ).status == TaskStatus.CANCELLED


def test_the_daily_job_runs_the_training_function(kb):
    _cert(kb.treatment_a, expires_in=45)
    run_daily(today=days(0), only="knowledge.training")
    assert len(_tasks(kb.treatment_a)) == 1


def test_each_attendee_is_told_their_result_is_recorded(kb):
    record(kb, session(kb, attendees=[kb.treatment_a, kb.treatment_b]),
           {kb.treatment_a: "passed", kb.treatment_b: "failed"})
    told = Notification.objects.filter(kind=training_work.TRAINING_RESULTS)
    assert {n.recipient.username for n in told} == {"treatment_a", "treatment_b"}
    notification = told.get(recipient=kb.treatment_a)
    assert registry.notification_url(notification) == reverse("training:mine")
    assert days(-7).isoformat() in str(notification.params)
