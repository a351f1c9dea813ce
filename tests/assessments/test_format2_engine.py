"""Instrument format 2 in the engine: named ratings with conditions, conditional items, not
applicable, a direction per scale, unordered scales, judgements per domain, additional factors
and a formulation-only judgement. Pure: no database (labels need Django's settings only).

The properties the issue asks for: not applicable and unmet conditions never change a score;
direction reverses concern and wording; either side not applicable (or not asked) is never a
move. Every bad input is refused with the path of the field at fault.
"""

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from alliance.assessments import labels
from alliance.assessments.instruments import (
    NOT_APPLICABLE,
    REFERENCE_DIR,
    UNKNOWN,
    InstrumentDefinition,
    InstrumentDefinitionError,
    load_definition,
    parse_definition,
)
from alliance.assessments.instruments.definition import Direction, Item, ScaleType
from alliance.assessments.instruments.scoring import (
    Change,
    Concern,
    RatingError,
    change_key,
    compare_ratings,
    compute_outputs,
    compute_subscales,
    count_unknowns,
    domain_profile,
    incomplete_items,
    protective_factors,
    summarise_needs,
    validate_factor,
    validate_rating,
)

from ..conftest import PROFILE_ANSWERS


def en(words: str) -> dict[str, str]:
    return {"en": words}


def _points(*codes: str) -> list[dict[str, Any]]:
    return [{"code": code, "value": value, "label": en(code.replace("_", " ").capitalize())}
            for value, code in enumerate(codes)]


PRESENCE_INFLUENCE = [
    {"code": "presence", "scale": "presence", "label": en("Presence")},
    {"code": "influence", "scale": "influence", "label": en("Influence"),
     "when": {"rating": "presence", "at_least": "partly_present"}},
]


def _item(code: str, **fields: Any) -> dict[str, Any]:
    if "scale" not in fields and "ratings" not in fields:
        fields["ratings"] = copy.deepcopy(PRESENCE_INFLUENCE)
    return {"code": code, "text": en(f"Item {code}"), **fields}


def base() -> dict[str, Any]:
    """A small format-2 risk and needs definition with every feature; tests change one thing.

    A1, A2: presence and influence (influence asked from "partly present" on), not applicable
    allowed. A3: the same without not applicable. A4: asked only when A3's presence is at least
    partly present. P1, P2: protection (P1 may be not applicable). C1: presence, then when (an
    unordered scale). N1: a count."""
    return {
        "format": 2,
        "code": "format-two-test",
        "version": "2.0",
        "kind": "risk_needs",
        "name": en("Format 2 test"),
        "description": en("For tests"),
        "languages": ["en"],
        "licence": "open reference",
        "scales": [
            {"code": "presence", "type": "ordinal", "direction": "concern",
             "label": en("Presence"), "points": _points("not_present", "partly_present", "present")},
            {"code": "influence", "type": "ordinal", "direction": "concern",
             "label": en("Influence"), "points": _points("little", "some", "strong")},
            {"code": "protection", "type": "ordinal", "direction": "protection",
             "label": en("Protection"), "points": _points("absent", "partial", "strong")},
            {"code": "when", "type": "ordinal", "ordered": False, "label": en("When"),
             "points": _points("past", "now")},
            {"code": "count", "type": "numeric", "min": 0, "max": 10},
        ],
        "need_areas": [{"code": "n1", "label": en("Need one")},
                       {"code": "n2", "label": en("Need two")}],
        "domains": [
            {"code": "d1", "name": en("Domain one"), "description": en("The first domain"),
             "judgement": {"label": en("Judgement of one"), "options": [
                 {"code": "low", "label": en("Low")}, {"code": "high", "label": en("High")}]},
             "additional_factors": {"max": 2, "label": en("Other factors"),
                                    "ratings": copy.deepcopy(PRESENCE_INFLUENCE),
                                    "unknown_allowed": True},
             "items": [
                 _item("A1", unknown_allowed=True, not_applicable_allowed=True,
                       need_areas=["n1"]),
                 _item("A2", unknown_allowed=True, not_applicable_allowed=True,
                       need_areas=["n2"]),
                 _item("A3", unknown_allowed=True, need_areas=["n2"]),
                 _item("A4", unknown_allowed=True, need_areas=["n1"],
                       when={"item": "A3", "rating": "presence", "at_least": "partly_present"}),
             ]},
            {"code": "d2", "name": en("Domain two"), "items": [
                _item("P1", scale="protection", unknown_allowed=True,
                      not_applicable_allowed=True),
                _item("P2", scale="protection", unknown_allowed=True),
                _item("C1", unknown_allowed=True, ratings=[
                    {"code": "presence", "scale": "presence"},
                    {"code": "when", "scale": "when",
                     "when": {"rating": "presence", "at_least": "partly_present"}}]),
                _item("N1", scale="count", required=False),
            ]},
        ],
        "additional_factors": {"max": 3, "scale": "presence", "unknown_allowed": True},
        "overall_judgement": {"label": en("Formulation"), "formulation_only": True,
                              "rationale_required": False},
        "subscales": [
            {"code": "presence_sum", "label": en("Presence"), "method": "sum",
             "items": ["A1", "A2", "A3", "A4"], "min_answered": 2},
            {"code": "influence_sum", "label": en("Influence"), "method": "sum",
             "rating": "influence", "items": ["A1", "A2", "A3", "A4"], "min_answered": 1},
            {"code": "presence_mean", "label": en("Presence (mean)"), "method": "mean",
             "items": ["A1", "A2", "A3", "C1"], "reversed_items": ["A2"], "min_answered": 1},
            {"code": "protection", "label": en("Protection"), "method": "mean",
             "items": ["P1", "P2"], "min_answered": 1},
        ],
        "outputs": [
            {"code": "profile", "type": "subscales", "label": en("Profile"),
             "subscales": ["presence_sum", "influence_sum", "presence_mean", "protection"]},
            {"code": "needs", "type": "needs", "label": en("Needs"),
             "threshold": {"presence": "partly_present"}},
            {"code": "strengths", "type": "protective_factors", "label": en("Strengths"),
             "threshold": {"protection": "partial"}},
            {"code": "unknowns", "type": "unknowns", "label": en("Unknowns")},
            {"code": "change", "type": "change", "label": en("Change")},
        ],
    }


