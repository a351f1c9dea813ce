"""Ratings against an instrument definition: validation, subscales, change, needs. Pure functions.

A rating is what an assessor records for one item: a point code ("moderate"), "present"/"absent",
a number on a numeric scale, or UNKNOWN ("not enough information"). Ratings of one assessment are a
mapping item code -> rating; an item that is not in the mapping has not been rated yet.

Everything computed here is advisory (DOMAIN.md §5): it helps a professional's judgement and is
never a decision. Results carry the `advisory` flag the definition gives them so the interface can
say so; the overall judgement is always chosen by a person and never derived from these numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from alliance.assessments.instruments.definition import (
    UNKNOWN,
    InstrumentDefinition,
    Item,
    OutputType,
    ScaleType,
)

Rating = str | int | float
Ratings = Mapping[str, Rating]


class RatingError(ValueError):
    """A rating the item's scale does not allow; the message names the item and the scale."""

    def __init__(self, item_code: str, message: str) -> None:
        self.item_code = item_code
        super().__init__(f"{item_code}: {message}")


# --- one rating ------------------------------------------------------------------------------


def validate_rating(definition: InstrumentDefinition, item_code: str, rating: object) -> None:
    """Raise RatingError unless `rating` is a value the item's scale (or UNKNOWN) allows."""
    item = _item(definition, item_code)
    scale = definition.scale_of(item)
    if rating == UNKNOWN:
        if not item.unknown_allowed:
            raise RatingError(item.code, f"{UNKNOWN!r} is not allowed for this item")
        return
    if scale.type is ScaleType.NUMERIC:
        # bool is an int in Python; True would otherwise pass as the number 1.
        if isinstance(rating, bool) or not isinstance(rating, int | float):
            raise RatingError(item.code, f"{rating!r} is not a number (scale {scale.code!r})")
        if not math.isfinite(rating) or not scale.lowest <= rating <= scale.highest:
            raise RatingError(
                item.code, f"{rating!r} is outside scale {scale.code!r} "
                f"({_number(scale.lowest)} to {_number(scale.highest)})"
            )
        if scale.integer and rating != int(rating):
            raise RatingError(item.code, f"{rating!r} is not a whole number (scale {scale.code!r})")
        return
    if not isinstance(rating, str) or scale.point(rating) is None:
        allowed = [point.code for point in scale.points]
        if item.unknown_allowed:
            allowed.append(UNKNOWN)
        raise RatingError(
            item.code, f"{rating!r} is not a rating on scale {scale.code!r} "
            f"(expected one of: {', '.join(allowed)})"
        )


def validate_ratings(definition: InstrumentDefinition, ratings: Ratings) -> dict[str, str]:
    """Every invalid rating at once, item code -> message; empty when all are valid (for forms)."""
    problems: dict[str, str] = {}
    for item_code, rating in ratings.items():
        try:
            validate_rating(definition, item_code, rating)
        except RatingError as exc:
            problems[item_code] = str(exc)
    return problems


def score(definition: InstrumentDefinition, item_code: str, rating: Rating) -> float | None:
    """The number a valid rating stands for (a point's value, or the number); None for UNKNOWN."""
    validate_rating(definition, item_code, rating)
    if rating == UNKNOWN:
        return None
    scale = definition.scale_of(item_code)
    if scale.type is ScaleType.NUMERIC:
        return rating  # type: ignore[return-value]
    return scale.point(rating).value  # type: ignore[arg-type,union-attr]


