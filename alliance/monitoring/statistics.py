"""The figures of the dashboards, exports, the donors' report and the statistics API: one
service, reading the snapshot table only (models.IndicatorValue), never person-level rows.

* `for_agency(agency, period)`: one agency's figures, exact (its managers hold the person-level
  records behind them anyway). Any period, ranges of months included.
* `anonymous(period, jurisdiction=None)`: every jurisdiction and the region, as anonymous
  aggregates with disclosure control (disclosure.py). Calendar periods only (periods.py). Every
  figure shown at this level comes from one table per indicator and calendar year: the months,
  the quarters and the year of every jurisdiction and of the region, with their sums as
  relations. A jurisdiction's page, the region's page, an export, the PDF and the API all cut
  their figures from that same protected table, so no two answers together reveal more than
  one does.

The agency level is never mixed with the anonymous level: whoever sees one agency's exact
figures is refused the anonymous levels (access.py), since subtracting their own agency from
their jurisdiction would recover the others'.

**Over time.** Someone who keeps what they were shown may compare it with what they are shown
later; the anonymous levels protect the differences too (tests/monitoring/test_over_time.py):

* A month is shown once it has settled (`settled_before`): the daily job recomputes the current
  and the previous month every day, and one day's figures less the day before's would give the
  records added in between, however few.
* A quarter's or a year's total is shown once all its months are in: a total still growing is
  a different sum each month, and this month's less last month's would give the month between,
  hidden or not.
* The year's table grows a month at a time, and each version of it is protected knowing what
  the versions before it showed (shown cells stay shown: someone may have kept them; the
  secondary cells are chosen among the new ones) and hid (hidden cells stay hidden). The table
  shown is the last version; the earlier ones are worked out again from the same snapshot, as
  they were shown (a month recomputed since may differ: docs/indicators.md, "Revisions").
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.organisations.models import Jurisdiction

from . import disclosure
from .indicators import INDICATORS, Indicator, Kind, OverTime
from .models import IndicatorValue, SnapshotMonth
from .periods import Period, add_months, month_start
from .snapshots import DAILY_MONTHS

REGION = "region"


def threshold() -> int:
    return max(3, int(settings.AGGREGATE_MIN_COUNT))


@dataclass(frozen=True)
class Figure:
    """One indicator's figure for one unit and one period (or month)."""

    value: float | None  # a count, a share (0 to 1) or a mean; None when not shown
    numerator: float | None = None
    denominator: int | None = None
    suppressed: bool = False  # hidden by disclosure control
    computed: bool = True  # False: no month of it has been computed yet

    @property
    def shown(self) -> bool:
        return self.value is not None


NOT_COMPUTED = Figure(value=None, computed=False)
SUPPRESSED = Figure(value=None, suppressed=True)


@dataclass(frozen=True)
class Unit:
    key: str  # "agency", a jurisdiction's code, or "region"
    label: str
    footnote: bool = False  # shown with the designation footnote (Kosovo*)


@dataclass
class Row:
    indicator: Indicator
    available: bool
    figures: dict[str, Figure] = field(default_factory=dict)  # unit key -> the period's figure
    trend: dict[str, list[tuple[datetime.date, Figure]]] = field(default_factory=dict)


@dataclass
class Statistics:
    level: str  # "facility", "jurisdiction" or "region"
    period: Period
    units: list[Unit]
    rows: list[Row]
    min_count: int | None  # the suppression threshold; None: exact figures (agency level)
    trend_months: list[datetime.date]
    computed_months: int  # how many of the period's months have been computed
    footnote: bool = False  # a unit carries the designation footnote

    @property
    def suppressed(self) -> bool:
        return self.min_count is not None


def _value(indicator: Indicator, numerator: float, denominator: int | None) -> float | None:
    if indicator.kind == Kind.COUNT:
        return numerator
    if not denominator:
        return None  # a share or a mean of nothing
    return numerator / denominator


def _figure(indicator, numerator, denominator) -> Figure:
    return Figure(value=_value(indicator, numerator, denominator), numerator=numerator,
                  denominator=denominator if indicator.kind != Kind.COUNT else None)


def _computed(months: list[datetime.date]) -> set[datetime.date]:
    return set(SnapshotMonth.objects.filter(month__in=months).values_list("month", flat=True))


def settled_before() -> datetime.date:
    """The first month the anonymous levels do not show yet: from it on, the daily job still
    recomputes the months (snapshots.DAILY_MONTHS), and their figures change day by day."""
    return add_months(month_start(timezone.localdate()), 1 - DAILY_MONTHS)


def _period_months(period: Period, computed: set) -> list[datetime.date]:
    return [m for m in period.months if m in computed]


# --- the agency level: exact figures ---------------------------------------------------------