def parse(data: dict[str, Any]) -> InstrumentDefinition:
    return parse_definition(json.dumps(data))


DEFINITION = parse(base())


def without(item_code: str) -> InstrumentDefinition:
    """The same instrument with `item_code` in no subscale (min_answered kept where it fits)."""
    data = base()
    for subscale in data["subscales"]:
        if item_code in subscale["items"]:
            subscale["items"].remove(item_code)
            subscale["min_answered"] = min(subscale["min_answered"], len(subscale["items"]))
            if item_code in subscale.get("reversed_items", []):
                subscale["reversed_items"].remove(item_code)
    return parse(data)


NOT_APPLICABLE_ITEMS = [item.code for item in DEFINITION.items if item.not_applicable_allowed]
WITHOUT = {code: without(code) for code in NOT_APPLICABLE_ITEMS}


# --- answers, generated independently of the engine ---------------------------------------------


def _value(definition: InstrumentDefinition, scale_code: str, rating: Any) -> float | None:
    scale = definition.scale(scale_code)
    if scale.type is ScaleType.NUMERIC:
        return rating if isinstance(rating, int | float) else None
    point = scale.point(rating) if isinstance(rating, str) else None
    return point.value if point else None


def _reaches(definition: InstrumentDefinition, scale_code: str, rating: Any, point: str) -> bool:
    value = _value(definition, scale_code, rating)
    return value is not None and value >= definition.scale(scale_code).point(point).value


def _scale_values(definition: InstrumentDefinition, scale_code: str,
                  unknown: bool) -> st.SearchStrategy[Any]:
    scale = definition.scale(scale_code)
    if scale.type is ScaleType.NUMERIC:
        values: st.SearchStrategy[Any] = st.integers(int(scale.lowest), int(scale.highest))
    else:
        values = st.sampled_from([point.code for point in scale.points])
    return values | st.just(UNKNOWN) if unknown else values


@st.composite
def answer(draw, definition: InstrumentDefinition, item: Item, *, not_applicable: bool = True):
    """One valid answer to `item` on its own (its ratings' conditions are honoured; the item's
    condition on another item is not: that is for the context to decide)."""
    if not_applicable and item.not_applicable_allowed and draw(st.booleans()):
        return NOT_APPLICABLE
    if not item.named_ratings:
        return draw(_scale_values(definition, item.scale, item.unknown_allowed))
    given_: dict[str, Any] = {}
    for spec in item.ratings:
        if spec.when and not _reaches(definition, item.rating_spec(spec.when.rating).scale,
                                      given_.get(spec.when.rating), spec.when.at_least):
            continue
        if spec.when is None or draw(st.booleans()):
            given_[spec.code] = draw(_scale_values(definition, spec.scale, item.unknown_allowed))
    return given_


@st.composite
def answers(draw, definition: InstrumentDefinition = DEFINITION, *, not_applicable: bool = True):
    """A partial set of answers, each valid on its own (a conditional item may be answered
    although its condition is unmet: the engine must then leave it out)."""
    ratings = {}
    for item in definition.items:
        if draw(st.integers(0, 4)):  # one in five left unrated
            ratings[item.code] = draw(answer(definition, item, not_applicable=not_applicable))
    return ratings


def _a4_asked(ratings: dict[str, Any]) -> bool:
    presence = (ratings.get("A3") or {}).get("presence")
    return presence in ("partly_present", "present")


# --- (a) not applicable never changes a score ------------------------------------------------


@given(answers(), st.sampled_from(NOT_APPLICABLE_ITEMS))
def test_not_applicable_gives_the_score_of_the_subscale_without_the_item(ratings, item_code):
    # given an item that does not apply to this person
    ratings = {**ratings, item_code: NOT_APPLICABLE}
    original = {**ratings}

    # when the subscales are computed
    with_item = compute_subscales(DEFINITION, ratings)
    without_item = compute_subscales(WITHOUT[item_code], ratings)

    # then each is the subscale computed as if the item were not in it
    for code, result in with_item.items():
        other = without_item[code]
        assert (result.value, result.answered, result.unknown, result.missing) == (
            other.value, other.answered, other.unknown, other.missing), code
    assert ratings == original


@given(answers(), st.sampled_from(NOT_APPLICABLE_ITEMS))
def test_not_applicable_is_neither_a_need_nor_a_strength_nor_a_share_of_the_profile(
        ratings, item_code):
    applicable = {code: r for code, r in ratings.items() if code != item_code}
    ratings = {**applicable, item_code: NOT_APPLICABLE}

    assert summarise_needs(DEFINITION, ratings, {"presence": "not_present"}) == summarise_needs(
        DEFINITION, applicable, {"presence": "not_present"})
    assert protective_factors(DEFINITION, ratings, {"protection": "absent"}) == \
        protective_factors(DEFINITION, applicable, {"protection": "absent"})
    profile, unrated = domain_profile(DEFINITION, ratings), domain_profile(DEFINITION, applicable)
    for code, domain in profile.items():
        assert (domain.concern, domain.protection) == (unrated[code].concern,
                                                       unrated[code].protection)
        assert domain.not_applicable == unrated[code].not_applicable + (
            DEFINITION.item(item_code).domain == code)
    assert count_unknowns(DEFINITION, ratings) == count_unknowns(DEFINITION, applicable)


