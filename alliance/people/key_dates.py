"""Sentence arithmetic: pure functions, tested without a database.

Rules (documented in docs/architecture.md): the sentence runs from its start for the given years,
months and days; days already served on remand are credited against it. Eligibility for
conditional release comes after the jurisdiction's fraction of the sentence (two thirds by
default). The expected release defaults to the sentence end until a practitioner overrides it
(for example when conditional release is granted).
"""

import calendar
import datetime
import math
from dataclasses import dataclass
from fractions import Fraction


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Add calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Sentence:
    start: datetime.date
    years: int = 0
    months: int = 0
    days: int = 0
    remand_credit_days: int = 0

    @property
    def nominal_end(self) -> datetime.date:
        return add_months(self.start, 12 * self.years + self.months) + datetime.timedelta(
            days=self.days)

    @property
    def length_days(self) -> int:
        return (self.nominal_end - self.start).days


def compute_key_dates(sentence: Sentence | None, fraction: Fraction) -> dict[str, datetime.date | None]:
    """The computed key dates of a sentence (None when there is no sentence yet, e.g. on remand)."""
    if sentence is None or sentence.length_days <= 0:
        return {"conditional_release_eligibility": None, "expected_release": None,
                "sentence_end": None}
    credit = datetime.timedelta(days=sentence.remand_credit_days)
    end = max(sentence.nominal_end - credit, sentence.start)
    months = Fraction(12 * sentence.years + sentence.months) * fraction
    if sentence.days == 0 and months.denominator == 1:
        # Whole months (two thirds of six years is four years): count in calendar months,
        # as a court would, not in days that leap years would shift.
        served = add_months(sentence.start, int(months))
    else:
        served = sentence.start + datetime.timedelta(days=math.ceil(sentence.length_days * fraction))
    eligible = served - credit
    eligible = min(max(eligible, sentence.start), end)
    return {"conditional_release_eligibility": eligible, "expected_release": end,
            "sentence_end": end}
