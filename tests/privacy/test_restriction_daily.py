"""The daily job still runs, for everyone, when one record is restricted: the write guard must
not make a module's daily function fail for all people because of one."""

import datetime

import pytest

from alliance.work import daily

from .helpers import restrict

pytestmark = pytest.mark.django_db


def test_the_daily_job_runs_every_function_with_a_restricted_record(world):
    w = world
    restrict(w)
    results = daily.run_daily(today=datetime.date(2027, 6, 1), force=True)
    failed = [r.name for r in results if r.outcome == "failed"]
    assert results and not failed
