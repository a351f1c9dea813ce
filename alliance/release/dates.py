"""Date arithmetic of the pre-release programme and the follow-ups, in one place.

A step is due `months` and `days` before the release; a follow-up falls an offset after it.
Months are calendar months and clamp to the month's end: one month before 31 March is
28 February (29 in a leap year), one month after 31 January is the last day of February.
"""

import calendar
import datetime
import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_OFFSET = re.compile(r"([1-9][0-9]{0,2})([dwm])")  # whole string: fullmatch, not "$"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by `months` calendar months (negative: earlier), clamped to the month end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_before(release_on: datetime.date, months: int, days: int) -> datetime.date:
    """The due date of a step with this lead time: `months` calendar months, then `days` days,
    before the release."""
    return add_months(release_on, -months) - datetime.timedelta(days=days)


def parse_offset(code: str) -> tuple[int, str]:
    """"1w" -> (1, "w"); days "d", weeks "w", calendar months "m". ValueError otherwise."""
    match = _OFFSET.fullmatch(code or "")
    if not match:
        raise ValueError(f"not an offset: {code!r} (a number and d, w or m, e.g. 3m)")
    return int(match.group(1)), match.group(2)


def after(start: datetime.date, code: str) -> datetime.date:
    """The date an offset after `start` (a follow-up after the release)."""
    n, unit = parse_offset(code)
    if unit == "m":
        return add_months(start, n)
    return start + datetime.timedelta(days=n * (7 if unit == "w" else 1))


def offset_label(code: str) -> str:
    """"3m" -> "after 3 months", in the reader's language."""
    try:
        n, unit = parse_offset(code)
    except ValueError:
        return code
    if unit == "d":
        return ngettext("after %(n)s day", "after %(n)s days", n) % {"n": n}
    if unit == "w":
        return ngettext("after %(n)s week", "after %(n)s weeks", n) % {"n": n}
    return ngettext("after %(n)s month", "after %(n)s months", n) % {"n": n}


def lead_label(months: int, days: int) -> str:
    """A step's lead time, e.g. "6 months before release", "on the day of release"."""
    if not months and not days:
        return _("on the day of release")
    parts = []
    if months:
        parts.append(ngettext("%(n)s month", "%(n)s months", months) % {"n": months})
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
    return _("%(lead)s before release") % {"lead": " ".join(parts)}
