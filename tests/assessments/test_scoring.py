"""Scoring ratings against an instrument definition. Pure: no database, no Django models."""

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.assessments.instruments import (
    UNKNOWN,
    InstrumentDefinition,
    load_definition,
    parse_definition,
    reference_definition_paths,
)
from alliance.assessments.instruments.definition import Kind, OutputType
from alliance.assessments.instruments.scoring import (
    Change,
    RatingError,
    compare_ratings,
    compute_outputs,
    compute_subscale,
    compute_subscales,
    count_unknowns,
    incomplete_items,
    protective_factors,
    score,
    summarise_needs,
    validate_rating,
    validate_ratings,
)


def en(words: str) -> dict[str, str]:
    return {"en": words}


def _point(code: str, value: float) -> dict[str, Any]:
    return {"code": code, "value": value, "label": en(code)}


def _item(code: str, scale: str, **options: Any) -> dict[str, Any]:
    return {"code": code, "text": en(code), "scale": scale, **options}


DEFINITION = parse_definition(json.dumps({
    "format": 1,
    "code": "scoring-test",
    "version": "1.0",
    "kind": "risk_needs",
    "name": en("Scoring test"),
    "description": en("For tests"),
    "languages": ["en"],
    "licence": "open reference",
    "scales": [
        {"code": "lmh", "type": "ordinal",
         "points": [_point("low", 0), _point("moderate", 1), _point("high", 2)]},
        {"code": "pa", "type": "present_absent",
         "points": [_point("absent", 0), _point("present", 1)]},
        {"code": "count", "type": "numeric", "min": 0, "max": 10},
        {"code": "share", "type": "numeric", "min": 0, "max": 1, "integer": False},
    ],
    "need_areas": [
        {"code": "ideology", "label": en("Ideology")},
        {"code": "family", "label": en("Family")},
        {"code": "work", "label": en("Work")},
    ],
    "domains": [
        {"code": "risk", "name": en("Risk"), "items": [
            _item("R1", "lmh", unknown_allowed=True, need_areas=["ideology"],
                  evidence_required=True),
            _item("R2", "lmh", unknown_allowed=True, need_areas=["family", "ideology"]),
            _item("R3", "lmh"),
        ]},
        {"code": "other", "name": en("Other"), "items": [
            _item("P1", "pa", unknown_allowed=True, protective=True, need_areas=["family"]),
            _item("P2", "lmh", unknown_allowed=True, protective=True),
            _item("N1", "count", unknown_allowed=True, need_areas=["work"]),
            _item("N2", "share", required=False),
            _item("X1", "pa", unknown_allowed=True),
        ]},
    ],
    "subscales": [
        {"code": "risk_sum", "label": en("Risk (sum)"), "method": "sum",
         "items": ["R1", "R2", "R3"], "min_answered": 2},
        {"code": "risk_mean", "label": en("Risk (mean)"), "method": "mean",
         "items": ["R1", "R2", "R3"], "min_answered": 1, "advisory": False},
        {"code": "risk_all", "label": en("Risk (all rated)"), "method": "sum",
         "items": ["R1", "R2", "R3"]},
        {"code": "reversed", "label": en("Reversed"), "method": "mean",
         "items": ["R1", "R2"], "reversed_items": ["R2"]},
    ],
    "outputs": [
        {"code": "profile", "type": "subscales", "label": en("Profile"),
         "subscales": ["risk_sum", "risk_mean"]},
        {"code": "needs", "type": "needs", "label": en("Needs"),
         "threshold": {"lmh": "moderate", "pa": "present", "count": 5}},
        {"code": "strengths", "type": "protective_factors", "label": en("Strengths"),
         "threshold": {"lmh": "high", "pa": "present"}},
        {"code": "unknowns", "type": "unknowns", "label": en("Unknowns"), "advisory": False},
        {"code": "change", "type": "change", "label": en("Change")},
    ],
    "overall_judgement": {"options": [
        {"code": "low", "label": en("Low")}, {"code": "high", "label": en("High")},
    ]},
}))


