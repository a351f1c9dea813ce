"""The date arithmetic of the pre-release programme and the follow-ups (release/dates.py),
without a database: month ends, leap years, lead times and offsets."""

import calendar
import datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from alliance.release.dates import (
    add_months,
    after,
    due_before,
    lead_label,
    offset_label,
    parse_offset,
)

days = st.dates(datetime.date(1900, 1, 1), datetime.date(2200, 12, 31))
month_counts = st.integers(-600, 600)
leads = st.tuples(st.integers(0, 36), st.integers(0, 366))


def month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# --- add_months ---------------------------------------------------------------------------------

@pytest.mark.parametrize("start,months,expected", [
    (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
    (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),  # a leap year
    (datetime.date(2028, 2, 29), -12, datetime.date(2027, 2, 28)),
    (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
    (datetime.date(2028, 2, 29), 48, datetime.date(2032, 2, 29)),
    (datetime.date(2027, 3, 31), -1, datetime.date(2027, 2, 28)),
    (datetime.date(2027, 5, 31), 1, datetime.date(2027, 6, 30)),
    (datetime.date(2027, 12, 15), 1, datetime.date(2028, 1, 15)),
    (datetime.date(2027, 1, 15), -1, datetime.date(2026, 12, 15)),
    (datetime.date(2027, 8, 31), -18, datetime.date(2026, 2, 28)),
    (datetime.date(2027, 8, 9), 0, datetime.date(2027, 8, 9)),
])
def test_it_moves_by_calendar_months_and_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@given(days, month_counts)
def test_it_never_passes_the_month_end_and_keeps_the_day_when_it_exists(day, months):
    moved = add_months(day, months)
    # the right calendar month
    assert moved.year * 12 + moved.month == day.year * 12 + day.month + months
    # the day itself when that month has it, else the month's last day
    assert moved.day == min(day.day, month_end(moved.year, moved.month))
    assert moved.day <= month_end(moved.year, moved.month)


@given(days, month_counts)
@example(datetime.date(2028, 2, 29), 12)
@example(datetime.date(2027, 1, 31), 1)
def test_a_round_trip_comes_back_to_the_day_or_to_an_earlier_day_of_the_same_month(day, months):
    back = add_months(add_months(day, months), -months)
    assert (back.year, back.month) == (day.year, day.month)
    assert back <= day
    there = add_months(day, months)
    if day.day <= month_end(there.year, there.month):
        assert back == day  # nothing was clamped on the way: exactly back
    else:
        assert back.day == month_end(there.year, there.month)


@given(days, st.integers(-600, 600), st.integers(-600, 600))
def test_more_months_is_never_earlier(day, a, b):
    low, high = sorted((a, b))
    assert add_months(day, low) <= add_months(day, high)
    if low < high:
        assert add_months(day, low) < add_months(day, high)


# --- due_before: a step's due date ------------------------------------------------------------------

def test_a_step_is_due_its_lead_time_before_the_release():
    release = datetime.date(2027, 3, 31)
    assert due_before(release, 0, 0) == release
    assert due_before(release, 1, 0) == datetime.date(2027, 2, 28)
    assert due_before(release, 12, 0) == datetime.date(2026, 3, 31)
    assert due_before(release, 1, 10) == datetime.date(2027, 2, 18)  # months, then days
    assert due_before(datetime.date(2028, 3, 31), 1, 0) == datetime.date(2028, 2, 29)
    assert due_before(datetime.date(2028, 2, 29), 12, 0) == datetime.date(2027, 2, 28)


@given(days.filter(lambda d: d.year > 1905), leads, leads)
def test_a_longer_lead_time_is_never_due_later(release, lead_a, lead_b):
    (months_a, days_a), (months_b, days_b) = lead_a, lead_b
    if months_a <= months_b and days_a <= days_b:
        assert due_before(release, months_a, days_a) >= due_before(release, months_b, days_b)


@given(days.filter(lambda d: d.year > 1905), leads)
def test_a_step_is_never_due_after_the_release_and_more_days_are_strictly_earlier(release, lead):
    months, n = lead
    due = due_before(release, months, n)
    assert due <= release
    assert due_before(release, months, n + 1) == due - datetime.timedelta(days=1)


@given(days.filter(lambda d: d.year > 1905), st.integers(0, 36), st.integers(-400, 400))
def test_the_due_date_moves_no_further_than_the_release_does_give_or_take_a_month_end(
        release, months, shift):
    """Moving the release by some days moves a step's due date in the same direction."""
    moved = release + datetime.timedelta(days=shift)
    before, after_move = due_before(release, months, 0), due_before(moved, months, 0)
    if shift > 0:
        assert after_move >= before
    elif shift < 0:
        assert after_move <= before
    else:
        assert after_move == before


# --- offsets after the release ---------------------------------------------------------------------

@given(days.filter(lambda d: d.year < 2190), st.integers(1, 999))
def test_days_and_weeks_are_plain_days(start, n):
    assert after(start, f"{n}d") == start + datetime.timedelta(days=n)
    assert after(start, f"{n}w") == start + datetime.timedelta(days=7 * n)


@given(days.filter(lambda d: d.year < 2100), st.integers(1, 999))
def test_months_after_the_release_are_calendar_months(start, n):
    assert after(start, f"{n}m") == add_months(start, n)


def test_the_default_follow_ups_fall_at_month_ends_correctly():
    released = datetime.date(2028, 1, 31)
    assert [after(released, code) for code in ("1w", "1m", "3m", "6m", "12m")] == [
        datetime.date(2028, 2, 7), datetime.date(2028, 2, 29), datetime.date(2028, 4, 30),
        datetime.date(2028, 7, 31), datetime.date(2029, 1, 31)]


@pytest.mark.parametrize("code,parsed", [("1d", (1, "d")), ("1w", (1, "w")), ("3m", (3, "m")),
                                         ("12m", (12, "m")), ("999d", (999, "d"))])
def test_it_parses_an_offset(code, parsed):
    assert parse_offset(code) == parsed


@pytest.mark.parametrize("garbage", ["", "m", "0m", "01m", "1000d", "1y", "1 m", " 1m", "1m ",
                                     "1M", "-1m", "1.5m", "1w\n", "1mm", "m1", "١m", None])
def test_it_rejects_what_is_not_an_offset(garbage):
    with pytest.raises(ValueError):
        parse_offset(garbage)
    with pytest.raises(ValueError):
        after(datetime.date(2027, 1, 1), garbage)


@given(st.text(max_size=6))
def test_whatever_it_accepts_is_a_number_from_1_to_999_and_a_unit(text):
    try:
        n, unit = parse_offset(text)
    except ValueError:
        return
    assert 1 <= n <= 999 and unit in "dwm"
    assert text == f"{n}{unit}"


def test_labels_say_when_in_words():
    assert offset_label("1w") == "after 1 week"
    assert offset_label("3m") == "after 3 months"
    assert offset_label("10d") == "after 10 days"
    assert offset_label("garbage") == "garbage"
    assert lead_label(0, 0) == "on the day of release"
    assert lead_label(6, 0) == "6 months before release"
    assert lead_label(1, 10) == "1 month 10 days before release"