@given(answers(), st.sampled_from(NOT_APPLICABLE_ITEMS))
def test_an_item_that_does_not_apply_counts_as_answered_for_submission(ratings, item_code):
    ratings = {**ratings, item_code: NOT_APPLICABLE}
    evidence = {code: "seen" for code in ratings}

    assert item_code not in incomplete_items(DEFINITION, ratings, evidence)


# --- (b) unmet conditions never change a score -------------------------------------------------


UNMET_A3 = st.sampled_from([None, {"presence": "not_present"}, {"presence": UNKNOWN}])


@given(answers(), UNMET_A3, answer(DEFINITION, DEFINITION.item("A4")))
def test_a_conditional_item_not_asked_contributes_nothing_whatever_is_stored(
        ratings, a3, stored):
    # given A3 below "partly present", so A4 is not asked
    ratings = {code: r for code, r in ratings.items() if code not in ("A3", "A4")}
    if a3 is not None:
        ratings["A3"] = a3
    # when A4 holds an answer anyway (a value saved before A3 was lowered)
    with_a4 = {**ratings, "A4": stored}

    # then every score, need, strength and share is what it is without it
    before, after = compute_outputs(DEFINITION, ratings), compute_outputs(DEFINITION, with_a4)
    assert after["profile"].value == before["profile"].value
    assert after["needs"].value == before["needs"].value
    assert after["strengths"].value == before["strengths"].value
    assert {c: (p.concern, p.protection) for c, p in domain_profile(DEFINITION, with_a4).items()} \
        == {c: (p.concern, p.protection) for c, p in domain_profile(DEFINITION, ratings).items()}
    # and it is reported as rated although not asked, so the assessment cannot be submitted
    assert incomplete_items(DEFINITION, with_a4, {c: "seen" for c in with_a4})["A4"] == \
        "not asked"


@given(answers(), UNMET_A3, answer(DEFINITION, DEFINITION.item("A4")))
def test_a_conditional_item_not_asked_is_not_counted_as_unknown(ratings, a3, stored):
    ratings = {code: r for code, r in ratings.items() if code not in ("A3", "A4")}
    if a3 is not None:
        ratings["A3"] = a3

    assert count_unknowns(DEFINITION, {**ratings, "A4": stored}) == count_unknowns(
        DEFINITION, ratings)


@given(answers(), st.sampled_from(["A1", "A2", "A3"]),
       st.sampled_from(["not_present", UNKNOWN]))
def test_a_named_rating_not_asked_leaves_its_subscale_as_if_the_item_were_not_in_it(
        ratings, item_code, presence):
    # given presence below "partly present": influence is not asked
    ratings = {**ratings, item_code: {"presence": presence}}
    reference = base()
    subscale = next(s for s in reference["subscales"] if s["code"] == "influence_sum")
    subscale["items"].remove(item_code)
    shorter = parse(reference)

    result = compute_subscales(DEFINITION, ratings)["influence_sum"]
    expected = compute_subscales(shorter, ratings)["influence_sum"]

    assert (result.value, result.answered, result.unknown, result.missing) == (
        expected.value, expected.answered, expected.unknown, expected.missing)


@pytest.mark.parametrize("influence", ["little", "some", "strong", UNKNOWN])
def test_a_named_rating_given_while_not_asked_is_refused_rather_than_scored(influence):
    with pytest.raises(RatingError) as caught:
        compute_subscales(DEFINITION, {"A1": {"presence": "not_present",
                                              "influence": influence}})

    assert caught.value.reason == "rating_not_asked"


# --- (c) direction reverses concern and wording -------------------------------------------------


def direction_definition(direction: str) -> InstrumentDefinition:
    """Two one-rating items and one with two ratings, all on one scale with `direction`."""
    points = _points("none", "some", "much")
    return parse({
        "format": 2, "code": "direction-test", "version": "1.0", "kind": "checklist",
        "name": en("Direction"), "description": en("For tests"), "languages": ["en"],
        "licence": "open reference",
        "scales": [{"code": "level", "type": "ordinal", "direction": direction,
                    "points": points}],
        "domains": [{"code": "d", "name": en("D"), "items": [
            _item("X1", scale="level", unknown_allowed=True),
            _item("X2", scale="level"),
            _item("X3", ratings=[{"code": "first", "scale": "level"},
                                 {"code": "second", "scale": "level"}]),
        ]}],
    })


CONCERN_SCALE = direction_definition("concern")
PROTECTION_SCALE = direction_definition("protection")
OPPOSITE_WORDS = {"more concern": "more protection", "less concern": "less protection"}


@given(answers(CONCERN_SCALE), answers(CONCERN_SCALE))
def test_reversing_the_direction_reverses_concern_and_the_words_of_every_move(before, after):
    concern = compare_ratings(CONCERN_SCALE, before, after)
    protection = compare_ratings(PROTECTION_SCALE, before, after)

    assert concern.keys() == protection.keys()
    with translation.override("en"):
        for key, change in concern.items():
            mirrored = protection[key]
            assert mirrored.change is change.change
            assert (change.direction, mirrored.direction) == ("concern", "protection")
            words = labels.change_label(change.change, change.direction)
            mirrored_words = labels.change_label(mirrored.change, mirrored.direction)
            if change.change in (Change.UP, Change.DOWN):
                assert {change.concern, mirrored.concern} == {Concern.WORSE, Concern.BETTER}
                assert OPPOSITE_WORDS[words] == mirrored_words
                assert labels.concern_class(change.concern) != labels.concern_class(
                    mirrored.concern)
            else:
                assert change.concern is mirrored.concern is Concern.NONE
                assert words == mirrored_words


