"""Sentence arithmetic, without a database."""

import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from alliance.people.key_dates import Sentence, add_months, compute_key_dates

TWO_THIRDS = Fraction(2, 3)


def test_it_computes_end_and_eligibility_of_a_six_year_sentence():
    dates = compute_key_dates(Sentence(datetime.date(2024, 1, 10), years=6), TWO_THIRDS)
    assert dates["sentence_end"] == datetime.date(2030, 1, 10)
    assert dates["expected_release"] == datetime.date(2030, 1, 10)
    assert dates["conditional_release_eligibility"] == datetime.date(2028, 1, 10)


def test_it_credits_days_served_on_remand():
    dates = compute_key_dates(Sentence(datetime.date(2024, 1, 10), years=1,
                                       remand_credit_days=30), TWO_THIRDS)
    assert dates["sentence_end"] == datetime.date(2024, 12, 11)


def test_it_has_no_dates_without_a_sentence():
    assert set(compute_key_dates(None, TWO_THIRDS).values()) == {None}


def test_it_clamps_month_ends():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2023, 1, 31), 1) == datetime.date(2023, 2, 28)
    assert add_months(datetime.date(2023, 11, 15), 3) == datetime.date(2024, 2, 15)


sentences = st.builds(
    Sentence,
    start=st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 1, 1)),
    years=st.integers(0, 40), months=st.integers(0, 11), days=st.integers(0, 365),
    remand_credit_days=st.integers(0, 3000),
)
fractions = st.builds(Fraction, st.integers(1, 9), st.integers(10, 10)) | st.just(TWO_THIRDS)


@given(sentences, fractions)
def test_eligibility_never_falls_outside_the_sentence(sentence, fraction):
    dates = compute_key_dates(sentence, fraction)
    if sentence.length_days <= 0:
        assert dates["sentence_end"] is None
        return
    assert sentence.start <= dates["conditional_release_eligibility"] <= dates["sentence_end"]
    assert dates["sentence_end"] >= sentence.start


@given(sentences, st.integers(1, 400))
def test_more_remand_credit_never_makes_release_later(sentence, extra):
    more = Sentence(sentence.start, sentence.years, sentence.months, sentence.days,
                    sentence.remand_credit_days + extra)
    a = compute_key_dates(sentence, TWO_THIRDS)["sentence_end"]
    b = compute_key_dates(more, TWO_THIRDS)["sentence_end"]
    if a is not None:
        assert b <= a