def incomplete_items(
    definition: InstrumentDefinition,
    ratings: Ratings,
    evidence: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """What stops submission: required items not rated, ratings without required evidence.

    UNKNOWN counts as rated (a known unknown is an answer); when the item requires evidence, the
    evidence of an UNKNOWN says what information is missing.
    """
    evidence = evidence or {}
    problems: dict[str, str] = {}
    for item in definition.items:
        if item.code not in ratings:
            if item.required:
                problems[item.code] = "not rated"
        elif item.evidence_required and not evidence.get(item.code, "").strip():
            problems[item.code] = "evidence is required"
    return problems


# --- summaries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnknownCount:
    total: int
    by_domain: dict[str, int]


def count_unknowns(definition: InstrumentDefinition, ratings: Ratings) -> UnknownCount:
    """How many items are rated UNKNOWN, in total and per domain (many unknowns is a finding)."""
    _check_item_codes(definition, ratings)
    by_domain = {
        domain.code: sum(1 for item in domain.items if ratings.get(item.code) == UNKNOWN)
        for domain in definition.domains
    }
    return UnknownCount(total=sum(by_domain.values()), by_domain=by_domain)


@dataclass(frozen=True)
class SubscaleResult:
    code: str
    value: float | None  # None: fewer than min_answered items have a known rating
    answered: int
    unknown: int
    missing: int  # items not rated at all (yet)
    advisory: bool


def compute_subscale(
    definition: InstrumentDefinition, subscale_code: str, ratings: Ratings
) -> SubscaleResult:
    """Sum or mean of the subscale's known ratings; UNKNOWN and unrated items are left out and
    counted, and the value is None when too few items are known to say anything."""
    subscale = definition.subscale(subscale_code)
    values: list[float] = []
    unknown = missing = 0
    for item_code in subscale.items:
        if item_code not in ratings:
            missing += 1
            continue
        value = score(definition, item_code, ratings[item_code])
        if value is None:
            unknown += 1
            continue
        if item_code in subscale.reversed_items:
            scale = definition.scale_of(item_code)
            value = scale.lowest + scale.highest - value
        values.append(value)
    result: float | None = None
    # An incomplete sum reads lower than the truth, so below min_answered there is no number.
    if len(values) >= subscale.min_answered:
        result = sum(values) if subscale.method == "sum" else sum(values) / len(values)
    return SubscaleResult(
        code=subscale.code,
        value=result,
        answered=len(values),
        unknown=unknown,
        missing=missing,
        advisory=subscale.advisory,
    )


def compute_subscales(
    definition: InstrumentDefinition, ratings: Ratings, codes: tuple[str, ...] | None = None
) -> dict[str, SubscaleResult]:
    """The named subscales (all of them by default), in the order given."""
    codes = codes if codes is not None else tuple(s.code for s in definition.subscales)
    return {code: compute_subscale(definition, code, ratings) for code in codes}


class Change(StrEnum):
    UP = "up"
    DOWN = "down"
    UNCHANGED = "unchanged"
    NEWLY_UNKNOWN = "newly_unknown"
    NO_LONGER_UNKNOWN = "no_longer_unknown"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class ItemChange:
    item_code: str
    change: Change
    before: Rating | None
    after: Rating | None


def compare_ratings(
    definition: InstrumentDefinition, before: Ratings, after: Ratings
) -> dict[str, ItemChange]:
    """How each item moved between two assessments, in the instrument's item order.

    Direction is by value: "up" means a higher rating, which is a stronger concern for a risk item
    and a stronger protection for a protective one; the reader (or the interface) knows which.
    Items rated in neither assessment are left out.
    """
    _check_item_codes(definition, before)
    _check_item_codes(definition, after)
    changes: dict[str, ItemChange] = {}
    for item in definition.items:
        if item.code in before or item.code in after:
            old, new = before.get(item.code), after.get(item.code)
            direction = _direction(definition, item, old, new)
            changes[item.code] = ItemChange(item.code, direction, old, new)
    return changes


def _direction(
    definition: InstrumentDefinition, item: Item, old: Rating | None, new: Rating | None
) -> Change:
    # Score both sides first: an invalid rating is an error even when the other side is missing.
    old_value = None if old is None else score(definition, item.code, old)
    new_value = None if new is None else score(definition, item.code, new)
    if old is None:
        return Change.ADDED
    if new is None:
        return Change.REMOVED
    if old_value is None and new_value is None:
        return Change.UNCHANGED
    if new_value is None:
        return Change.NEWLY_UNKNOWN
    if old_value is None:
        return Change.NO_LONGER_UNKNOWN
    if new_value > old_value:
        return Change.UP
    if new_value < old_value:
        return Change.DOWN
    return Change.UNCHANGED


Threshold = Mapping[str, str | float]


def _at_or_above(
    definition: InstrumentDefinition, item: Item, rating: Rating, threshold: Threshold
) -> bool:
    """Is a rating at or above the threshold set for its scale? Items on a scale the threshold
    does not name never count, nor does UNKNOWN."""
    scale = definition.scale_of(item)
    value = score(definition, item.code, rating)
    if scale.code not in threshold or value is None:
        return False
    level = threshold[scale.code]
    if scale.type is not ScaleType.NUMERIC:
        point = scale.point(str(level))
        if point is None:
            raise ValueError(f"{level!r} is not a point of scale {scale.code!r}")
        level = point.value
    return value >= level


def summarise_needs(
    definition: InstrumentDefinition, ratings: Ratings, threshold: Threshold
) -> dict[str, tuple[str, ...]]:
    """Need area -> items rated at or above the threshold that map to it, in declaration order.

    Protective items are left out: a strong protective factor is a strength, not a need.
    Need areas with no such item are left out too.
    """
    _check_item_codes(definition, ratings)
    needs: dict[str, list[str]] = {area.code: [] for area in definition.need_areas}
    for item in definition.items:
        if item.protective or item.code not in ratings:
            continue
        if _at_or_above(definition, item, ratings[item.code], threshold):
            for area in item.need_areas:
                needs[area].append(item.code)
    return {area: tuple(codes) for area, codes in needs.items() if codes}


def protective_factors(
    definition: InstrumentDefinition, ratings: Ratings, threshold: Threshold
) -> tuple[str, ...]:
    """Protective items rated at or above the threshold: strengths a plan can build on."""
    _check_item_codes(definition, ratings)
    return tuple(
        item.code
        for item in definition.items
        if item.protective
        and item.code in ratings
        and _at_or_above(definition, item, ratings[item.code], threshold)
    )


@dataclass(frozen=True)
class OutputResult:
    code: str
    type: OutputType
    advisory: bool
    # subscales: dict[str, SubscaleResult]; needs: dict[str, tuple[str, ...]];
    # protective_factors: tuple[str, ...]; unknowns: UnknownCount;
    # change: dict[str, ItemChange], or None when there is no previous assessment.
    value: object


def compute_outputs(
    definition: InstrumentDefinition, ratings: Ratings, previous: Ratings | None = None
) -> dict[str, OutputResult]:
    """Every output the definition declares, computed from `ratings` (and `previous`, if any)."""
    results: dict[str, OutputResult] = {}
    for output in definition.outputs:
        threshold = dict(output.threshold)
        value: object
        match output.type:
            case OutputType.SUBSCALES:
                value = compute_subscales(definition, ratings, output.subscales)
            case OutputType.NEEDS:
                value = summarise_needs(definition, ratings, threshold)
            case OutputType.PROTECTIVE_FACTORS:
                value = protective_factors(definition, ratings, threshold)
            case OutputType.UNKNOWNS:
                value = count_unknowns(definition, ratings)
            case OutputType.CHANGE:
                value = None if previous is None else compare_ratings(definition, previous, ratings)
        results[output.code] = OutputResult(output.code, output.type, output.advisory, value)
    return results


# --- helpers ---------------------------------------------------------------------------------


def _item(definition: InstrumentDefinition, item_code: str) -> Item:
    if not definition.has_item(item_code):
        raise RatingError(
            item_code, f"is not an item of {definition.code} {definition.version}"
        )
    return definition.item(item_code)


def _check_item_codes(definition: InstrumentDefinition, ratings: Ratings) -> None:
    # A rating for an item the instrument does not have is a caller's mistake (often ratings
    # of another instrument version); silently ignoring it would hide that.
    for item_code in ratings:
        _item(definition, item_code)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
