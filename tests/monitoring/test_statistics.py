"""The statistics service (monitoring/statistics.py) on snapshot rows put in directly, with
answers worked by hand: an agency's exact figures over months, quarters, years and ranges; the
anonymous figures of the jurisdictions and the region with primary and secondary suppression,
the complement rule, one protected table for every cut of it, its cache, and the threshold.

The world (tests/conftest.py, tests/monitoring/conftest.py): J1 "Jurisdiction One" holds
prison A, prison B and probation; J2 "Jurisdiction Two" holds prison J2; XK "Kosovo" (with the
designation footnote) holds prison XK; the regional programme belongs to no jurisdiction."""

import datetime

import pytest
from django.utils import timezone

from alliance.monitoring import snapshots, statistics
from alliance.monitoring.indicators import INDICATORS
from alliance.monitoring.models import IndicatorValue
from alliance.monitoring.periods import parse, year_of

from .conftest import month

pytestmark = pytest.mark.django_db


def row(stats, code):
    return next(r for r in stats.rows if r.indicator.code == code)


def figure(stats, code, unit="agency"):
    return row(stats, code).figures[unit]


def trend(stats, code, unit="agency") -> dict:
    return {f"{m:%Y-%m}": f for m, f in row(stats, code).trend[unit]}


@pytest.fixture
def w(monitoring_world, snapshot):
    monitoring_world.snapshot = snapshot
    return monitoring_world


# --- the agency level: exact ---------------------------------------------------------------------

@pytest.fixture
def agency_year(w):
    """Prison A's 2025, every month computed."""
    put = w.snapshot.put
    for when, n in [("2025-01", 3), ("2025-02", 4), ("2025-03", 5), ("2025-04", 7),
                    ("2025-12", 1)]:
        put(w.prison_a, when, "screened", n)
    for when, n in [("2025-01", 2), ("2025-02", 3), ("2025-03", 4), ("2025-11", 6)]:
        put(w.prison_a, when, "certified_staff", n)
    put(w.prison_a, "2025-01", "engagement", 6, 8)
    put(w.prison_a, "2025-02", "engagement", 3, 4)
    put(w.prison_a, "2025-01", "current_plan", 5, 10)
    put(w.prison_a, "2025-03", "current_plan", 9, 12)
    put(w.prison_a, "2025-01", "alliance", 10.0, 2)
    put(w.prison_a, "2025-02", "alliance", 8.0, 4)
    put(w.prison_b, "2025-01", "screened", 50)  # another agency: never in prison A's figures
    w.snapshot.computed_year(2025)
    return w


def test_a_sum_indicator_adds_up_the_months_of_a_quarter_a_year_and_a_range(agency_year):
    w = agency_year
    assert figure(statistics.for_agency(w.prison_a, parse("2025-02")), "screened").value == 4
    assert figure(statistics.for_agency(w.prison_a, parse("2025-Q1")), "screened").value == 12
    assert figure(statistics.for_agency(w.prison_a, parse("2025")), "screened").value == 20
    assert figure(statistics.for_agency(w.prison_a, parse("2025-02..2025-04")),
                  "screened").value == 16
    assert figure(statistics.for_agency(w.prison_b, parse("2025-Q1")), "screened").value == 50


def test_a_last_indicator_takes_the_last_month_of_the_period(agency_year):
    w = agency_year
    assert figure(statistics.for_agency(w.prison_a, parse("2025-Q1")),
                  "certified_staff").value == 4
    # December was computed and has no row: nobody certified at the end of the year
    assert figure(statistics.for_agency(w.prison_a, parse("2025")), "certified_staff").value == 0
    assert figure(statistics.for_agency(w.prison_a, parse("2025-10..2025-11")),
                  "certified_staff").value == 6