def for_agency(agency, period: Period) -> Statistics:
    # The trend stops at the current month (a month to come has nothing to draw).
    trend_months = [m for m in period.trend_months()
                    if m <= month_start(timezone.localdate())] or period.trend_months()
    months = sorted(set(period.months) | set(trend_months))
    computed = _computed(months)
    values: dict[tuple[str, datetime.date], tuple[float, int | None]] = {
        (row["indicator"], row["month"]): (row["numerator"], row["denominator"])
        for row in IndicatorValue.objects.filter(agency=agency, month__in=months)
        .values("indicator", "month", "numerator", "denominator")}
    unit = Unit(key="agency", label=agency.name)
    rows = []
    for indicator in INDICATORS:
        row = Row(indicator=indicator, available=indicator.available)
        if row.available:
            def cell(month, indicator=indicator):
                if month not in computed:
                    return None
                return values.get((indicator.code, month), (0.0, 0))

            row.trend["agency"] = [(m, _figure(indicator, *c) if (c := cell(m)) else NOT_COMPUTED)
                                   for m in trend_months]
            cells = [c for m in _period_months(period, computed) if (c := cell(m))]
            if not cells:
                row.figures["agency"] = NOT_COMPUTED
            elif indicator.over_time == OverTime.LAST:
                row.figures["agency"] = _figure(indicator, *cells[-1])
            else:
                row.figures["agency"] = _figure(indicator, sum(c[0] for c in cells),
                                                sum(c[1] or 0 for c in cells))
        rows.append(row)
    return Statistics(level="facility", period=period, units=[unit], rows=rows, min_count=None,
                      trend_months=trend_months,
                      computed_months=len(_period_months(period, computed)))


# --- the anonymous levels: one protected table per indicator and calendar year ----------------

def _quarter(month: datetime.date) -> str:
    return f"Q{(month.month - 1) // 3 + 1}"


def _history(indicator: Indicator, codes: list[str], computed: list) -> tuple:
    """The cells of every version of a year's table, one version per month computed, in order
    (the anonymous levels show a month once it has settled, one month after the other):

    * `times`: time key -> the month keys it sums: each month "YYYY-MM"; for a "sum"
      indicator, a quarter "Qn" once its three months are in, the year "year" once its twelve
      are (a total still growing would be a different sum each month, and two of them
      subtracted would give the month between, however small);
    * `relations`: the region is the sum of the jurisdictions, a quarter of its months, the
      year of its quarters;
    * `steps`: for each version, its time keys and how many of `relations` it had."""
    times: dict[str, list[str]] = {}
    relations, steps = [], []
    units = [*codes, REGION]
    done: set[int] = set()
    for month in computed:
        key = f"{month:%Y-%m}"
        done.add(month.month)
        new = {key: [key]}
        quarter = _quarter(month)
        in_quarter = range(3 * int(quarter[1]) - 2, 3 * int(quarter[1]) + 1)
        if indicator.over_time == OverTime.SUM and quarter not in times \
                and done >= set(in_quarter):
            new[quarter] = [f"{month.year}-{m:02d}" for m in in_quarter]
        if indicator.over_time == OverTime.SUM and len(done) == 12 and "year" not in times:
            new["year"] = [f"{month.year}-{m:02d}" for m in range(1, 13)]
        times.update(new)
        for time in new:
            relations.append(((REGION, time), [(code, time) for code in codes]))
            for unit in units if time == quarter else []:
                relations.append(((unit, quarter), [(unit, m) for m in new[quarter]]))
            for unit in units if time == "year" else []:
                relations.append(((unit, "year"), [(unit, q) for q in ("Q1", "Q2", "Q3", "Q4")]))
        steps.append((list(times), len(relations)))
    return times, relations, steps


def _protect_history(values: dict, units: list[str], relations: list, steps: list, k: int,
                     also=()) -> set:
    """The hidden cells of the last version, each version protected in turn knowing what the
    versions before it showed (those cells stay shown: someone may have kept them) and hid
    (those stay hidden)."""
    also = set(also)
    hidden: set = set()
    shown: set = set()
    for time_keys, count in steps:
        cells = {(unit, time): values[(unit, time)] for time in time_keys for unit in units}
        hidden = set(disclosure.protect(cells, relations[:count], threshold=k,
                                        also=hidden | (also & set(cells)), fixed=shown))
        shown = set(cells) - hidden
    return hidden