@pytest.mark.parametrize(("direction", "change", "concern", "words", "colour"), [
    ("concern", Change.UP, Concern.WORSE, "more concern", "danger"),
    ("concern", Change.DOWN, Concern.BETTER, "less concern", "success"),
    ("protection", Change.UP, Concern.BETTER, "more protection", "success"),
    ("protection", Change.DOWN, Concern.WORSE, "less protection", "danger"),
])
def test_a_move_is_coloured_and_worded_by_its_direction(direction, change, concern, words,
                                                        colour):
    definition = direction_definition(direction)
    before, after = ("none", "much") if change is Change.UP else ("much", "none")

    moved = compare_ratings(definition, {"X2": before}, {"X2": after})["X2"]

    assert (moved.change, moved.concern) == (change, concern)
    with translation.override("en"):
        assert labels.change_label(moved.change, moved.direction) == words
    assert labels.concern_class(moved.concern) == colour


def test_a_protective_item_without_a_scale_direction_takes_protection_from_the_item():
    data = base()
    del data["scales"][2]["direction"]
    data["domains"][1]["items"][0]["protective"] = True
    definition = parse(data)

    lost = compare_ratings(definition, {"P1": "strong"}, {"P1": "absent"})["P1"]

    assert (lost.direction, lost.concern) == ("protection", Concern.WORSE)
    assert definition.is_protective(definition.item("P1"))
    assert not definition.is_protective(definition.item("P2"))  # neither flag nor direction


def test_an_unordered_rating_has_no_direction_and_never_moves():
    changes = compare_ratings(DEFINITION, {"C1": {"presence": "present", "when": "past"}},
                              {"C1": {"presence": "present", "when": "now"}})

    moved = changes["C1:when"]
    assert moved.change not in (Change.UP, Change.DOWN)
    assert (moved.direction, moved.concern) == ("", Concern.NONE)
    assert DEFINITION.direction(DEFINITION.item("C1"), "when") is None
    assert changes["C1:presence"].change is Change.UNCHANGED


# --- (d) not applicable or not asked on either side is never a move ----------------------------


def _out_of_play(definition: InstrumentDefinition, ratings: dict[str, Any], item: Item,
                 rating_code: str) -> bool:
    """Is this rating stored but not in play: the item not applicable, the item not asked
    (A4, by A3), or the named rating not asked (by its item's own presence)?"""
    stored = ratings.get(item.code)
    if stored is None:
        return False
    if stored == NOT_APPLICABLE or (item.code == "A4" and not _a4_asked(ratings)):
        return True
    spec = item.rating_spec(rating_code) if rating_code else item.primary
    if spec.when is None:
        return False
    condition_scale = item.rating_spec(spec.when.rating).scale
    return not _reaches(definition, condition_scale, stored.get(spec.when.rating),
                        spec.when.at_least)


@given(answers(), answers())
def test_not_applicable_or_not_asked_on_either_side_is_never_a_move(before, after):
    changes = compare_ratings(DEFINITION, before, after)

    for item in DEFINITION.items:
        for spec in item.ratings:
            key = change_key(item.code, spec.code)
            if not (_out_of_play(DEFINITION, before, item, spec.code)
                    or _out_of_play(DEFINITION, after, item, spec.code)):
                continue
            change = changes.get(key)
            assert change is not None, key
            assert change.change is Change.NOT_APPLICABLE, (key, change)
            assert change.concern is Concern.NONE
            with translation.override("en"):
                assert labels.change_label(change.change, change.direction) == "not applicable"


def test_a_conditional_item_no_longer_asked_is_not_applicable_rather_than_no_longer_rated():
    before = {"A3": {"presence": "present"}, "A4": {"presence": "present"}}
    after = {"A3": {"presence": "not_present"}}  # A4 is no longer asked, so left unrated

    changes = compare_ratings(DEFINITION, before, after)

    assert changes["A4:presence"].change is Change.NOT_APPLICABLE


def test_an_item_that_stops_applying_is_not_a_fall_in_concern():
    changes = compare_ratings(DEFINITION, {"A1": {"presence": "present", "influence": "strong"}},
                              {"A1": NOT_APPLICABLE})

    assert {key: c.change for key, c in changes.items() if key.startswith("A1")} == {
        "A1:presence": Change.NOT_APPLICABLE, "A1:influence": Change.NOT_APPLICABLE}


# --- (e) bad input is refused with the field's path --------------------------------------------


Mutation = Callable[[dict[str, Any]], None]


