"""seed_demo's monitoring history: a year of snapshots computed by the real snapshot job in every
jurisdiction, dashboards that show trends, and the anonymous figures mostly shown."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from alliance.accounts.models import User
from alliance.demo import monitoring
from alliance.monitoring import access, periods, statistics
from alliance.monitoring.models import IndicatorValue, SnapshotMonth
from alliance.organisations.models import Jurisdiction
from alliance.people.models import CustodyEpisode

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _seed():
    call_command("seed_demo", persons=60, stdout=io.StringIO())


def _last_twelve_months():
    this_month = periods.month_start(timezone.localdate())
    return [periods.add_months(this_month, -k) for k in range(11, -1, -1)]


def _last_settled_quarter():
    """The last calendar quarter whose months the anonymous levels show (settled: the daily job
    no longer recomputes them), as a coordinator picks it for a quarterly report."""
    month = periods.add_months(statistics.settled_before(), -1)
    while month.month % 3:
        month = periods.add_months(month, -1)
    return periods.quarter_of(month)


def test_it_gives_every_jurisdiction_a_year_of_computed_months_once():
    _seed()
    months = _last_twelve_months()
    assert set(months) <= set(SnapshotMonth.objects.values_list("month", flat=True))
    jurisdictions = list(Jurisdiction.objects.all())
    assert len(jurisdictions) == 6
    for jurisdiction in jurisdictions:
        history = monitoring.history().filter(jurisdiction=jurisdiction)
        # held today, and released during the year
        assert history.filter(custody_episodes__is_current=True).count() >= 30, jurisdiction
        assert CustodyEpisode.objects.filter(person__in=history, is_current=False,
                                             ended_on__gte=months[0]).count() >= 10
        values = IndicatorValue.objects.filter(jurisdiction=jurisdiction)
        assert set(months) <= set(values.values_list("month", flat=True)), jurisdiction
        # (a small jurisdiction's month may have none of one kind of event; this month's
        # referrals are still awaiting their answers)
        for code, at_least in [("screened", 11), ("assessed", 11), ("current_plan", 12),
                               ("engagement", 12), ("alliance", 11), ("prerelease_on_time", 11),
                               ("referral_on_time", 10)]:
            computed = set(values.filter(indicator=code).values_list("month", flat=True))
            assert len(set(months) & computed) >= at_least, (jurisdiction.code, code)
    # A second run adds no history, and the snapshots stay as they were.
    people, values = monitoring.people(), IndicatorValue.objects.count()
    _seed()
    assert monitoring.people() == people
    assert IndicatorValue.objects.count() == values


def test_the_dashboards_show_a_year_of_trends_mostly_unsuppressed():
    _seed()
    regional = User.objects.get(username="demo.regional")
    manager = User.objects.get(username="demo.manager")
    assert access.sees_anonymous(regional)
    # The region dashboard for the last settled quarter: a figure for every jurisdiction and
    # the region, nearly all shown; the region's trend, the twelve months to the quarter's end,
    # nearly all shown too.
    quarter = _last_settled_quarter()
    region = statistics.anonymous(quarter)
    rows = [row for row in region.rows if row.available]
    assert len(rows) == 13
    figures = [row.figures[unit.key] for row in rows for unit in region.units]
    assert len(figures) == 13 * 7
    assert sum(f.shown for f in figures) >= 0.85 * len(figures)
    assert all(row.figures[statistics.REGION].shown for row in rows)
    trend = [figure for row in rows for _month, figure in row.trend[statistics.REGION]]
    assert len(trend) == 12 * 13 and all(f.computed for f in trend)
    assert sum(f.shown for f in trend) >= 0.9 * len(trend)
    # Not flat: the engagement rate moves from month to month in the region.
    engagement = {f.value for _m, f in next(r for r in rows if r.indicator.code == "engagement")
                  .trend[statistics.REGION] if f.shown}
    assert len(engagement) >= 6
    # The facility dashboard of demo.manager's prison: exact figures for the last twelve months,
    # every indicator with a value nearly every month (a rate or a mean has none in a month
    # with nothing to count; the training sessions and the releases of one prison are few).
    (agency,) = access.managed_agencies(manager)
    months = _last_twelve_months()
    period = periods.parse(f"{months[0]:%Y-%m}..{months[-1]:%Y-%m}")
    facility = statistics.for_agency(agency, period)
    assert facility.computed_months == 12
    for row in facility.rows:
        if not row.available or row.indicator.code in ("trained_staff", "support_plan_at_release"):
            continue
        values = [figure.value for _month, figure in row.trend["agency"]]
        assert len(values) == 12, row.indicator.code
        assert sum(value is not None for value in values) >= 10, row.indicator.code