def test_a_rate_is_the_share_of_the_summed_numerators_and_denominators(agency_year):
    stats = statistics.for_agency(agency_year.prison_a, parse("2025-Q1"))
    engagement = figure(stats, "engagement")
    assert (engagement.numerator, engagement.denominator, engagement.value) == (9, 12, 0.75)
    # a "last" rate: March's share, not the quarter's
    plan = figure(stats, "current_plan")
    assert (plan.numerator, plan.denominator, plan.value) == (9, 12, 0.75)


def test_a_mean_is_the_sum_of_the_values_over_their_number(agency_year):
    stats = statistics.for_agency(agency_year.prison_a, parse("2025-Q1"))
    mean = figure(stats, "alliance")
    assert (mean.numerator, mean.denominator, mean.value) == (18.0, 6, 3.0)
    assert trend(stats, "alliance")["2025-02"].value == 2.0


def test_a_rate_of_nothing_has_no_value_and_a_count_of_nothing_is_zero(agency_year):
    stats = statistics.for_agency(agency_year.prison_a, parse("2025-06"))
    assert figure(stats, "screened").value == 0 and figure(stats, "screened").computed
    refusal = figure(stats, "refusal")
    assert refusal.value is None and refusal.denominator == 0 and refusal.computed


def test_the_agency_trend_is_the_twelve_months_ending_with_the_period(agency_year):
    stats = statistics.for_agency(agency_year.prison_a, parse("2025-Q1"))
    months = trend(stats, "screened")
    assert list(months)[0] == "2024-04" and list(months)[-1] == "2025-03"
    assert [months[m].value for m in ["2025-01", "2025-02", "2025-03"]] == [3, 4, 5]
    # 2024 was never computed: "not computed yet", never zero
    assert months["2024-12"] is statistics.NOT_COMPUTED and not months["2024-12"].computed
    assert stats.trend_months[0] == month("2024-04") and len(stats.trend_months) == 12
    assert stats.min_count is None and not stats.suppressed and stats.level == "facility"
    assert [u.key for u in stats.units] == ["agency"] and stats.units[0].label == "Prison A"


def test_months_never_computed_show_as_not_computed(w):
    w.snapshot.put(w.prison_a, "2025-01", "screened", 3)  # a row, but its month not computed
    w.snapshot.put(w.prison_a, "2025-02", "screened", 4)
    w.snapshot.computed("2025-02")
    stats = statistics.for_agency(w.prison_a, parse("2025-Q1"))
    assert stats.computed_months == 1
    assert figure(stats, "screened").value == 4  # the computed months only
    january = statistics.for_agency(w.prison_a, parse("2025-01"))
    assert january.computed_months == 0
    assert all(r.figures["agency"] is statistics.NOT_COMPUTED for r in january.rows)


def test_every_indicator_has_a_row_in_the_order_of_the_definitions(agency_year):
    stats = statistics.for_agency(agency_year.prison_a, parse("2025"))
    assert [r.indicator.code for r in stats.rows] == [i.code for i in INDICATORS]
    assert all(r.available for r in stats.rows)


# --- the anonymous levels: suppressed --------------------------------------------------------------

@pytest.fixture
def march(w):
    """Only March 2025 computed. Screenings: J1 15 (prison A 10 + prison B 5), J2 3, XK 8,
    region 26. Engagement (attended of recorded): J1 18 of 20, J2 15 of 30, XK 10 of 25,
    region 43 of 75."""
    put = w.snapshot.put
    put(w.prison_a, "2025-03", "screened", 10)
    put(w.prison_b, "2025-03", "screened", 5)
    put(w.prison_other, "2025-03", "screened", 3)
    put(w.prison_xk, "2025-03", "screened", 8)
    put(w.regional, "2025-03", "screened", 2)  # no jurisdiction: in no regional figure
    put(w.prison_a, "2025-03", "engagement", 12, 12)
    put(w.probation, "2025-03", "engagement", 6, 8)
    put(w.prison_other, "2025-03", "engagement", 15, 30)
    put(w.prison_xk, "2025-03", "engagement", 10, 25)
    w.snapshot.computed("2025-03")
    return w


