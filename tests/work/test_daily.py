"""The daily job: idempotent, run once a day whatever the number of servers, runnable here or
through the worker."""

import datetime
import io
import signal
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from alliance.assessments import services as assessment_services
from alliance.work import daily, registry
from alliance.work.models import DailyRun, Notification, Task

TODAY = datetime.date.today()


@pytest.fixture
def counted():
    """A daily function that counts its runs (and can be made slow or failing)."""
    calls = {"n": 0, "sleep": 0.0, "fail": False}

    def function(today):
        calls["n"] += 1
        time.sleep(calls["sleep"])
        if calls["fail"]:
            raise RuntimeError("boom")
        return 1

    registry.register_daily("test.counted", function)
    yield calls
    registry._DAILY.pop("test.counted", None)


def _state():
    return (list(Task.objects.order_by("id").values_list("id", "version", "status")),
            Notification.objects.count())


@pytest.mark.django_db
def test_running_it_twice_creates_nothing_new(world):
    # given a reassessment due today, with no task yet (as after an import)
    assessment_services.mark_reassessment_due(person=world.person_a, reason="significant_event",
                                              compartment="treatment", due_on=TODAY)
    Notification.objects.all().delete()
    Task.objects.all().delete()
    # when the job runs
    first = daily.run_daily(only="assessments.reassessment_due")
    assert [(r.outcome, r.changed) for r in first] == [("ran", 2)]  # a task and a notification
    after_first = _state()
    # then running it again the same day does nothing, and forcing it creates nothing new
    job = "assessments.reassessment_due"
    assert [r.outcome for r in daily.run_daily(only=job)] == ["already_ran_today"]
    forced = daily.run_daily(only=job, force=True)
    assert [(r.outcome, r.changed) for r in forced] == [("ran", 0)]
    assert _state() == after_first
    assert len(after_first[0]) == 1 and after_first[1] == 1


@pytest.mark.django_db
def test_it_skips_a_function_another_server_is_running(counted):
    # given another server holds the claim (it set running_since a moment ago)
    DailyRun.objects.create(name="test.counted", running_since=timezone.now())
    # when this server runs the job, even forced
    results = daily.run_daily(only="test.counted", force=True)
    # then it leaves the function alone
    assert [r.outcome for r in results] == ["running_elsewhere"]
    assert counted["n"] == 0


@pytest.mark.django_db
def test_it_takes_over_a_claim_left_by_a_dead_server(counted):
    DailyRun.objects.create(name="test.counted",
                            running_since=timezone.now() - daily.LEASE - datetime.timedelta(1))
    assert [r.outcome for r in daily.run_daily(only="test.counted")] == ["ran"]
    row = DailyRun.objects.get(name="test.counted")
    assert row.running_since is None and row.last_run_on == timezone.localdate()


@pytest.mark.django_db
def test_a_failing_function_is_released_for_the_next_run(counted):
    counted["fail"] = True
    with pytest.raises(CommandError, match="failed"):
        call_command("run_daily", only="test.counted", stdout=io.StringIO())
    row = DailyRun.objects.get(name="test.counted")
    assert row.running_since is None and row.last_run_on is None
    counted["fail"] = False
    assert [r.outcome for r in daily.run_daily(only="test.counted")] == ["ran"]
    assert counted["n"] == 2


@pytest.mark.django_db
def test_a_second_claim_waits_for_the_first_to_finish(counted):
    now, today = timezone.now(), timezone.localdate()
    assert daily.claim("test.counted", today=today, now=now) == "claimed"
    assert daily.claim("test.counted", today=today, now=now) == "running_elsewhere"
    assert daily.claim("test.counted", today=today, now=now, force=True) == "running_elsewhere"


def _in_own_connection(function):
    """Run `function` in a thread, on a connection of its own (a second app server)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function()
        except Exception as exc:  # noqa: BLE001 - re-raised below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers itself, and the test's own transaction "
                           "holds its one write lock: two writers cannot run here at once")
def test_two_servers_starting_at_once_run_it_once(counted, monkeypatch):
    # Both "servers" commit for real (their own connections): keep the audit trail, which
    # refuses deletion, out of it, and remove their row afterwards.
    monkeypatch.setattr(daily.audit, "record", lambda **kwargs: None)
    counted["sleep"] = 0.5
    start = threading.Barrier(2)

    def server():
        start.wait()
        return [r.outcome for r in daily.run_daily(only="test.counted")]

    try:
        runs = [_in_own_connection(server) for _ in range(2)]
        for thread, _outcome in runs:
            thread.join(30)
        errors = [outcome["error"] for _thread, outcome in runs if "error" in outcome]
        assert not errors
        assert counted["n"] == 1
        assert sorted(o for _thread, outcome in runs for o in outcome["value"]) == [
            "ran", "running_elsewhere"]
    finally:
        cleanup, _outcome = _in_own_connection(
            lambda: DailyRun.objects.filter(name="test.counted").delete())
        cleanup.join(30)


@pytest.mark.django_db
def test_the_command_reports_each_function(counted):
    out = io.StringIO()
    call_command("run_daily", stdout=out)
    assert "test.counted: ran, 1 changed" in out.getvalue()
    assert "assessments.reassessment_due: ran" in out.getvalue()
    out = io.StringIO()
    call_command("run_daily", stdout=out)
    assert "test.counted: already ran today" in out.getvalue()


@pytest.mark.django_db
def test_enqueued_it_is_run_by_the_worker(counted, monkeypatch):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker closes connections left in a transaction; the test's own is one.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    out = io.StringIO()
    call_command("run_daily", enqueue=True, stdout=out)
    assert "queued" in out.getvalue() and counted["n"] == 0
    result = DBTaskResult.objects.get()
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL", result.exception_class_path
    assert counted["n"] == 1
    assert {"name": "test.counted", "outcome": "ran", "changed": 1} in result.return_value