def valid_ratings(definition: InstrumentDefinition) -> st.SearchStrategy[dict[str, Any]]:
    """Any partial set of valid ratings for the definition (an item may be left unrated)."""
    choices: dict[str, st.SearchStrategy[Any]] = {}
    for item in definition.items:
        scale = definition.scale_of(item)
        if scale.type == "numeric":
            values: st.SearchStrategy[Any] = st.integers(int(scale.lowest), int(scale.highest))
        else:
            values = st.sampled_from([point.code for point in scale.points])
        choices[item.code] = values | st.just(UNKNOWN) if item.unknown_allowed else values
    return st.fixed_dictionaries({}, optional=choices)


# --- one rating --------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["low", "moderate", "high"])
def test_it_accepts_every_point_of_an_ordinal_scale(rating):
    validate_rating(DEFINITION, "R3", rating)


def test_it_refuses_a_rating_outside_the_scale():
    with pytest.raises(RatingError) as caught:
        validate_rating(DEFINITION, "R1", "extreme")

    assert str(caught.value) == (
        "R1: 'extreme' is not a rating on scale 'lmh' "
        "(expected one of: low, moderate, high, unknown)"
    )
    assert caught.value.item_code == "R1"
    assert isinstance(caught.value, ValueError)


def test_it_refuses_unknown_when_the_item_does_not_allow_it():
    with pytest.raises(RatingError, match="R3: 'unknown' is not allowed for this item"):
        validate_rating(DEFINITION, "R3", UNKNOWN)


def test_it_accepts_unknown_when_the_item_allows_it():
    validate_rating(DEFINITION, "R1", UNKNOWN)

    assert score(DEFINITION, "R1", UNKNOWN) is None


@pytest.mark.parametrize(("rating", "value"), [("absent", 0), ("present", 1)])
def test_it_accepts_present_and_absent_on_a_present_absent_scale(rating, value):
    assert score(DEFINITION, "P1", rating) == value


@pytest.mark.parametrize("rating", ["yes", True, 1, None])
def test_it_refuses_anything_else_on_a_present_absent_scale(rating):
    with pytest.raises(RatingError, match="expected one of: absent, present, unknown"):
        validate_rating(DEFINITION, "P1", rating)


def test_it_refuses_a_point_value_in_place_of_the_point_code():
    with pytest.raises(RatingError, match="2 is not a rating on scale 'lmh'"):
        validate_rating(DEFINITION, "R3", 2)


def test_it_refuses_true_as_a_number():
    with pytest.raises(RatingError, match="True is not a number"):
        validate_rating(DEFINITION, "N1", True)


def test_it_refuses_a_fraction_on_a_whole_number_scale():
    with pytest.raises(RatingError, match="N1: 2.5 is not a whole number"):
        validate_rating(DEFINITION, "N1", 2.5)


def test_it_accepts_a_fraction_on_a_decimal_scale():
    assert score(DEFINITION, "N2", 0.25) == 0.25


def test_it_refuses_a_number_that_is_not_finite():
    with pytest.raises(RatingError, match="outside scale 'share'"):
        validate_rating(DEFINITION, "N2", float("nan"))


def test_it_refuses_a_rating_for_an_item_the_instrument_lacks():
    with pytest.raises(RatingError, match="Z9: is not an item of scoring-test 1.0"):
        validate_rating(DEFINITION, "Z9", "low")


@given(st.integers(0, 10))
def test_it_accepts_every_whole_number_within_a_numeric_scale(rating):
    assert score(DEFINITION, "N1", rating) == rating


@given(st.integers().filter(lambda n: not 0 <= n <= 10))
def test_it_refuses_every_number_outside_a_numeric_scale(rating):
    with pytest.raises(RatingError, match=r"is outside scale 'count' \(0 to 10\)"):
        validate_rating(DEFINITION, "N1", rating)


@given(st.floats(0, 1))
def test_it_accepts_every_number_within_a_decimal_scale(rating):
    validate_rating(DEFINITION, "N2", rating)


@given(st.text().filter(lambda text: text not in {"low", "moderate", "high", UNKNOWN}))
def test_it_refuses_every_word_that_is_not_a_point_of_the_scale(rating):
    with pytest.raises(RatingError):
        validate_rating(DEFINITION, "R1", rating)