def values(stats, code) -> dict:
    return {unit: (f.value if not f.suppressed else "x")
            for unit, f in row(stats, code).figures.items()}


def test_a_small_jurisdiction_is_hidden_with_the_smallest_other(march):
    stats = statistics.anonymous(parse("2025-03"))
    assert [u.key for u in stats.units] == ["J1", "J2", "XK", "region"]
    # J2's 3 is below 5; left alone it would be the region less J1 and XK, so XK's 8 (the
    # smallest other cell, not the region's total) is hidden too
    assert values(stats, "screened") == {"J1": 15, "J2": "x", "XK": "x", "region": 26}
    hidden = figure(stats, "screened", "XK")
    assert hidden is statistics.SUPPRESSED
    assert (hidden.value, hidden.numerator, hidden.denominator) == (None, None, None)


def test_a_quarter_and_a_year_are_shown_once_all_their_months_are_in(march):
    # one month computed: its figures; a quarter or a year still growing is not shown (next
    # month's total less this month's would give the month between, however small)
    stats = statistics.anonymous(parse("2025-03"))
    assert values(stats, "screened") == {"J1": 15, "J2": "x", "XK": "x", "region": 26}
    for text in ("2025-Q1", "2025"):
        stats = statistics.anonymous(parse(text))
        assert values(stats, "screened") == dict.fromkeys(["J1", "J2", "XK", "region"])
        assert figure(stats, "screened", "J1") is statistics.NOT_COMPUTED
        assert stats.computed_months == 1


def test_a_share_whose_rest_is_small_is_hidden(march):
    # J1: 18 of 20 attended, so 2 did not: "all but two" is as telling as "two"
    stats = statistics.anonymous(parse("2025-03"))
    engagement = row(stats, "engagement").figures
    assert engagement["J1"].suppressed and engagement["J1"].value is None
    assert engagement["J1"].numerator is None
    # its numerator 18 could be the region's 43 less J2's 15 and XK's 10: XK's share goes too
    assert engagement["XK"].suppressed and engagement["XK"].numerator is None
    assert (engagement["J2"].numerator, engagement["J2"].denominator,
            engagement["J2"].value) == (15, 30, 0.5)
    assert (engagement["region"].numerator, engagement["region"].denominator) == (43, 75)
    # the denominators are all at least 5 and nothing makes them recoverable: they stay
    assert [engagement[u].denominator for u in ("J1", "J2", "XK")] == [20, 30, 25]


def test_a_share_with_a_small_denominator_is_hidden_whole(w):
    put = w.snapshot.put
    put(w.prison_a, "2025-03", "engagement", 10, 20)
    put(w.prison_other, "2025-03", "engagement", 2, 3)
    put(w.prison_xk, "2025-03", "engagement", 12, 24)
    w.snapshot.computed("2025-03")
    engagement = row(statistics.anonymous(parse("2025-03")), "engagement").figures
    assert engagement["J2"] is statistics.SUPPRESSED
    assert engagement["J2"].denominator is None
    assert sum(f.suppressed for f in engagement.values()) >= 2


