"""The anonymous figures compared over time: someone who keeps what they were shown last month
(or yesterday) and compares it with what they are shown today must not learn a small count.

Found by the security walk: a year's total grew by each month the daily job added, so last
month's year total subtracted from this month's gave the new month's count, hidden or not
(likewise a quarter's; and, day by day, the current month's own figure). statistics.py now
shows a month at the anonymous levels once the daily job has stopped recomputing it, a
quarter's or a year's total once all its months are in, and protects each month's table
knowing what the tables before it showed and hid.

The property test checks the guarantee with an independent, exact checker (test_disclosure.py's
null space): every version of a year's table, one per month added, is taken as known at once,
and no count below the threshold that a version hid may follow from all of them together."""

import datetime
from fractions import Fraction

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.monitoring import statistics
from alliance.monitoring.indicators import BY_CODE
from alliance.monitoring.periods import add_months, month_start

from ..conftest import login
from .test_disclosure import null_space

CODES = ["J1", "J2", "XK"]


# --- through the API: last month's year total and this month's -------------------------------------

def _figures(client, period: str, code: str = "screened") -> dict:
    body = client.get("/api/v1/statistics/", {"level": "region", "period": period,
                                               "trend": "0"}).json()
    (row,) = [r for r in body["indicators"] if r["code"] == code]
    return {unit: None if f["suppressed"] or not f["computed"] else f["value"]
            for unit, f in row["figures"].items()}


@pytest.mark.django_db
def test_a_hidden_month_does_not_follow_from_a_total_shown_before_it(monitoring_world,
                                                                    snapshot):
    w = monitoring_world
    for n in range(1, 11):  # January to October 2025: every count well above the threshold
        snapshot.put(w.prison_a, f"2025-{n:02d}", "screened", 20)
        snapshot.put(w.prison_other, f"2025-{n:02d}", "screened", 30)
        snapshot.put(w.prison_xk, f"2025-{n:02d}", "screened", 40)
    snapshot.computed(*(f"2025-{n:02d}" for n in range(1, 11)))
    client = login(w.regional_coordinator)
    # the quarters complete are shown; the fourth and the year, still growing, are not yet
    assert _figures(client, "2025-Q3") == {"J1": 60, "J2": 90, "XK": 120, "region": 270}
    for period in ("2025-Q4", "2025"):
        assert _figures(client, period) == dict.fromkeys(["J1", "J2", "XK", "region"])
    # November and December: two people screened in J1 in November, many elsewhere
    for agency, november in ((w.prison_a, 2), (w.prison_other, 31), (w.prison_xk, 41)):
        snapshot.put(agency, "2025-11", "screened", november)
        snapshot.put(agency, "2025-12", "screened", 50)
    snapshot.computed("2025-11", "2025-12")
    assert _figures(client, "2025-11") == {"J1": None, "J2": None, "XK": 41, "region": 74}
    # Q4, now whole, is shown; so that Q4 less October and December does not give J1's
    # November, its December is hidden with it (and J2's with J1's, for the region's sake)
    assert _figures(client, "2025-12") == {"J1": None, "J2": None, "XK": 50, "region": 150}
    assert _figures(client, "2025-Q4") == {"J1": 72, "J2": 111, "XK": 131, "region": 314}
    assert _figures(client, "2025-10") == {"J1": 20, "J2": 30, "XK": 40, "region": 90}


@pytest.mark.django_db
def test_the_anonymous_levels_show_a_month_once_the_daily_job_leaves_it(monitoring_world,
                                                                         snapshot):
    """The daily job recomputes the current and the previous month: day after day their
    figures change, by the records entered in between. The agency level shows them (a manager
    sees their own records anyway); the anonymous levels wait."""
    w = monitoring_world
    this_month = month_start(timezone.localdate())
    months = [add_months(this_month, -n) for n in (2, 1, 0)]
    for when in months:
        for agency, n in ((w.prison_a, 20), (w.prison_other, 30), (w.prison_xk, 40)):
            snapshot.put(agency, when, "screened", n)
    snapshot.computed(*months)
    settled, previous, current = (f"{m:%Y-%m}" for m in months)
    assert statistics.settled_before() == months[1]
    client = login(w.regional_coordinator)
    assert _figures(client, settled) == {"J1": 20, "J2": 30, "XK": 40, "region": 90}
    for period in (previous, current):
        assert _figures(client, period) == dict.fromkeys(["J1", "J2", "XK", "region"])
        body = client.get("/api/v1/statistics/", {"level": "jurisdiction", "jurisdiction": "J1",
                                                   "period": period}).json()
        assert body["computed_months"] == 0
    agency = login(w.manager_a).get("/api/v1/statistics/", {
        "level": "facility", "agency": str(w.prison_a.uuid), "period": current}).json()
    (screened,) = [r for r in agency["indicators"] if r["code"] == "screened"]
    assert screened["figures"]["agency"]["value"] == 20


# --- the property: every version of a year's table known at once -----------------------------------

def _versions(values: dict, months: int) -> list[dict]:
    """The protected table after each month added: [{(unit, time): Figure}]."""
    screened = BY_CODE["screened"]
    sums = {("screened", code, f"2025-{m:02d}"): (values[code][m - 1], None)
            for code in CODES for m in range(1, months + 1)}
    return [statistics._year_table(screened, 2025, CODES,
                                   [datetime.date(2025, m, 1) for m in range(1, n + 1)], sums)
            for n in range(1, months + 1)]


def _form(unit: str, month_numbers) -> list[Fraction]:
    """A cell as a linear form in the unknowns (jurisdiction, month)."""
    codes = CODES if unit == statistics.REGION else [unit]
    return [Fraction(1 if code in codes and m in month_numbers else 0)
            for code in CODES for m in range(1, 13)]


def _months_of(time: str, months: int) -> list[int]:
    if time == "year":
        return list(range(1, months + 1))
    if time.startswith("Q"):
        first = (int(time[1]) - 1) * 3 + 1
        return [m for m in range(first, first + 3) if m <= months]
    return [int(time[5:])]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(st.integers(0, 6), st.integers(5, 60)), min_size=12,
                         max_size=12), min_size=3, max_size=3), st.integers(2, 12))
def test_no_small_count_follows_from_every_version_of_a_year_together(table, months):
    values = dict(zip(CODES, table, strict=True))
    k = statistics.threshold()
    known, small = [], []
    for n, version in enumerate(_versions(values, months), start=1):
        for (unit, time), figure in version.items():
            form = _form(unit, _months_of(time, n))
            if not figure.suppressed:
                known.append(form)
            elif sum(
                    values[c][m - 1] for c in (CODES if unit == "region" else [unit])
                    for m in _months_of(time, n)) < k:
                small.append((n, unit, time, form))
    basis = null_space(known, len(CODES) * 12)
    # A small count is determined exactly when every table consistent with all that was shown
    # has the same value for it: no null-space vector moves it.
    found = [(n, unit, time) for n, unit, time, form in small
             if all(sum(f * v for f, v in zip(form, vector, strict=True)) == 0
                    for vector in basis)]
    assert not found, (values, months, found)