def test_it_lists_every_invalid_rating_at_once():
    problems = validate_ratings(DEFINITION, {"R1": "high", "R3": UNKNOWN, "N1": 11, "Z9": "low"})

    assert set(problems) == {"R3", "N1", "Z9"}
    assert problems["N1"] == "N1: 11 is outside scale 'count' (0 to 10)"


# --- what stops submission ---------------------------------------------------------------------


def test_it_names_required_items_not_yet_rated():
    problems = incomplete_items(DEFINITION, {"R1": "low", "R2": "low"}, {"R1": "Interview 3 May"})

    assert problems == {code: "not rated" for code in ["R3", "P1", "P2", "N1", "X1"]}


def test_it_counts_unknown_as_an_answer_but_still_asks_for_its_evidence():
    ratings = {"R1": UNKNOWN, "R2": UNKNOWN, "R3": "low", "P1": "absent", "P2": UNKNOWN,
               "N1": 0, "X1": "absent"}

    assert incomplete_items(DEFINITION, ratings) == {"R1": "evidence is required"}
    assert incomplete_items(DEFINITION, ratings, {"R1": "No file received from court"}) == {}


def test_it_does_not_accept_blank_evidence():
    ratings = {"R1": "high"}

    assert incomplete_items(DEFINITION, ratings, {"R1": "  \n"})["R1"] == "evidence is required"


# --- subscales ---------------------------------------------------------------------------------


ALL_RISK_RATED = {"R1": "high", "R2": "moderate", "R3": "low"}


def test_it_sums_a_subscale():
    result = compute_subscale(DEFINITION, "risk_sum", ALL_RISK_RATED)

    assert (result.value, result.answered, result.unknown, result.missing) == (3, 3, 0, 0)
    assert result.advisory


def test_it_averages_a_subscale():
    result = compute_subscale(DEFINITION, "risk_mean", ALL_RISK_RATED)

    assert result.value == 1
    assert not result.advisory  # the definition says so for this one


def test_it_leaves_unknowns_and_unrated_items_out_of_a_subscale_and_counts_them():
    result = compute_subscale(DEFINITION, "risk_mean", {"R1": "high", "R2": UNKNOWN})

    assert (result.value, result.answered, result.unknown, result.missing) == (2, 1, 1, 1)


def test_a_subscale_with_too_many_unknowns_has_no_value():
    result = compute_subscale(DEFINITION, "risk_sum", {"R1": "high", "R2": UNKNOWN})

    assert DEFINITION.subscale("risk_sum").min_answered == 2
    assert result.value is None
    assert (result.answered, result.unknown, result.missing) == (1, 1, 1)


def test_a_subscale_needs_every_item_unless_the_definition_says_otherwise():
    assert DEFINITION.subscale("risk_all").min_answered == 3
    assert compute_subscale(DEFINITION, "risk_all", {"R1": "high", "R3": "low"}).value is None


def test_it_scores_a_reversed_item_from_the_top_of_its_scale():
    result = compute_subscale(DEFINITION, "reversed", {"R1": "high", "R2": "low"})

    assert result.value == 2  # high (2) and reversed low (2 - 0)


def test_it_computes_every_subscale_in_declaration_order():
    results = compute_subscales(DEFINITION, {"R1": "high", "R2": "high", "R3": "high"})

    assert list(results) == ["risk_sum", "risk_mean", "risk_all", "reversed"]
    assert results["risk_all"].value == 6


@given(valid_ratings(DEFINITION))
def test_a_mean_lies_within_its_scale_and_a_sum_adds_up_the_known_ratings(ratings):
    mean = compute_subscale(DEFINITION, "risk_mean", ratings)
    total = compute_subscale(DEFINITION, "risk_sum", ratings)

    rated = [code for code in ("R1", "R2", "R3") if code in ratings]
    known = [v for v in (score(DEFINITION, c, ratings[c]) for c in rated) if v is not None]
    assert mean.answered == total.answered == len(known)
    assert mean.answered + mean.unknown + mean.missing == 3
    if known:
        assert 0 <= mean.value <= 2
    if len(known) >= 2:
        assert total.value == sum(known)
    else:
        assert total.value is None