def _year_table(indicator: Indicator, year: int, codes: list[str], computed: list,
                sums: dict) -> dict[tuple[str, str], Figure]:
    """Every cell of `indicator` in `year`, protected: keys (unit, time) with unit a
    jurisdiction code or REGION, time "YYYY-MM", "Qn" or "year" (a quarter or the year with
    all its months computed only)."""
    units = [*codes, REGION]
    times, relations, steps = _history(indicator, codes, computed)

    def raw(of, code, month_key, part):  # part 0: numerator, 1: denominator
        return sums.get((of, code, month_key), (0.0, 0))[part] or 0

    def table(part, of=indicator.code):
        values = {}
        for time, month_keys in times.items():
            for code in codes:
                values[(code, time)] = sum(raw(of, code, mk, part) for mk in month_keys)
            values[(REGION, time)] = sum(values[(code, time)] for code in codes)
        return values

    def protect(values, also=()):
        return _protect_history(values, units, relations, steps, k, also)

    k = threshold()
    numerators, denominators = table(0), table(1)
    cells = {}
    if indicator.kind == Kind.COUNT:
        hidden = protect(numerators)
        for key, value in numerators.items():
            cells[key] = SUPPRESSED if key in hidden else _figure(indicator, value, None)
    elif indicator.kind == Kind.RATE:
        hidden_den = protect(denominators)
        complement = [key for key, den in denominators.items() if den - numerators[key] < k]
        if indicator.partition_with:
            # Refused + attended + the rest = the denominator: with attended shown, a small
            # remainder (not produced) must not follow from this share. An empty remainder says
            # nothing of anyone.
            others = table(0, indicator.partition_with)
            complement += [key for key, den in denominators.items()
                           if 0 < den - numerators[key] - others[key] < k]
        hidden_num = protect(numerators, complement)
        for key in numerators:
            if key in hidden_den:
                cells[key] = SUPPRESSED
            elif key in hidden_num:
                cells[key] = Figure(value=None, denominator=denominators[key], suppressed=True)
            else:
                cells[key] = _figure(indicator, numerators[key], denominators[key])
    else:  # a mean: the number of values is protected, the sum follows its pattern
        hidden = protect(denominators)
        for key in numerators:
            cells[key] = SUPPRESSED if key in hidden else _figure(
                indicator, numerators[key], denominators[key])
    return cells


def _protected_year(year: int, codes: list[str]) -> dict[str, dict]:
    """Every indicator's protected table for `year`, cached until a month of it is recomputed."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    settled = settled_before()
    marks = SnapshotMonth.objects.filter(month__range=(first, last), month__lt=settled)
    stamp = marks.aggregate(latest=Max("computed_at"))["latest"]
    key = (f"monitoring:{year}:{threshold()}:{','.join(codes)}:{settled:%Y-%m}:"
           f"{stamp.isoformat() if stamp else '-'}")
    tables = cache.get(key)
    if tables is not None:
        return tables
    computed = sorted(marks.values_list("month", flat=True))
    sums = {(row["indicator"], row["jurisdiction__code"], f"{row['month']:%Y-%m}"):
            (row["n"] or 0.0, row["d"] or 0)
            for row in IndicatorValue.objects.filter(month__range=(first, last),
                                                     jurisdiction__isnull=False)
            .values("indicator", "jurisdiction__code", "month")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))}
    tables = {indicator.code: _year_table(indicator, year, codes, computed, sums)
              for indicator in INDICATORS if indicator.available}
    cache.set(key, tables, 24 * 3600)
    return tables


def _period_time(indicator: Indicator, period: Period, computed: set) -> str | None:
    """The time key of the period's figure in its year's table."""
    months = _period_months(period, computed)
    if not months:
        return None
    if indicator.over_time == OverTime.LAST or period.kind == "month":
        return f"{months[-1]:%Y-%m}"
    return "year" if period.kind == "year" else _quarter(period.first)


def anonymous(period: Period, *, jurisdiction: Jurisdiction | None = None) -> Statistics:
    """Every jurisdiction and the region (or one `jurisdiction`), suppressed. `period` must be
    a calendar period (periods.parse(..., allow_range=False))."""
    if not period.calendar:  # an `if`, not an assert: python -O must not drop this guard
        raise ValueError("anonymous figures are given for calendar periods only")
    jurisdictions = list(Jurisdiction.objects.order_by("name"))
    codes = [j.code for j in jurisdictions]
    trend_months = [m for m in period.trend_months()
                    if m <= month_start(timezone.localdate())] or period.trend_months()
    settled = settled_before()
    computed = {m for m in _computed(sorted(set(period.months) | set(trend_months)))
                if m < settled}
    years = sorted({m.year for m in trend_months} | {period.year})
    tables = {year: _protected_year(year, codes) for year in years}
    shown = [jurisdiction] if jurisdiction is not None else jurisdictions
    units = [Unit(key=j.code, label=j.display_name, footnote=j.designation_footnote)
             for j in shown]
    if jurisdiction is None:
        units.append(Unit(key=REGION, label=str(_("Region"))))
    rows = []
    for indicator in INDICATORS:
        row = Row(indicator=indicator, available=indicator.available)
        if row.available:
            time = _period_time(indicator, period, computed)
            table = tables[period.year][indicator.code]
            for unit in units:
                row.figures[unit.key] = table.get((unit.key, time), NOT_COMPUTED) \
                    if time else NOT_COMPUTED
                row.trend[unit.key] = [
                    (m, tables[m.year][indicator.code].get((unit.key, f"{m:%Y-%m}"), NOT_COMPUTED)
                     if m in computed else NOT_COMPUTED) for m in trend_months]
        rows.append(row)
    return Statistics(level="jurisdiction" if jurisdiction is not None else "region",
                      period=period, units=units, rows=rows, min_count=threshold(),
                      trend_months=trend_months,
                      computed_months=len(_period_months(period, computed)),
                      footnote=any(u.footnote for u in units))