def test_a_small_remainder_of_refused_and_attended_hides_the_refusal_share(w):
    # J2: 30 sessions recorded, 20 attended, 8 refused, so 2 were neither (not produced). With
    # both shares shown, 30 - 20 - 8 would give those 2: the refusal share is hidden.
    put = w.snapshot.put
    for agency, attended, refused, recorded in ((w.prison_a, 20, 6, 40),
                                                (w.prison_other, 20, 8, 30),
                                                (w.prison_xk, 14, 6, 30)):
        put(agency, "2025-03", "engagement", attended, recorded)
        put(agency, "2025-03", "refusal", refused, recorded)
    w.snapshot.computed("2025-03")
    stats = statistics.anonymous(parse("2025-03"))
    refusal, engagement = row(stats, "refusal").figures, row(stats, "engagement").figures
    assert refusal["J2"].suppressed and refusal["J2"].numerator is None
    assert engagement["J2"].value == pytest.approx(20 / 30)
    # J1 (40 - 20 - 6 = 14) and XK (30 - 14 - 6 = 10) have remainders of 5 or more; one of
    # them is hidden with J2 so that J2's refusals do not follow from the region's
    assert sum(refusal[u].suppressed for u in ("J1", "XK")) == 1
    # a remainder of zero (every session attended or refused) says nothing of anyone
    IndicatorValue.objects.filter(indicator="refusal", agency=w.prison_other).update(numerator=10)
    w.snapshot.computed("2025-03")  # a recomputed month: the cache is refreshed
    assert not row(statistics.anonymous(parse("2025-03")), "refusal").figures["J2"].suppressed


def test_nothing_shown_at_the_anonymous_levels_is_below_the_threshold(march):
    stats = statistics.anonymous(parse("2025"))
    for r in stats.rows:
        for f in [*r.figures.values(), *(f for t in r.trend.values() for _, f in t)]:
            if f.suppressed or not f.computed:
                assert f.value is None and f.numerator is None
                continue
            if r.indicator.kind == "count":
                assert f.numerator >= 5
            else:
                assert f.denominator >= 5
            if r.indicator.kind == "rate":
                assert f.numerator >= 5 and f.denominator - f.numerator >= 5


def test_the_jurisdiction_level_cuts_the_same_figures_as_the_region(march):
    region = statistics.anonymous(parse("2025-03"))
    for code, jurisdiction in [("J1", march.j1), ("J2", march.j2), ("XK", march.xk)]:
        one = statistics.anonymous(parse("2025-03"), jurisdiction=jurisdiction)
        assert one.level == "jurisdiction" and [u.key for u in one.units] == [code]
        for r in one.rows:
            assert r.figures[code] == row(region, r.indicator.code).figures[code]
            assert r.trend[code] == row(region, r.indicator.code).trend[code]


def test_the_trend_is_cut_from_each_year_s_table(w):
    for when in ("2025-11", "2025-12", "2026-01", "2026-02"):
        w.snapshot.put(w.prison_a, when, "screened", 20)
        w.snapshot.put(w.prison_other, when, "screened", 9)
        w.snapshot.put(w.prison_xk, when, "screened", 7)
    w.snapshot.computed("2025-11", "2025-12", "2026-01", "2026-02")
    stats = statistics.anonymous(parse("2026-02"))
    months = trend(stats, "screened", "region")
    assert list(months)[0] == "2025-03" and list(months)[-1] == "2026-02"
    assert [months[m].value for m in ("2025-11", "2025-12", "2026-01", "2026-02")] == [36] * 4
    assert months["2025-10"] is statistics.NOT_COMPUTED
    december = statistics.anonymous(parse("2025-12"))
    assert months["2025-12"] == figure(december, "screened", "region")


def test_the_trend_of_the_current_year_stops_at_the_current_month(w):
    today = timezone.localdate()
    stats = statistics.anonymous(year_of(today))
    assert stats.trend_months[-1] == today.replace(day=1)
    assert stats.computed_months == 0
    assert all(f is statistics.NOT_COMPUTED for r in stats.rows for f in r.figures.values())


def test_a_last_indicator_takes_the_last_computed_month_of_the_quarter(w):
    put = w.snapshot.put
    for when, a, other, xk in [("2025-01", 9, 9, 9), ("2025-02", 12, 6, 7)]:
        put(w.prison_a, when, "certified_staff", a)
        put(w.prison_other, when, "certified_staff", other)
        put(w.prison_xk, when, "certified_staff", xk)
    w.snapshot.computed("2025-01", "2025-02")
    stats = statistics.anonymous(parse("2025-Q1"))
    assert values(stats, "certified_staff") == {"J1": 12, "J2": 6, "XK": 7, "region": 25}