def at(data: dict[str, Any], path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def set_at(path: tuple, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        at(data, path[:-1])[path[-1]] = copy.deepcopy(value)
    return mutate


def delete_at(path: tuple) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        del at(data, path[:-1])[path[-1]]
    return mutate


def all_of(*mutations: Mutation) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(data)
    return mutate


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InstrumentDefinitionError) as caught:
        parse(data)
    return caught.value.errors


def errors_after(mutate: Mutation, data: dict[str, Any]) -> list[str]:
    """The errors of `data` once `mutate` has changed it."""
    mutate(data)
    return errors_of(data)


def named(table: list[tuple[str, Mutation, str]]) -> list:
    """A table of (name, mutation, expected) rows as cases of a parametrize, each named."""
    return [pytest.param(mutate, expected, id=name) for name, mutate, expected in table]


A1 = ("domains", 0, "items", 0)
A4 = ("domains", 0, "items", 3)
INFLUENCE_WHEN = (*A1, "ratings", 1, "when")

INVALID = [
    ("rating condition naming a rating that does not exist",
     set_at((*INFLUENCE_WHEN, "rating"), "salience"),
     "domains[0].items[0].ratings[1].when.rating: 'salience' is not an earlier rating"),
    ("rating condition naming a later rating",
     all_of(set_at((*A1, "ratings", 0, "when"), {"rating": "influence", "at_least": "some"})),
     "domains[0].items[0].ratings[0].when: the first rating of an item is always asked"),
    ("rating condition at a point not on the scale",
     set_at((*INFLUENCE_WHEN, "at_least"), "extreme"),
     "domains[0].items[0].ratings[1].when.at_least: 'extreme' is not a point of scale "
     "'presence'"),
    ("rating condition on a numeric scale",
     set_at((*A1, "ratings", 0, "scale"), "count"),
     "domains[0].items[0].ratings[1].when.at_least: a condition needs an ordered scale with "
     "points; 'count' is numeric"),
    ("rating condition on an unordered scale",
     set_at((*A1, "ratings", 0, "scale"), "when"),
     "domains[0].items[0].ratings[1].when.at_least: a condition needs an ordered scale with "
     "points; 'when' is not ordered"),
    ("item condition naming an item that does not exist",
     set_at((*A4, "when", "item"), "Z9"),
     "domains[0].items[3].when.item: 'Z9' is not a declared item"),
    ("item condition naming a rating the item lacks",
     set_at((*A4, "when", "rating"), "salience"),
     "domains[0].items[3].when.rating: 'salience' is not a rating of item 'A3'"),
    ("item condition at a point not on the scale",
     set_at((*A4, "when", "at_least"), "extreme"),
     "domains[0].items[3].when.at_least: 'extreme' is not a point of scale 'presence'"),
    ("item condition on a numeric scale",
     set_at((*A4, "when"), {"item": "N1", "at_least": "five"}),
     "domains[0].items[3].when.at_least: a condition needs an ordered scale with points; "
     "'count' is numeric"),
    ("item condition on an unordered rating",
     set_at((*A4, "when"), {"item": "C1", "rating": "when", "at_least": "now"}),
     "domains[0].items[3].when.at_least: a condition needs an ordered scale with points; "
     "'when' is not ordered"),
    ("item condition on itself",
     set_at((*A4, "when", "item"), "A4"),
     "domains[0].items[3].when.item: an item cannot depend on itself"),
    ("a cycle of item conditions",
     set_at(("domains", 0, "items", 2, "when"), {"item": "A4", "at_least": "present"}),
     "domains[0].items[2].when.item: conditions go round in a circle back to 'A3'"),
    ("direction on an unordered scale",
     set_at(("scales", 3, "direction"), "concern"),
     "scales[3].direction: a scale whose points are not ordered has no direction"),
    ("an unordered numeric scale",
     set_at(("scales", 4, "ordered"), False),
     "scales[4].ordered: a numeric scale is always ordered"),
    ("an unknown direction",
     set_at(("scales", 0, "direction"), "risk"),
     "scales[0].direction: 'risk' is not one of ['concern', 'protection']"),
    ("both scale and ratings",
     set_at((*A1, "scale"), "presence"),
     "domains[0].items[0]: give either scale (one rating) or ratings (several), not both"),
    ("neither scale nor ratings",
     delete_at((*A1, "ratings")),
     "domains[0].items[0]: give either scale (one rating) or ratings (several), not neither"),
    ("a rating on a scale that does not exist",
     set_at((*A1, "ratings", 1, "scale"), "salience"),
     "domains[0].items[0].ratings[1].scale: 'salience' is not a declared scale"),
    ("two ratings with one code",
     set_at((*A1, "ratings", 1, "code"), "presence"),
     "domains[0].items[0].ratings[1].code: duplicate rating code 'presence'"),
    ("formulation only on a domain judgement",
     set_at(("domains", 0, "judgement", "formulation_only"), True),
     "domains[0].judgement.formulation_only: only the overall judgement can be a formulation "
     "only"),
    ("formulation only with options",
     set_at(("overall_judgement", "options"), [{"code": "low", "label": en("Low")},
                                               {"code": "high", "label": en("High")}]),
     "overall_judgement.options: a judgement that is a formulation only has no options"),
    ("a judgement with neither options nor formulation only",
     delete_at(("overall_judgement", "formulation_only")),
     "overall_judgement.options: is required (or formulation_only: true"),
    ("a domain judgement with one option",
     set_at(("domains", 0, "judgement", "options"), [{"code": "low", "label": en("Low")}]),
     "domains[0].judgement.options: should have at least 2 options"),
    ("subscale of a rating an item lacks",
     set_at(("subscales", 1, "items"), ["A1", "P1"]),
     "subscales[1].items[1]: item 'P1' has no rating 'influence'"),
    ("subscale of an unordered rating",
     all_of(set_at(("subscales", 1, "rating"), "when"), set_at(("subscales", 1, "items"),
                                                              ["C1"])),
     "subscales[1].items[0]: item 'C1' is rated on scale 'when', whose points are not ordered"),
    ("threshold on an unordered scale",
     set_at(("outputs", 1, "threshold"), {"when": "now"}),
     "outputs[1].threshold.when: scale 'when' is not ordered"),
    ("additional factors with a maximum of 0",
     set_at(("domains", 0, "additional_factors", "max"), 0),
     "domains[0].additional_factors.max: 0 is less than the minimum of 1"),
    ("additional factors for the instrument with a maximum of 0",
     set_at(("additional_factors", "max"), 0),
     "additional_factors.max: 0 is less than the minimum of 1"),
    ("additional factors without a maximum",
     delete_at(("additional_factors", "max")),
     "additional_factors.max: is required"),
    ("additional factors on a scale that does not exist",
     set_at(("additional_factors", "scale"), "salience"),
     "additional_factors.scale: 'salience' is not a declared scale"),
    ("a point called not_applicable",
     set_at(("scales", 0, "points", 0, "code"), "not_applicable"),
     "scales[0].points[0].code: 'not_applicable' is reserved"),
    ("not applicable allowed as a word",
     set_at((*A1, "not_applicable_allowed"), "yes"),
     "domains[0].items[0].not_applicable_allowed: 'yes' is not of type 'boolean'"),
]


@pytest.mark.parametrize(("mutate", "expected"), named(INVALID))
def test_it_refuses_bad_format_2_input_naming_the_field_at_fault(mutate, expected):
    errors = errors_after(mutate, base())

    assert any(error.startswith(expected) for error in errors), errors


def test_formulation_only_is_refused_on_a_screening_s_outcomes():
    data = base()
    data["kind"] = "screening"
    data["outcomes"] = {"formulation_only": True}
    data["bias_check"] = {"questions": [{"code": "q1", "text": en("Bias?")}]}

    errors = errors_of(data)

    assert any(e.startswith("outcomes.formulation_only: only the overall judgement can be a "
                            "formulation only") for e in errors), errors


FORMAT_1_GATE = [
    ("direction", set_at(("scales", 0, "direction"), "concern"), "scales[0].direction"),
    ("ordered", set_at(("scales", 3, "ordered"), False), "scales[3].ordered"),
    ("ratings", set_at(A1, _item("A1")), "domains[0].items[0].ratings"),
    ("not_applicable_allowed", set_at((*A1, "not_applicable_allowed"), True),
     "domains[0].items[0].not_applicable_allowed"),
    ("when", set_at((*A1, "when"), {"item": "A3", "at_least": "present"}),
     "domains[0].items[0].when"),
    ("judgement", set_at(("domains", 0, "judgement"), {"options": [
        {"code": "low", "label": en("Low")}, {"code": "high", "label": en("High")}]}),
     "domains[0].judgement"),
    ("domain additional_factors", set_at(("domains", 0, "additional_factors"),
                                         {"max": 1, "scale": "presence"}),
     "domains[0].additional_factors"),
    ("additional_factors", set_at(("additional_factors",), {"max": 1, "scale": "presence"}),
     "additional_factors"),
    ("formulation_only", set_at(("overall_judgement",), {"formulation_only": True}),
     "overall_judgement.formulation_only"),
    ("subscale rating", set_at(("subscales", 0, "rating"), "presence"), "subscales[0].rating"),
]


def format_1() -> dict[str, Any]:
    """The same instrument written in format 1: one scale per item, nothing of format 2."""
    data = base()
    data["format"] = 1
    for scale in data["scales"]:
        scale.pop("direction", None)
        scale.pop("ordered", None)
    for domain in data["domains"]:
        domain.pop("judgement", None)
        domain.pop("additional_factors", None)
        for item in domain["items"]:
            item.pop("when", None)
            item.pop("not_applicable_allowed", None)
            if "ratings" in item:
                item["scale"] = item.pop("ratings")[0]["scale"]
    del data["additional_factors"]
    data["overall_judgement"] = {"options": [{"code": "low", "label": en("Low")},
                                             {"code": "high", "label": en("High")}]}
    for subscale in data["subscales"]:
        subscale.pop("rating", None)
    for item in data["domains"][1]["items"][:2]:
        item["protective"] = True  # what the protection scale's direction says in format 2
    return data


def test_the_format_1_version_of_the_test_instrument_loads():
    definition = parse(format_1())

    assert definition.format == 1
    assert not any(item.named_ratings for item in definition.items)


@pytest.mark.parametrize(("mutate", "path"), named(FORMAT_1_GATE))
def test_a_format_1_file_using_a_format_2_field_is_refused(mutate, path):
    errors = errors_after(mutate, format_1())

    assert f"{path}: needs format: 2 (this file declares format: 1)" in errors, errors


# --- refusals of one rating, with their reason ---------------------------------------------------


@pytest.mark.parametrize(("item_code", "rating", "context", "reason", "params"), [
    ("A3", NOT_APPLICABLE, None, "not_applicable_not_allowed", {}),
    ("P2", NOT_APPLICABLE, None, "not_applicable_not_allowed", {}),
    ("A1", {"presence": "not_present", "influence": "some"}, None, "rating_not_asked",
     {"rating": "influence", "other": "presence", "at_least": "partly_present"}),
    ("A1", {"presence": UNKNOWN, "influence": "some"}, None, "rating_not_asked",
     {"rating": "influence", "other": "presence", "at_least": "partly_present"}),
    ("A1", {"influence": "some"}, None, "rating_not_asked",
     {"rating": "influence", "other": "presence", "at_least": "partly_present"}),
    ("C1", {"presence": "not_present", "when": "now"}, None, "rating_not_asked",
     {"rating": "when", "other": "presence", "at_least": "partly_present"}),
    ("A1", {"presence": "present", "salience": "high"}, None, "no_such_rating",
     {"rating": "salience", "expected": "presence, influence"}),
    ("A1", "present", None, "not_named_ratings", {"expected": "presence, influence"}),
    ("A1", {}, None, "not_named_ratings", {"expected": "presence, influence"}),
    ("A4", {"presence": "present"}, {"A3": {"presence": "not_present"}}, "item_not_asked",
     {"other": "A3 presence", "at_least": "partly_present"}),
    ("A4", {"presence": "present"}, {}, "item_not_asked",
     {"other": "A3 presence", "at_least": "partly_present"}),
    ("A4", NOT_APPLICABLE, {"A3": {"presence": "present"}}, "not_applicable_not_allowed", {}),
    ("A1", {"presence": "present", "influence": "extreme"}, None, "off_scale",
     {"rating": "influence"}),
    ("N1", UNKNOWN, None, "unknown_not_allowed", {}),
])
def test_it_refuses_a_rating_with_its_item_and_reason(item_code, rating, context, reason,
                                                      params):
    with pytest.raises(RatingError) as caught:
        validate_rating(DEFINITION, item_code, rating, context)

    # (a named rating off its scale names the rating too: "A1 influence")
    assert caught.value.item_code.split()[0] == item_code
    assert caught.value.reason == reason
    assert caught.value.params == params
    with translation.override("en"):
        message = labels.rating_error_message(DEFINITION, caught.value, "en")
    assert message.startswith(item_code)


@pytest.mark.parametrize(("item_code", "rating", "context"), [
    ("A1", NOT_APPLICABLE, None),
    ("A1", {"presence": "partly_present", "influence": "some"}, None),
    ("A1", {"presence": "present"}, None),  # influence may wait
    ("A1", {"presence": UNKNOWN}, None),
    ("C1", {"presence": "present", "when": "past"}, None),
    ("A4", {"presence": "present"}, {"A3": {"presence": "partly_present"}}),
    ("A4", {"presence": "present"}, None),  # without context the condition is not checked
    ("P1", NOT_APPLICABLE, None),
    ("N1", 7, None),
])
def test_it_accepts_a_rating_that_honours_every_rule(item_code, rating, context):
    validate_rating(DEFINITION, item_code, rating, context)


def test_the_reason_a_conditional_item_is_refused_reads_with_the_point_s_label():
    with pytest.raises(RatingError) as caught:
        validate_rating(DEFINITION, "A4", {"presence": "present"}, {"A3": {"presence": UNKNOWN}})

    with translation.override("en"):
        message = labels.rating_error_message(DEFINITION, caught.value, "en")

    assert message == ("A4 is asked only when A3 presence is at least “Partly present”; leave it "
                       "unrated, or change A3 presence first.")


def test_an_additional_factor_is_checked_against_its_slot():
    validate_factor(DEFINITION, "d1", {"presence": "present", "influence": "strong"})
    validate_factor(DEFINITION, "", "partly_present")
    with pytest.raises(RatingError) as not_asked:
        validate_factor(DEFINITION, "d1", {"presence": "not_present", "influence": "strong"})
    with pytest.raises(RatingError) as no_slot:
        validate_factor(DEFINITION, "d2", "present")
    with pytest.raises(RatingError) as bare:
        validate_factor(DEFINITION, "d1", "present")

    assert not_asked.value.reason == "rating_not_asked"
    assert no_slot.value.reason == "no_additional_factors"
    assert bare.value.reason == "not_named_ratings"


def test_factor_slots_are_per_domain_then_for_the_instrument():
    slots = DEFINITION.factor_slots

    assert [(slot.domain, slot.maximum) for slot in slots] == [("d1", 2), ("", 3)]
    assert DEFINITION.factor_slot("d2") is None
    assert slots[0].named_ratings and not slots[1].named_ratings
    assert slots[0].evidence_required  # the default: a factor an assessor adds needs evidence


# --- (f) the shipped format-2 reference instrument ---------------------------------------------


REFERENCE_PATH = REFERENCE_DIR / "structured-profile-v2.yaml"
REFERENCE = load_definition(REFERENCE_PATH)

# A full answer set (tests/conftest.py: the comments there give each value the expected outputs
# below are computed from).
FULL = PROFILE_ANSWERS


def test_the_reference_instrument_uses_every_feature_of_format_2():
    d = REFERENCE
    items = {item.code: item for item in d.items}

    assert d.format == 2 and d.code == "alliance-structured-profile"
    assert d.languages == ("en", "sq", "sr-latn", "mk", "sr", "bs", "hr", "cnr")
    # several named ratings per item, a later one with a condition on the first
    assert [spec.code for spec in items["EN1"].ratings] == ["presence", "influence"]
    influence = items["EN1"].rating_spec("influence")
    assert (influence.when.rating, influence.when.at_least) == ("presence", "partly_present")
    # a conditional item
    assert (items["IN3"].when.item, items["IN3"].when.rating,
            items["IN3"].when.at_least) == ("IN1", "presence", "partly_present")
    # not applicable where allowed, and only there
    assert {c for c, item in items.items() if item.not_applicable_allowed} == {"CA1", "PR2"}
    # a direction per scale, and an unordered scale (no direction)
    assert {s.code: s.direction for s in d.scales if s.ordered} == {
        "presence": Direction.CONCERN, "influence": Direction.CONCERN,
        "protection": Direction.PROTECTION}
    assert [s.code for s in d.scales if not s.ordered] == ["timeframe"]
    assert d.direction(items["CA1"], "timeframe") is None
    assert {c for c, item in items.items() if d.is_protective(item)} == {"PR1", "PR2"}
    # judgements per domain, where a domain asks for one
    assert {dom.code: [o.code for o in dom.judgement.options] if dom.judgement else None
            for dom in d.domains} == {
        "engagement": ["low", "moderate", "high"], "intent": ["low", "moderate", "high"],
        "capability": ["low", "moderate", "high"], "protective": None}
    # additional factors per domain and for the whole instrument, each with a maximum
    assert [(s.domain, s.maximum, [r.code for r in s.ratings]) for s in d.factor_slots] == [
        ("engagement", 2, ["presence", "influence"]), ("", 3, [""])]
    # an overall judgement that is a formulation only
    assert d.overall_judgement.formulation_only and d.overall_judgement.options == ()
    # a subscale of a named rating other than the first
    assert d.subscale("engagement_influence").rating == "influence"
    # the outputs: profile, needs, strengths, unknowns and change
    assert [o.type.value for o in d.outputs] == ["subscales", "needs", "protective_factors",
                                                  "unknowns", "change"]
    # and every text in the eight languages
    for language in d.languages:
        assert d.item("IN3").text.get(language) and d.domain("intent").description.get(language)


def test_the_full_answer_set_is_complete_and_valid():
    evidence = {code: "Seen in the file" for code in FULL}

    assert incomplete_items(REFERENCE, FULL, evidence) == {}
    for code, rating in FULL.items():
        validate_rating(REFERENCE, code, rating, FULL)


def _outputs(definition: InstrumentDefinition, ratings: dict, previous: dict | None = None):
    results = compute_outputs(definition, ratings, previous)
    return {
        "profile": {code: (r.value, r.answered, r.unknown, r.missing, r.not_applicable)
                    for code, r in results["profile"].value.items()},
        "needs": results["needs"].value,
        "strengths": results["strengths"].value,
        "unknowns": (results["unknowns"].value.total, results["unknowns"].value.by_domain),
        "domains": {code: (p.concern, p.protection, p.rated, p.unknown, p.not_applicable,
                           p.items) for code, p in domain_profile(definition, ratings).items()},
    }


def test_the_reference_instrument_scores_the_full_answer_set_as_computed_by_hand():
    outputs = _outputs(REFERENCE, FULL)

    assert outputs["profile"] == {
        # (value, answered, unknown, missing, not applicable or not asked)
        "engagement": (3, 3, 0, 0, 0),  # 2 + 1 + 0
        "engagement_influence": (3, 2, 0, 0, 1),  # 2 + 1; EN3's influence not asked
        "intent": (3, 2, 1, 0, 0),  # 1 + unknown + 2
        "capability": (3, 2, 0, 0, 0),  # 2 + 1
        "protection": (2.0, 1, 0, 0, 1),  # mean of PR1 alone: PR2 does not apply
    }
    assert outputs["needs"] == {  # presence at least partly present, in item order
        "identity_belonging": ("EN1",),
        "attitudes_to_violence": ("EN2", "IN1", "IN3"),
        "social_network": ("IN1", "CA1"),
        "thinking_behaviour": ("EN2", "IN3", "CA2"),
    }
    assert outputs["strengths"] == ("PR1",)
    assert outputs["unknowns"] == (1, {"engagement": 0, "intent": 1, "capability": 0,
                                       "protective": 0})
    assert outputs["domains"] == {
        # (concern, protection, rated, unknown, not applicable, items): shares of the scale
        "engagement": (0.5, None, 3, 0, 0, 3),  # (1 + 0.5 + 0) / 3
        "intent": (0.75, None, 3, 1, 0, 3),  # (0.5 + 1) / 2
        "capability": (0.75, None, 2, 0, 0, 2),  # (1 + 0.5) / 2
        "protective": (None, 1.0, 2, 0, 1, 2),
    }


def test_the_reference_instrument_scores_deterministically():
    first = _outputs(REFERENCE, FULL)
    again = _outputs(load_definition(REFERENCE_PATH), json.loads(json.dumps(FULL)))

    assert first == again
    assert load_definition(REFERENCE_PATH).content_hash == REFERENCE.content_hash


def test_the_reference_comparison_shows_a_protective_factor_lost_as_worse():
    before = {**FULL, "PR1": "strong", "EN1": {"presence": "present", "influence": "strong"}}
    after = {**FULL, "PR1": "partial", "EN1": {"presence": "partly_present",
                                               "influence": "strong"}}

    changes = compare_ratings(REFERENCE, before, after)

    assert (changes["PR1"].change, changes["PR1"].direction, changes["PR1"].concern) == (
        Change.DOWN, "protection", Concern.WORSE)
    assert (changes["EN1:presence"].change, changes["EN1:presence"].concern) == (
        Change.DOWN, Concern.BETTER)
    assert changes["EN1:influence"].change is Change.UNCHANGED
    assert changes["PR2"].change is Change.NOT_APPLICABLE
    assert changes["EN3:influence"].change is Change.NOT_APPLICABLE
    assert changes["CA1:timeframe"].direction == ""
    with translation.override("en"):
        assert labels.change_label(changes["PR1"].change, changes["PR1"].direction) == \
            "less protection"
        assert labels.concern_class(changes["PR1"].concern) == "danger"
        assert labels.answer_label(REFERENCE, REFERENCE.item("EN1"), after["EN1"], "en") == \
            "Partly present · Influence on offending: Strong"
        assert labels.answer_label(REFERENCE, REFERENCE.item("PR2"), NOT_APPLICABLE, "en") == \
            "Not applicable"


def test_the_reference_instrument_refuses_what_its_conditions_forbid():
    with pytest.raises(RatingError) as item_not_asked:
        validate_rating(REFERENCE, "IN3", {"presence": "present"},
                        {**FULL, "IN1": {"presence": "not_present"}})
    with pytest.raises(RatingError) as not_applicable:
        validate_rating(REFERENCE, "EN1", NOT_APPLICABLE)

    assert item_not_asked.value.reason == "item_not_asked"
    assert not_applicable.value.reason == "not_applicable_not_allowed"
