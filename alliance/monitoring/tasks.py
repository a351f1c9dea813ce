"""Background tasks of the monitoring (django-tasks, run by `manage.py db_worker`)."""

import datetime

from django.contrib.auth import get_user_model
from django_tasks import task

from . import snapshots


@task()
def recompute(first: str, last: str, actor_id: int | None = None) -> dict:
    """Recompute the snapshot from month `first` to month `last` (ISO dates), for a manager who
    asked for a period too long to recompute while they wait (views.recompute)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    result = snapshots.compute(datetime.date.fromisoformat(first),
                               datetime.date.fromisoformat(last), actor=actor, reason="manager")
    return {"months": result.months, "rows": result.rows, "seconds": round(result.seconds, 2)}