def test_the_footnote_follows_the_jurisdictions_shown(march):
    region = statistics.anonymous(parse("2025-03"))
    assert region.footnote and [u.footnote for u in region.units] == [False, False, True, False]
    assert [u.label for u in region.units] == ["Jurisdiction One", "Jurisdiction Two", "Kosovo*",
                                               "Region"]
    assert region.min_count == 5 and region.suppressed and region.level == "region"
    assert not statistics.anonymous(parse("2025-03"), jurisdiction=march.j1).footnote
    assert statistics.anonymous(parse("2025-03"), jurisdiction=march.xk).footnote


def test_the_threshold_is_a_setting(march, settings):
    settings.AGGREGATE_MIN_COUNT = 3
    stats = statistics.anonymous(parse("2025-03"))
    assert stats.min_count == 3
    assert values(stats, "screened") == {"J1": 15, "J2": 3, "XK": 8, "region": 26}
    settings.AGGREGATE_MIN_COUNT = 10
    stats = statistics.anonymous(parse("2025-03"))
    assert stats.min_count == 10
    # XK's 8 is small now: J2 and XK hide each other (only their sum, 11, follows)
    assert values(stats, "screened") == {"J1": 15, "J2": "x", "XK": "x", "region": 26}


def test_the_cache_is_refreshed_when_a_month_is_recomputed(march):
    assert values(statistics.anonymous(parse("2025-03")), "screened")["J1"] == 15
    # a row changed without its month being recomputed is not seen: the figures are cached
    IndicatorValue.objects.filter(agency=march.prison_b, indicator="screened").update(numerator=9)
    assert values(statistics.anonymous(parse("2025-03")), "screened")["J1"] == 15
    # recomputing the month (a new stamp) refreshes them
    march.snapshot.computed("2025-03")
    assert values(statistics.anonymous(parse("2025-03")), "screened") == {
        "J1": 19, "J2": "x", "XK": "x", "region": 30}


def test_recomputing_a_month_from_the_records_refreshes_the_figures(march):
    assert values(statistics.anonymous(parse("2025-03")), "screened")["J1"] == 15
    # no screening was recorded in March 2025: the recomputed month counts none
    snapshots.compute(datetime.date(2025, 3, 1), datetime.date(2025, 3, 1), actor=march.manager_a,
                      reason="test")
    assert values(statistics.anonymous(parse("2025-03")), "screened") == {
        "J1": "x", "J2": "x", "XK": "x", "region": "x"}
    assert figure(statistics.for_agency(march.prison_a, parse("2025-03")), "screened").value == 0


def test_a_count_is_compared_only_with_as_many_months_and_the_trend_stops_today(w):
    from alliance.monitoring import selectors

    put = w.snapshot.put
    for month_ in ("2025-01", "2025-02", "2025-03"):
        put(w.prison_a, month_, "screened", 10)
        put(w.prison_a, month_, "engagement", 8, 10)
    put(w.prison_a, "2025-04", "screened", 6)
    put(w.prison_a, "2025-04", "engagement", 9, 10)
    w.snapshot.computed("2025-01", "2025-02", "2025-03", "2025-04")
    q1, april = parse("2025-Q1"), parse("2025-Q2")  # Q2: only April computed
    cards = {c["indicator"].code: c for c in selectors.unit_dashboard(
        statistics.for_agency(w.prison_a, april), statistics.for_agency(w.prison_a, q1))}
    assert cards["screened"]["change"] is None  # 6 in one month against 30 in three: no "down"
    assert cards["engagement"]["change"].arrow == "↑"  # 90 % against 80 %: a share compares
    this_year = statistics.for_agency(w.prison_a, year_of(timezone.localdate()))
    assert this_year.trend_months[-1] == timezone.localdate().replace(day=1)
