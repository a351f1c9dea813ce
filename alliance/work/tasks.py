"""Background tasks (django-tasks, run by `manage.py db_worker` from django-tasks-db)."""

from dataclasses import asdict

from django_tasks import task

from . import daily


@task()
def daily_job(force: bool = False) -> list[dict]:
    """The daily job, enqueued by `manage.py run_daily --enqueue` (a systemd timer, see
    docs/deployment.md) and run by whichever worker takes it first."""
    return [asdict(result) for result in daily.run_daily(force=force)]