# --- unknowns ----------------------------------------------------------------------------------


def test_it_counts_unknowns_in_total_and_per_domain():
    counted = count_unknowns(DEFINITION, {"R1": UNKNOWN, "R2": UNKNOWN, "P1": UNKNOWN, "R3": "low"})

    assert counted.total == 3
    assert counted.by_domain == {"risk": 2, "other": 1}


# --- change over time --------------------------------------------------------------------------


def test_it_shows_how_each_item_moved_between_two_assessments():
    before = {"R1": "low", "R2": "high", "R3": "moderate", "P1": "absent", "P2": UNKNOWN,
              "N1": 4, "X1": "present"}
    after = {"R1": "high", "R2": "moderate", "R3": "moderate", "P1": UNKNOWN, "P2": "high",
             "N2": 0.5}

    changes = compare_ratings(DEFINITION, before, after)

    assert {code: change.change for code, change in changes.items()} == {
        "R1": Change.UP,
        "R2": Change.DOWN,
        "R3": Change.UNCHANGED,
        "P1": Change.NEWLY_UNKNOWN,
        "P2": Change.NO_LONGER_UNKNOWN,
        "N1": Change.REMOVED,
        "N2": Change.ADDED,
        "X1": Change.REMOVED,
    }
    assert (changes["R1"].before, changes["R1"].after) == ("low", "high")


def test_it_reads_absent_to_present_as_up():
    changes = compare_ratings(DEFINITION, {"P1": "absent"}, {"P1": "present"})

    assert changes["P1"].change is Change.UP


def test_it_compares_numbers_by_size():
    assert compare_ratings(DEFINITION, {"N1": 7}, {"N1": 3})["N1"].change is Change.DOWN


def test_it_treats_unknown_twice_as_unchanged():
    assert compare_ratings(DEFINITION, {"R1": UNKNOWN}, {"R1": UNKNOWN})["R1"].change == "unchanged"


def test_it_leaves_out_items_rated_in_neither_assessment_and_keeps_instrument_order():
    changes = compare_ratings(DEFINITION, {"X1": "absent", "R2": "low"}, {"R1": "low"})

    assert list(changes) == ["R1", "R2", "X1"]


def test_it_refuses_to_compare_an_invalid_rating_even_when_the_other_side_is_missing():
    with pytest.raises(RatingError, match="R1: 'extreme' is not a rating"):
        compare_ratings(DEFINITION, {"R1": "extreme"}, {})


OPPOSITE = {
    Change.UP: Change.DOWN,
    Change.DOWN: Change.UP,
    Change.UNCHANGED: Change.UNCHANGED,
    Change.NEWLY_UNKNOWN: Change.NO_LONGER_UNKNOWN,
    Change.NO_LONGER_UNKNOWN: Change.NEWLY_UNKNOWN,
    Change.ADDED: Change.REMOVED,
    Change.REMOVED: Change.ADDED,
}


@given(valid_ratings(DEFINITION), valid_ratings(DEFINITION))
def test_comparison_is_antisymmetric(before, after):
    forwards = compare_ratings(DEFINITION, before, after)
    backwards = compare_ratings(DEFINITION, after, before)

    assert forwards.keys() == backwards.keys() == (before.keys() | after.keys())
    for code, change in forwards.items():
        assert backwards[code].change is OPPOSITE[change.change]


@given(valid_ratings(DEFINITION))
def test_an_assessment_compared_with_itself_has_not_changed(ratings):
    changes = compare_ratings(DEFINITION, ratings, ratings)

    assert all(change.change is Change.UNCHANGED for change in changes.values())


# --- needs and strengths -----------------------------------------------------------------------


def test_it_maps_items_rated_at_or_above_the_threshold_to_their_need_areas():
    ratings = {"R1": "moderate", "R2": "high", "R3": "high", "N1": 5}

    needs = summarise_needs(DEFINITION, ratings, {"lmh": "moderate", "count": 5})

    assert needs == {"ideology": ("R1", "R2"), "family": ("R2",), "work": ("N1",)}


