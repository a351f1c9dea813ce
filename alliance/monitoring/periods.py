"""Periods of the monitoring figures: calendar months, quarters, years and (at the agency level
only) ranges of months.

    2026          the calendar year
    2026-Q3       a calendar quarter
    2026-07       a calendar month
    2026-01..2026-06   a range of whole months: agency level only

Anonymous figures (the jurisdiction and region levels) are given for calendar periods only:
every figure shown there belongs to one table per calendar year, protected once (disclosure.py),
so that comparing two overlapping ranges cannot recover a suppressed month by subtraction.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every first-of-month from `first`'s month to `last`'s month, both included."""
    months, month = [], month_start(first)
    while month <= month_start(last):
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass(frozen=True)
class Period:
    kind: str  # "year", "quarter", "month" or "range"
    first: datetime.date  # first day of the first month
    last: datetime.date  # first day of the last month

    @property
    def calendar(self) -> bool:
        """A calendar month, quarter or year: the only periods of anonymous figures."""
        return self.kind != "range"

    @property
    def months(self) -> list[datetime.date]:
        return months_between(self.first, self.last)

    @property
    def ends_on(self) -> datetime.date:
        return month_end(self.last)

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def code(self) -> str:
        if self.kind == "year":
            return f"{self.first.year}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m}..{self.last:%Y-%m}"

    def __str__(self) -> str:
        if self.kind == "year":
            return str(self.first.year)
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {
                "quarter": (self.first.month - 1) // 3 + 1, "year": self.first.year}
        if self.kind == "month":
            return f"{self.first:%m.%Y}"
        return f"{self.first:%m.%Y} – {self.last:%m.%Y}"

    def trend_months(self, length: int = 12) -> list[datetime.date]:
        """The months of the trend chart: the `length` months that end with the period's last
        month (a longer range: all of its months)."""
        return months_between(min(self.first, add_months(self.last, 1 - length)), self.last)


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("The year must be between %(first)s and %(last)s.")
                              % {"first": FIRST_YEAR, "last": LAST_YEAR}, code="period")
    return year


def _month(year: str, month: str) -> datetime.date:
    if not 1 <= int(month) <= 12:
        raise ValidationError(_("A month is written 01 to 12."), code="period")
    return datetime.date(_year(year), int(month), 1)


def parse(text: str | None, *, allow_range: bool = True) -> Period:
    """The period written in `text` (see the module docstring). When empty: the current
    calendar year at the agency level; at the anonymous levels (`allow_range=False`), the last
    quarter they show whole (default_anonymous). Raises ValidationError with the reason for
    anything else."""
    text = (text or "").strip()
    if not text:
        return year_of(timezone.localdate()) if allow_range else default_anonymous()
    if m := _YEAR.match(text):
        year = _year(m[1])
        return Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 1))
    if m := _QUARTER.match(text):
        first = datetime.date(_year(m[1]), 3 * int(m[2]) - 2, 1)
        return Period("quarter", first, add_months(first, 2))
    if m := _MONTH.match(text):
        first = _month(m[1], m[2])
        return Period("month", first, first)
    if m := _RANGE.match(text):
        first, last = _month(m[1], m[2]), _month(m[3], m[4])
        if last < first:
            raise ValidationError(_("The period ends before it starts: %(period)s.")
                                  % {"period": text}, code="period")
        if not allow_range:
            raise ValidationError(
                _("Anonymous figures are given for a calendar month, quarter or year "
                  "(2026-07, 2026-Q3 or 2026), not for a range of months: comparing overlapping "
                  "ranges could reveal a suppressed figure."), code="period")
        if len(months_between(first, last)) > 120:
            raise ValidationError(_("A period is at most ten years long."), code="period")
        return Period("range", first, last)
    raise ValidationError(
        _("Unknown period %(period)s: write a year (2026), a quarter (2026-Q3), a month "
          "(2026-07) or a range of months (2026-01..2026-06).") % {"period": text[:40]},
        code="period")


def year_of(day: datetime.date) -> Period:
    return Period("year", datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 1))


def quarter_of(month: datetime.date) -> Period:
    first = datetime.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)
    return Period("quarter", first, add_months(first, 2))


def default_anonymous(today: datetime.date | None = None) -> Period:
    """The last calendar quarter whose months have all settled (statistics.settled_before: the
    daily job no longer recomputes them), so that the anonymous levels open on a period they show
    whole rather than on a year whose total is not given until it is over."""
    from .snapshots import DAILY_MONTHS  # snapshots imports this module

    settled = add_months(month_start(today or timezone.localdate()), 1 - DAILY_MONTHS)
    quarter = quarter_of(add_months(settled, -1))
    return quarter if quarter.last < settled else quarter_of(add_months(quarter.first, -1))
