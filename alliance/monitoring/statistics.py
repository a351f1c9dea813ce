"""The figures of the dashboards, exports, the donors' report and the statistics API: one
service, reading the snapshot table only (models.IndicatorValue), never person-level rows.

* `for_agency(agency, period)`: one agency's figures, exact (its managers hold the person-level
  records behind them anyway). Any period, ranges of months included.
* `anonymous(period, jurisdiction=None)`: every jurisdiction and the region, as anonymous
  aggregates with disclosure control (disclosure.py). Calendar periods only (periods.py). Every
  figure shown at this level comes from one table per indicator and calendar year: the months,
  the quarters and the year of every jurisdiction and of the region, with their sums as
  relations, protected once. A jurisdiction's page, the region's page, an export, the PDF and
  the API all cut their figures from that same protected table, so no two answers together
  reveal more than one does.

The agency level is never mixed with the anonymous level: whoever sees one agency's exact
figures is refused the anonymous levels (access.py), since subtracting their own agency from
their jurisdiction would recover the others'.
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
from .periods import Period, month_start

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


def _period_months(period: Period, computed: set) -> list[datetime.date]:
    return [m for m in period.months if m in computed]


# --- the agency level: exact figures ---------------------------------------------------------

def for_agency(agency, period: Period) -> Statistics:
    trend_months = period.trend_months()
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


def _year_table(indicator: Indicator, year: int, codes: list[str], computed: list,
                sums: dict) -> dict[tuple[str, str], Figure]:
    """Every cell of `indicator` in `year`, protected: keys (unit, time) with unit a
    jurisdiction code or REGION, time "YYYY-MM", "Qn" or "year"."""
    units = [*codes, REGION]
    times: dict[str, list[str]] = {}  # time key -> the month keys it sums
    for month in computed:
        times[f"{month:%Y-%m}"] = [f"{month:%Y-%m}"]
    if indicator.over_time == OverTime.SUM:
        for month in computed:
            times.setdefault(_quarter(month), []).append(f"{month:%Y-%m}")
        if computed:
            times["year"] = [f"{m:%Y-%m}" for m in computed]

    def raw(of, code, month_key, part):  # part 0: numerator, 1: denominator
        return sums.get((of, code, month_key), (0.0, 0))[part] or 0

    def table(part, of=indicator.code):
        values = {}
        for time, month_keys in times.items():
            for code in codes:
                values[(code, time)] = sum(raw(of, code, mk, part) for mk in month_keys)
            values[(REGION, time)] = sum(values[(code, time)] for code in codes)
        return values

    relations = []
    for time in times:
        relations.append(((REGION, time), [(code, time) for code in codes]))
    if indicator.over_time == OverTime.SUM:
        quarters = [t for t in times if t.startswith("Q")]
        for unit in units:
            for quarter in quarters:
                relations.append(((unit, quarter), [(unit, mk) for mk in times[quarter]]))
            if quarters:
                relations.append(((unit, "year"), [(unit, q) for q in quarters]))

    k = threshold()
    numerators, denominators = table(0), table(1)
    cells = {}
    if indicator.kind == Kind.COUNT:
        hidden = disclosure.protect(numerators, relations, threshold=k)
        for key, value in numerators.items():
            cells[key] = SUPPRESSED if key in hidden else _figure(indicator, value, None)
    elif indicator.kind == Kind.RATE:
        hidden_den = disclosure.protect(denominators, relations, threshold=k)
        complement = [key for key, den in denominators.items() if den - numerators[key] < k]
        if indicator.partition_with:
            # Refused + attended + the rest = the denominator: with attended shown, a small
            # remainder (not produced) must not follow from this share. An empty remainder says
            # nothing of anyone.
            others = table(0, indicator.partition_with)
            complement += [key for key, den in denominators.items()
                           if 0 < den - numerators[key] - others[key] < k]
        hidden_num = disclosure.protect(numerators, relations, threshold=k, also=complement)
        for key in numerators:
            if key in hidden_den:
                cells[key] = SUPPRESSED
            elif key in hidden_num:
                cells[key] = Figure(value=None, denominator=denominators[key], suppressed=True)
            else:
                cells[key] = _figure(indicator, numerators[key], denominators[key])
    else:  # a mean: the number of values is protected, the sum follows its pattern
        hidden = disclosure.protect(denominators, relations, threshold=k)
        for key in numerators:
            cells[key] = SUPPRESSED if key in hidden else _figure(
                indicator, numerators[key], denominators[key])
    return cells


def _protected_year(year: int, codes: list[str]) -> dict[str, dict]:
    """Every indicator's protected table for `year`, cached until a month of it is recomputed."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    marks = SnapshotMonth.objects.filter(month__range=(first, last))
    stamp = marks.aggregate(latest=Max("computed_at"))["latest"]
    key = (f"monitoring:{year}:{threshold()}:{','.join(codes)}:"
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
    assert period.calendar, "anonymous figures are given for calendar periods only"
    jurisdictions = list(Jurisdiction.objects.order_by("name"))
    codes = [j.code for j in jurisdictions]
    trend_months = [m for m in period.trend_months()
                    if m <= month_start(timezone.localdate())] or period.trend_months()
    computed = _computed(sorted(set(period.months) | set(trend_months)))
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