def test_it_leaves_out_items_below_the_threshold_or_unknown():
    ratings = {"R1": "low", "R2": UNKNOWN, "N1": 4}

    assert summarise_needs(DEFINITION, ratings, {"lmh": "moderate", "count": 5}) == {}


def test_a_strong_protective_factor_is_not_a_need():
    needs = summarise_needs(DEFINITION, {"P1": "present"}, {"pa": "present"})

    assert needs == {}
    assert protective_factors(DEFINITION, {"P1": "present"}, {"pa": "present"}) == ("P1",)


def test_items_on_a_scale_the_threshold_does_not_name_never_count():
    assert summarise_needs(DEFINITION, {"R1": "high"}, {"pa": "present"}) == {}


def test_it_lists_protective_factors_at_or_above_the_threshold():
    ratings = {"P1": "present", "P2": "moderate", "R1": "high"}

    assert protective_factors(DEFINITION, ratings, {"lmh": "moderate", "pa": "present"}) == (
        "P1", "P2"
    )
    assert protective_factors(DEFINITION, ratings, {"lmh": "high", "pa": "present"}) == ("P1",)


# --- the outputs a definition declares ---------------------------------------------------------


def test_it_computes_every_declared_output_marked_advisory_as_the_definition_says():
    ratings = {"R1": "high", "R2": "moderate", "R3": "low", "P1": "present", "N1": 6}

    outputs = compute_outputs(DEFINITION, ratings, previous={"R1": "moderate"})

    assert list(outputs) == ["profile", "needs", "strengths", "unknowns", "change"]
    assert {code: result.advisory for code, result in outputs.items()} == {
        "profile": True, "needs": True, "strengths": True, "unknowns": False, "change": True,
    }
    assert outputs["profile"].value["risk_sum"].value == 3
    assert outputs["needs"].value == {"ideology": ("R1", "R2"), "family": ("R2",), "work": ("N1",)}
    assert outputs["strengths"].value == ("P1",)
    assert outputs["unknowns"].value.total == 0
    assert outputs["change"].value["R1"].change is Change.UP


def test_there_is_no_change_to_show_without_a_previous_assessment():
    outputs = compute_outputs(DEFINITION, {"R1": "high"})

    assert outputs["change"].type is OutputType.CHANGE
    assert outputs["change"].value is None


def _reference(kind: Kind) -> InstrumentDefinition:
    return next(
        definition
        for definition in map(load_definition, reference_definition_paths())
        if definition.kind is kind
    )


def test_the_reference_risk_needs_outputs_are_all_advisory_and_name_the_needs():
    risk = _reference(Kind.RISK_NEEDS)
    ratings = {item.code: "high" if item.protective else "low" for item in risk.items}
    ratings.update({"BA1": "high", "PH3": "moderate", "SC1": UNKNOWN})

    outputs = compute_outputs(risk, ratings)

    assert all(result.advisory for result in outputs.values())
    assert outputs["needs"].value == {
        "ideology": ("BA1",), "attitudes_to_violence": ("BA1",), "substance_use": ("PH3",),
    }
    assert outputs["strengths"].value == ("PF1", "PF2", "PF3", "PF4", "PF5")
    profile = outputs["domain_profile"].value
    assert profile["beliefs_attitudes"].value == 2
    assert profile["protective_factors"].value == 10
    assert profile["social_context_intention"].unknown == 1
    assert outputs["unknowns"].value.by_domain["social_context_intention"] == 1


def test_the_reference_working_alliance_gives_a_mean_per_subscale():
    alliance = _reference(Kind.ALLIANCE)
    ratings = {"G1": "always", "G2": "often", "G3": UNKNOWN,
               "T1": "sometimes", "T2": "sometimes", "T3": "sometimes",
               "B1": "never", "B2": "rarely", "B3": "sometimes"}

    profile = compute_outputs(alliance, ratings)["alliance_profile"].value

    assert profile["goal"].value == 4.5
    assert profile["task"].value == 3
    assert profile["bond"].value == 2
    assert profile["total"].value == 3  # (5 + 4 + 3 + 3 + 3 + 1 + 2 + 3) / 8, G3 left out
