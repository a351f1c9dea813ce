"""Page-shaped reads on top of statistics.py: the figures as the pages, the exports and the
donors' report show them (one `Cell` per indicator and unit, so all of them say the same thing
in the same words), the trend charts, the change from the previous period, and the few look-ups
the views need. Nothing here reads a person-level table."""

import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from alliance.organisations.models import Jurisdiction

from . import access, charts
from .indicators import Indicator, Kind, OverTime
from .models import SnapshotMonth
from .periods import Period, add_months
from .statistics import Figure, Statistics

# The symbol of a suppressed cell, on the pages, in the exports and in the PDF (explained by a
# legend in each).
SUPPRESSED_SYMBOL = "x"


class State:
    SHOWN = "shown"
    SUPPRESSED = "suppressed"
    NOT_COMPUTED = "not_computed"
    NOT_AVAILABLE = "not_available"


@dataclass(frozen=True)
class Cell:
    """One figure as shown: `text` ("12", "62.5%", "4.2 days", the symbol or the words), `n`
    ("n = 16" for a share or a mean), and `value` for the spreadsheet (a count, a share from 0
    to 1, a mean; None when not shown)."""

    state: str
    text: str
    n: str = ""
    value: float | None = None
    denominator: int | None = None

    @property
    def shown(self) -> bool:
        return self.state == State.SHOWN


def _number(value: float, decimals: int = 1) -> str:
    if value == int(value):
        return number_format(int(value), use_l10n=True)
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def measure_label(indicator: Indicator) -> str:
    """What a figure of `indicator` is: a count, a share in percent, or a mean in its unit."""
    if indicator.kind == Kind.COUNT:
        return _("count")
    if indicator.kind == Kind.RATE:
        return _("share (%)")
    return _("mean (%(unit)s)") % {"unit": indicator.unit}


def kind_label(indicator: Indicator) -> str:
    return {Kind.COUNT: _("Count"), Kind.RATE: _("Share (numerator out of denominator)"),
            Kind.MEAN: _("Mean (sum of the values over their number)")}[indicator.kind]


def over_time_label(indicator: Indicator) -> str:
    if indicator.over_time == OverTime.SUM:
        return _("The months of a longer period add up (events in the period).")
    return _("A longer period takes its last month (a state at the end of the period).")


def figure_text(indicator: Indicator, value: float) -> str:
    if indicator.kind == Kind.COUNT:
        return _number(value, 0)
    if indicator.kind == Kind.RATE:
        return _("%(share)s%%") % {"share": _number(value * 100)}
    return _("%(value)s %(unit)s") % {"value": _number(value), "unit": indicator.unit}


def cell(indicator: Indicator, figure: Figure | None, *, available: bool = True) -> Cell:
    if not available or figure is None:
        return Cell(State.NOT_AVAILABLE, _("Not available"))
    n = (_("n = %(n)s") % {"n": _number(figure.denominator, 0)}
         if indicator.kind != Kind.COUNT and figure.denominator is not None else "")
    if figure.suppressed:
        return Cell(State.SUPPRESSED, SUPPRESSED_SYMBOL, n=n, denominator=figure.denominator)
    if not figure.computed:
        return Cell(State.NOT_COMPUTED, _("Not computed yet"))
    if figure.value is None:  # a share or a mean of nothing: no denominator in the period
        return Cell(State.SHOWN, "–", n=n, denominator=figure.denominator)
    return Cell(State.SHOWN, figure_text(indicator, figure.value), n=n, value=figure.value,
                denominator=figure.denominator)


def _chart_value(indicator: Indicator, figure: Figure) -> float | None:
    if figure.value is None:
        return None
    return round(figure.value * 100, 1) if indicator.kind == Kind.RATE else figure.value


def _chart_note(figure: Figure) -> str:
    if figure.suppressed:
        return _("suppressed")
    if not figure.computed:
        return _("not computed yet")
    return _("no value")


def trend_chart(stats: Statistics, row) -> str:
    """The indicator's trend over the statistics' months: a line per unit; a suppressed or
    uncomputed month is a gap, named in the chart's text description."""
    indicator = row.indicator
    series = {
        unit.label: [(month, _chart_value(indicator, figure), _chart_note(figure))
                     for month, figure in row.trend.get(unit.key, [])]
        for unit in stats.units}
    title = _("%(indicator)s, month by month (%(measure)s)") % {
        "indicator": indicator.title, "measure": measure_label(indicator)}
    return mark_safe(charts.monthly_svg(  # noqa: S308 - charts.py escapes every text it draws
        series, title=title, percent=indicator.kind == Kind.RATE,
        empty_text=_("No month of this trend has a figure to draw yet.")))


