"""Periods of the monitoring figures: every written form, every refusal with its reason, and the
months of the trend chart. Pure logic: no database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from alliance.monitoring.periods import (
    Period,
    add_months,
    default_anonymous,
    month_end,
    months_between,
    parse,
    quarter_of,
    year_of,
)


def d(year, month, day=1):
    return datetime.date(year, month, day)


def reason(text, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(text, **kwargs)
    assert caught.value.code == "period"
    return " ".join(caught.value.messages)


# --- the forms ---------------------------------------------------------------------------------

def test_it_parses_a_year():
    period = parse("2026")
    assert period == Period("year", d(2026, 1), d(2026, 12))
    assert period.months == [d(2026, m) for m in range(1, 13)]
    assert period.code == "2026" and str(period) == "2026" and period.calendar
    assert period.ends_on == d(2026, 12, 31) and period.year == 2026


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2026-Q1", d(2026, 1), d(2026, 3)), ("2026-Q2", d(2026, 4), d(2026, 6)),
    ("2026-q3", d(2026, 7), d(2026, 9)), ("2026-Q4", d(2026, 10), d(2026, 12)),
])
def test_it_parses_each_quarter(text, first, last):
    period = parse(text)
    assert (period.kind, period.first, period.last) == ("quarter", first, last)
    assert period.code == text.upper() and len(period.months) == 3 and period.calendar
    assert str(period) == f"Q{text[-1]} 2026"


def test_it_parses_a_month():
    period = parse(" 2026-02 ")
    assert period == Period("month", d(2026, 2), d(2026, 2))
    assert period.code == "2026-02" and str(period) == "02.2026"
    assert period.ends_on == d(2026, 2, 28) and period.months == [d(2026, 2)]


def test_it_parses_a_range_of_months_across_a_year():
    period = parse("2025-11..2026-02")
    assert period == Period("range", d(2025, 11), d(2026, 2))
    assert period.months == [d(2025, 11), d(2025, 12), d(2026, 1), d(2026, 2)]
    assert period.code == "2025-11..2026-02" and not period.calendar
    assert str(period) == "11.2025 – 02.2026"


def test_a_range_of_one_month_is_a_range():
    period = parse("2026-03..2026-03")
    assert period.kind == "range" and period.months == [d(2026, 3)]


def test_an_empty_period_is_the_current_year():
    assert parse("") == parse(None) == parse("   ") == year_of(timezone.localdate())


@pytest.mark.parametrize(("today", "quarter"), [
    ("2026-11-27", "2026-Q3"),  # October is still recomputed; July to September are settled
    ("2026-10-01", "2026-Q2"),  # September is still recomputed
    ("2027-01-05", "2026-Q3"),  # December is still recomputed
    ("2026-06-15", "2026-Q1"),
])
def test_the_anonymous_levels_open_on_the_last_quarter_they_show_whole(today, quarter):
    assert default_anonymous(datetime.date.fromisoformat(today)).code == quarter


def test_a_ten_year_range_is_accepted():
    assert len(parse("2016-01..2025-12").months) == 120


def test_quarter_of_and_year_of():
    assert quarter_of(d(2026, 8)) == parse("2026-Q3")
    assert quarter_of(d(2026, 12)) == parse("2026-Q4")
    assert year_of(d(2026, 5, 17)) == parse("2026")


# --- the refusals ------------------------------------------------------------------------------

def test_it_refuses_a_period_that_ends_before_it_starts():
    assert "ends before it starts" in reason("2026-06..2026-01")
    assert "ends before it starts" in reason("2026-01..2025-12")


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-01..2026-13"])
def test_it_refuses_a_month_that_does_not_exist(text):
    assert "01 to 12" in reason(text)


@pytest.mark.parametrize("text", ["1999", "2101-Q1", "1999-12", "2026-01..2101-01"])
def test_it_refuses_a_year_out_of_range(text):
    assert "between 2000 and 2100" in reason(text)


@pytest.mark.parametrize("text", ["last year", "2026-Q5", "2026-Q0", "26", "2026-7", "2026/07",
                                  "2026-07-01", "2026-01...2026-02", "2026-H1", "Q3-2026"])
def test_it_refuses_unknown_text_and_names_the_forms(text):
    message = reason(text)
    assert message.startswith("Unknown period") and "2026-Q3" in message


def test_it_does_not_echo_long_input_in_full():
    assert "x" * 41 not in reason("x" * 500)


def test_it_refuses_a_range_at_the_anonymous_levels():
    assert "not for a range of months" in reason("2026-01..2026-06", allow_range=False)


@pytest.mark.parametrize("text", ["2026", "2026-Q2", "2026-05"])
def test_calendar_periods_are_allowed_at_the_anonymous_levels(text):
    assert parse(text, allow_range=False).calendar


def test_it_refuses_a_range_longer_than_ten_years():
    assert "at most ten years" in reason("2016-01..2026-01")


# --- the trend ---------------------------------------------------------------------------------

def test_the_trend_of_a_year_is_its_twelve_months():
    assert parse("2026").trend_months() == parse("2026").months


def test_the_trend_of_a_month_is_the_twelve_months_ending_with_it():
    trend = parse("2026-03").trend_months()
    assert trend[0] == d(2025, 4) and trend[-1] == d(2026, 3) and len(trend) == 12


def test_the_trend_of_a_quarter_ends_with_its_last_month():
    trend = parse("2026-Q2").trend_months()
    assert (trend[0], trend[-1], len(trend)) == (d(2025, 7), d(2026, 6), 12)


def test_the_trend_of_a_long_range_is_all_its_months():
    trend = parse("2024-01..2026-06").trend_months()
    assert (trend[0], trend[-1], len(trend)) == (d(2024, 1), d(2026, 6), 30)


def test_the_trend_can_be_shorter():
    assert parse("2026-05").trend_months(3) == [d(2026, 3), d(2026, 4), d(2026, 5)]


months = st.dates(min_value=d(2000, 1), max_value=d(2099, 12, 31)).map(lambda x: x.replace(day=1))


@given(months, st.integers(0, 119))
def test_a_written_range_reads_back_as_itself(first, length):
    last = add_months(first, length)
    if last.year > 2100:
        return
    period = parse(f"{first:%Y-%m}..{last:%Y-%m}")
    assert (period.first, period.last, len(period.months)) == (first, last, length + 1)
    assert parse(period.code) == period
    assert period.trend_months()[-1] == last
    assert len(period.trend_months()) == max(12, length + 1)


@given(months)
def test_month_end_is_the_last_day_of_the_month(month):
    end = month_end(month)
    assert end.month == month.month and (end + datetime.timedelta(days=1)).day == 1
    assert months_between(month, end) == [month]
