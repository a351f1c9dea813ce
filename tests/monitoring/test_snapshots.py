"""The monthly snapshot (alliance/monitoring/snapshots.py): compute() replaces the months it is
given, marks them computed and leaves one audit event with no figure of a person; the daily
function backfills two years the first time, then the current and the previous month; a month
after the current one is never computed."""

import datetime

from django.utils import timezone

from alliance.core.models import AuditAction, AuditEvent
from alliance.monitoring import snapshots
from alliance.monitoring.models import IndicatorValue, SnapshotMonth
from alliance.monitoring.periods import add_months, month_start
from alliance.work import registry

from .conftest import at, month

D = datetime.date
FEB, MARCH, APRIL = month("2025-02"), month("2025-03"), month("2025-04")


def stored(**filters) -> dict:
    """{(agency id, month, indicator): (numerator, denominator)} of the snapshot table."""
    return {(v.agency_id, v.month, v.indicator): (v.numerator, v.denominator)
            for v in IndicatorValue.objects.filter(**filters)}


def snapshot_events():
    return AuditEvent.objects.filter(object_type="monitoring.snapshot").order_by("id")


def some_records(records, w):
    """Person A' in prison A: two screenings and an attended session in March, a screening in
    February; a person in prison J2 screened in March."""
    person = records.held(w.prison_a)
    records.screening(person, at(D(2025, 3, 3)))
    records.screening(person, at(D(2025, 3, 4)))
    records.screening(person, at(D(2025, 2, 14)))
    records.session(person, at(D(2025, 3, 5)), "attended")
    records.screening(records.held(w.prison_other), at(D(2025, 3, 9)))
    return person


def test_compute_writes_every_agencys_figures_with_its_jurisdiction(records, monitoring_world):
    w = monitoring_world
    some_records(records, w)

    result = snapshots.compute(FEB, MARCH)

    assert (result.first, result.last, result.months, result.rows) == (FEB, MARCH, 2, 5)
    assert stored() == {
        (w.prison_a.pk, FEB, "screened"): (1.0, None),
        (w.prison_a.pk, MARCH, "screened"): (2.0, None),
        (w.prison_other.pk, MARCH, "screened"): (1.0, None),
        (w.prison_a.pk, MARCH, "engagement"): (1.0, 1),
        (w.prison_a.pk, MARCH, "refusal"): (0.0, 1)}
    assert dict(IndicatorValue.objects.values_list("agency", "jurisdiction").distinct()) == {
        w.prison_a.pk: w.j1.pk, w.prison_other.pk: w.j2.pk}
    assert sorted(SnapshotMonth.objects.values_list("month", flat=True)) == [FEB, MARCH]


def test_compute_is_idempotent_and_replaces_a_months_rows(records, monitoring_world):
    w = monitoring_world
    person = some_records(records, w)
    snapshots.compute(FEB, MARCH)
    before = stored()

    snapshots.compute(FEB, MARCH)
    assert stored() == before
    assert IndicatorValue.objects.count() == len(before)

    person.screenings.filter(screened_at__month=3).first().delete()  # a record entered in error
    person.sessions.update(attendance="refused")
    snapshots.compute(MARCH, MARCH)
    assert stored(month=MARCH, agency=w.prison_a) == {
        (w.prison_a.pk, MARCH, "screened"): (1.0, None),
        (w.prison_a.pk, MARCH, "engagement"): (0.0, 1),
        (w.prison_a.pk, MARCH, "refusal"): (1.0, 1)}
    assert stored(month=FEB) == {(w.prison_a.pk, FEB, "screened"): (1.0, None)}  # untouched


def test_a_month_with_nothing_is_computed_and_empty(records, monitoring_world):
    some_records(records, monitoring_world)
    snapshots.compute(FEB, MARCH)
    IndicatorValue.objects.all().delete()
    SnapshotMonth.objects.all().delete()

    snapshots.compute(APRIL, APRIL)

    assert not IndicatorValue.objects.exists()
    assert list(SnapshotMonth.objects.values_list("month", flat=True)) == [APRIL]


def test_compute_writes_one_audit_event_without_a_persons_figures(records, monitoring_world):
    w = monitoring_world
    person = some_records(records, w)
    before = snapshot_events().count()

    snapshots.compute(FEB, MARCH)
    snapshots.compute(MARCH, MARCH, actor=w.manager_a, reason="late records")

    daily, by_hand = snapshot_events()[before:]
    assert (daily.action, daily.actor, daily.person) == (AuditAction.MAINTENANCE, None, None)
    assert daily.details == {"first": "2025-02", "last": "2025-03", "rows": 5, "reason": "daily"}
    assert (by_hand.action, by_hand.actor, by_hand.person) == (AuditAction.CHANGE, w.manager_a,
                                                              None)
    assert by_hand.details == {"first": "2025-03", "last": "2025-03", "rows": 4,
                               "reason": "late records"}
    for event in (daily, by_hand):
        assert event.person_reference == ""
        assert person.reference not in str(event.details)


def test_months_after_the_current_one_are_not_computed(records, monitoring_world):
    this_month = month_start(timezone.localdate())
    person = records.held(monitoring_world.prison_a)
    records.screening(person, timezone.now())

    result = snapshots.compute(this_month, add_months(this_month, 3))
    later = snapshots.compute(add_months(this_month, 1), add_months(this_month, 2))

    assert (result.last, result.months) == (this_month, 1)
    assert list(SnapshotMonth.objects.values_list("month", flat=True)) == [this_month]
    assert (later.months, later.rows) == (0, 0)
    # (and the open case of the suite's person A, opened today)
    assert stored() == {(monitoring_world.prison_a.pk, this_month, "screened"): (1.0, None),
                        (monitoring_world.prison_a.pk, this_month, "current_plan"): (0.0, 1)}


def test_daily_backfills_two_years_then_recomputes_two_months(records, monitoring_world):
    today = timezone.localdate()
    this_month = month_start(today)
    person = records.held(monitoring_world.prison_a)
    records.screening(person, at(add_months(this_month, -23)))
    records.screening(person, at(add_months(this_month, -24)))  # before the backfill
    before = snapshot_events().count()

    snapshots.daily(today)

    months = list(SnapshotMonth.objects.values_list("month", flat=True))
    assert months == [add_months(this_month, n) for n in range(-23, 1)]
    assert list(IndicatorValue.objects.filter(indicator="screened")
                .values_list("month", flat=True)) == [add_months(this_month, -23)]
    first_run = dict(SnapshotMonth.objects.values_list("month", "computed_at"))

    snapshots.daily(today)

    again = dict(SnapshotMonth.objects.values_list("month", "computed_at"))
    changed = sorted(m for m in again if again[m] != first_run[m])
    assert changed == [add_months(this_month, -1), this_month]
    assert [e.details["first"] for e in snapshot_events()[before:]] == [
        f"{add_months(this_month, -23):%Y-%m}", f"{add_months(this_month, -1):%Y-%m}"]


def test_the_daily_function_is_registered():
    assert registry.daily_functions()[snapshots.DAILY_NAME] is snapshots.daily