@dataclass(frozen=True)
class Change:
    arrow: str  # ↑ ↓ →, decorative: `words` says it
    words: str


def change(indicator: Indicator, now: Figure | None, before: Figure | None) -> Change | None:
    """The change from the previous period, when both figures are shown."""
    if now is None or before is None or now.value is None or before.value is None:
        return None
    scale = 100 if indicator.kind == Kind.RATE else 1
    a, b = round(before.value * scale, 1), round(now.value * scale, 1)
    previous = figure_text(indicator, before.value)
    if a == b:
        return Change("→", _("the same as the previous period"))
    better = None if indicator.higher_is_better is None else (b > a) == indicator.higher_is_better
    if b > a:
        words = (_("up from %(previous)s (better)") if better else
                 _("up from %(previous)s (worse)") if better is False else
                 _("up from %(previous)s")) % {"previous": previous}
        return Change("↑", words)
    words = (_("down from %(previous)s (better)") if better else
             _("down from %(previous)s (worse)") if better is False else
             _("down from %(previous)s")) % {"previous": previous}
    return Change("↓", words)


def unit_dashboard(stats: Statistics, before: Statistics | None = None) -> list[dict]:
    """The cards of a one-unit dashboard (an agency's, a jurisdiction's): each indicator with
    its figure, the change from the previous period and its trend chart."""
    unit = stats.units[0]
    previous = {row.indicator.code: row for row in before.rows} if before else {}
    # A count over a period is compared only with a count over as many computed months (this
    # year so far against the whole of last year would always be "down"); a share, a mean or
    # a state compares as it is.
    same_length = before is not None and before.computed_months == stats.computed_months
    cards = []
    for row in stats.rows:
        figure = row.figures.get(unit.key)
        prior = previous.get(row.indicator.code)
        if (row.indicator.kind == Kind.COUNT and row.indicator.over_time == OverTime.SUM
                and not same_length):
            prior = None
        cards.append({
            "indicator": row.indicator, "available": row.available,
            "cell": cell(row.indicator, figure, available=row.available),
            "change": change(row.indicator, figure,
                             prior.figures.get(unit.key) if prior else None),
            "chart": trend_chart(stats, row) if row.available else "",
        })
    return cards


def table(stats: Statistics) -> list[dict]:
    """Indicators × units (the region's table, the exports, the PDF)."""
    return [{"indicator": row.indicator, "available": row.available,
             "measure": measure_label(row.indicator),
             "cells": [(unit, cell(row.indicator, row.figures.get(unit.key),
                                   available=row.available)) for unit in stats.units]}
            for row in stats.rows]


def charts_of(stats: Statistics) -> list[dict]:
    return [{"indicator": row.indicator, "chart": trend_chart(stats, row)}
            for row in stats.rows if row.available]


# --- periods and look-ups ------------------------------------------------------------------------

def start_url(user) -> str:
    """Where monitoring starts for `user` ("" when they see no level): their agency's dashboard
    (a chooser when they manage several), or the region's. The menu links here directly, so
    its entry opens a page, not a redirect."""
    agencies = access.managed_agencies(user)
    if len(agencies) == 1:
        return reverse("monitoring:agency", args=[agencies[0].uuid])
    if agencies:
        return reverse("monitoring:home")
    return reverse("monitoring:region") if access.sees_anonymous(user) else ""


def previous(period: Period) -> Period:
    """The period of the same kind and length just before `period`."""
    length = len(period.months)
    return Period(period.kind, add_months(period.first, -length), add_months(period.last, -length))


def following(period: Period) -> Period:
    length = len(period.months)
    return Period(period.kind, add_months(period.first, length), add_months(period.last, length))


def computed_at(period: Period) -> datetime.datetime | None:
    """When the period's figures were last computed (its latest computed month)."""
    return SnapshotMonth.objects.filter(month__in=period.months).aggregate(
        latest=Max("computed_at"))["latest"]


def jurisdiction_or_404(code: str) -> Jurisdiction:
    jurisdiction = Jurisdiction.objects.filter(code=code).first()
    if jurisdiction is None:
        raise Http404(_("No such jurisdiction."))
    return jurisdiction


def file_name(stats: Statistics, extension: str, jurisdiction: Jurisdiction | None = None) -> str:
    """level + (jurisdiction code) + period code: never an agency's or a person's name."""
    parts = ["monitoring", stats.level]
    if jurisdiction is not None:
        parts.append("".join(c for c in jurisdiction.code if c.isalnum()) or "j")
    parts.append(stats.period.code.replace("..", "_to_"))
    return "-".join(parts) + "." + extension
