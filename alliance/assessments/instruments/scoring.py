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
    NOT_APPLICABLE,
    RATING_SEPARATOR,
    RESERVED,
    UNKNOWN,
    Direction,
    InstrumentDefinition,
    Item,
    OutputType,
    RatingSpec,
    ScaleType,
)

# A rating: a point code, a number, UNKNOWN or NOT_APPLICABLE; an item with named ratings
# (format 2) is answered with a mapping {rating code: rating} (or NOT_APPLICABLE for the item).
Rating = str | int | float | Mapping[str, str | int | float]
Ratings = Mapping[str, Rating]


class RatingError(ValueError):
    """A rating the item's scale does not allow; the message names the item and the scale."""

    # Why, for a translated message: off_scale, unknown_not_allowed, not_applicable_not_allowed,
    # item_not_asked (its condition on another item is unmet), rating_not_asked (a named rating
    # whose condition on an earlier rating is unmet), not_named_ratings, no_such_rating.
    def __init__(self, item_code: str, message: str, reason: str = "off_scale",
                 **params: str) -> None:
        self.item_code = item_code
        self.reason = reason
        self.params = params
        super().__init__(f"{item_code}: {message}")


# --- one rating ------------------------------------------------------------------------------


def validate_rating(
    definition: InstrumentDefinition,
    item_code: str,
    rating: object,
    context: Ratings | None = None,
) -> None:
    """Raise RatingError unless `rating` is what the item allows: a value on its scale (or
    UNKNOWN, or NOT_APPLICABLE where allowed), or for an item with named ratings a mapping
    {rating code: value} that answers only the ratings whose conditions are met.

    With `context` (the assessment's other ratings), a conditional item rated while its
    condition is not met is refused too."""
    item = _item(definition, item_code)
    if rating == NOT_APPLICABLE:
        if not item.not_applicable_allowed:
            raise RatingError(item.code, f"{NOT_APPLICABLE!r} is not allowed for this item",
                              "not_applicable_not_allowed")
        return
    if context is not None and not item_asked(definition, item, context):
        when = item.when
        raise RatingError(item.code, f"is asked only when {_named(when.item, when.rating)} is at "
                          f"least {when.at_least!r}", "item_not_asked",  # type: ignore[union-attr]
                          other=_named(when.item, when.rating),  # type: ignore[union-attr]
                          at_least=when.at_least)  # type: ignore[union-attr]
    _validate_answer(definition, item.code, item.ratings, item.unknown_allowed, rating)


def _validate_answer(
    definition: InstrumentDefinition,
    owner: str,
    specs: tuple[RatingSpec, ...],
    unknown_allowed: bool,
    rating: object,
) -> None:
    """One item's (or additional factor's) answer: a bare value, or named values."""
    if not specs[0].code:
        _validate_value(definition, owner, specs[0].scale, unknown_allowed, rating)
        return
    if not isinstance(rating, Mapping) or not rating:
        names = ", ".join(spec.code for spec in specs)
        raise RatingError(owner, f"{rating!r} is not a set of ratings (expected: {names})",
                          "not_named_ratings", expected=names)
    by_code = {spec.code: spec for spec in specs}
    for code in rating:
        if code not in by_code:
            raise RatingError(owner, f"{code!r} is not one of its ratings "
                              f"({', '.join(by_code)})", "no_such_rating", rating=str(code),
                              expected=", ".join(by_code))
    for spec in specs:
        if spec.code not in rating:
            continue
        _validate_value(definition, owner, spec.scale, unknown_allowed, rating[spec.code],
                        spec.code)
        if spec.when and not _met(definition, by_code[spec.when.rating].scale,
                                  rating.get(spec.when.rating), spec.when.at_least):
            raise RatingError(owner, f"{spec.code} is rated only when {spec.when.rating} is at "
                              f"least {spec.when.at_least!r}", "rating_not_asked",
                              rating=spec.code, other=spec.when.rating,
                              at_least=spec.when.at_least)


def _validate_value(
    definition: InstrumentDefinition, owner: str, scale_code: str, unknown_allowed: bool,
    rating: object, rating_code: str = "",
) -> None:
    scale = definition.scale(scale_code)
    # The error names the item (item_code) and, in its text and params, the named rating.
    what = f"{rating_code} " if rating_code else ""
    extra = {"rating": rating_code} if rating_code else {}
    if rating == UNKNOWN:
        if not unknown_allowed:
            raise RatingError(owner, f"{what}{UNKNOWN!r} is not allowed for this item",
                              "unknown_not_allowed", **extra)
        return
    if scale.type is ScaleType.NUMERIC:
        # bool is an int in Python; True would otherwise pass as the number 1.
        if isinstance(rating, bool) or not isinstance(rating, int | float):
            raise RatingError(owner, f"{what}{rating!r} is not a number (scale {scale.code!r})",
                              **extra)
        if not math.isfinite(rating) or not scale.lowest <= rating <= scale.highest:
            raise RatingError(
                owner, f"{what}{rating!r} is outside scale {scale.code!r} "
                f"({_number(scale.lowest)} to {_number(scale.highest)})", **extra
            )
        if scale.integer and rating != int(rating):
            raise RatingError(owner, f"{what}{rating!r} is not a whole number (scale "
                              f"{scale.code!r})", **extra)
        return
    if not isinstance(rating, str) or scale.point(rating) is None:
        allowed = [point.code for point in scale.points]
        if unknown_allowed:
            allowed.append(UNKNOWN)
        raise RatingError(
            owner, f"{what}{rating!r} is not a rating on scale {scale.code!r} "
            f"(expected one of: {', '.join(allowed)})", **extra
        )


def validate_factor(definition: InstrumentDefinition, domain: str, rating: object) -> None:
    """An additional factor's answer, against the ratings its slot (domain, or "") declares."""
    slot = definition.factor_slot(domain)
    if slot is None:
        raise RatingError(domain or "instrument", "takes no additional factors",
                          "no_additional_factors")
    _validate_answer(definition, "+", slot.ratings, slot.unknown_allowed, rating)


def validate_ratings(definition: InstrumentDefinition, ratings: Ratings) -> dict[str, str]:
    """Every invalid rating at once, item code -> message; empty when all are valid (for forms)."""
    problems: dict[str, str] = {}
    for item_code, rating in ratings.items():
        try:
            validate_rating(definition, item_code, rating, ratings)
        except RatingError as exc:
            problems[item_code] = str(exc)
    return problems


def answer_values(item: Item, rating: object) -> dict[str, Rating]:
    """An answer as {rating code: value}: "" for a one-rating item; NOT_APPLICABLE or a missing
    answer gives {}."""
    if rating is None or rating == NOT_APPLICABLE:
        return {}
    if item.named_ratings:
        return dict(rating) if isinstance(rating, Mapping) else {}
    return {"": rating}  # type: ignore[dict-item]


def _value_on(definition: InstrumentDefinition, scale_code: str, rating: object) -> float | None:
    if rating is None or rating in RESERVED:
        return None
    scale = definition.scale(scale_code)
    if scale.type is ScaleType.NUMERIC:
        return rating  # type: ignore[return-value]
    point = scale.point(rating) if isinstance(rating, str) else None
    return point.value if point else None


def _met(definition: InstrumentDefinition, scale_code: str, rating: object, at_least: str) -> bool:
    """Is a rating at or above a point? UNKNOWN, NOT_APPLICABLE and no rating are not."""
    value = _value_on(definition, scale_code, rating)
    threshold = definition.scale(scale_code).point(at_least)
    return value is not None and threshold is not None and value >= threshold.value


def item_asked(definition: InstrumentDefinition, item: Item, ratings: Ratings) -> bool:
    """Is a conditional item asked, given the other ratings? (Unconditional items always are.)"""
    seen: set[str] = set()
    while item.when is not None and item.code not in seen:
        seen.add(item.code)
        target = definition.item(item.when.item)
        spec = target.rating_spec(item.when.rating) if item.when.rating else target.primary
        value = answer_values(target, ratings.get(target.code)).get(spec.code)  # type: ignore[union-attr]
        if not _met(definition, spec.scale, value, item.when.at_least):  # type: ignore[union-attr]
            return False
        item = target
    return True


def asked_ratings(
    definition: InstrumentDefinition, item: Item, rating: object
) -> tuple[RatingSpec, ...]:
    """The ratings of an item its own answer asks for: each rating whose condition on an
    earlier rating of the same item is met."""
    values = answer_values(item, rating)
    by_code = {spec.code: spec for spec in item.ratings}
    return tuple(
        spec for spec in item.ratings
        if spec.when is None
        or _met(definition, by_code[spec.when.rating].scale, values.get(spec.when.rating),
                spec.when.at_least)
    )


def score(
    definition: InstrumentDefinition, item_code: str, rating: Rating, rating_code: str = ""
) -> float | None:
    """The number a valid rating stands for (a point's value, or the number); None for UNKNOWN,
    NOT_APPLICABLE, or a named rating that was not given. `rating_code` picks a named rating
    (default: the item's first)."""
    validate_rating(definition, item_code, rating)
    item = definition.item(item_code)
    spec = item.rating_spec(rating_code) if rating_code else item.primary
    if spec is None:
        raise RatingError(item_code, f"has no rating {rating_code!r}")
    return _value_on(definition, spec.scale, answer_values(item, rating).get(spec.code))


def incomplete_items(
    definition: InstrumentDefinition,
    ratings: Ratings,
    evidence: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """What stops submission, item code -> "not rated", "not rated: <rating code>", "not asked"
    (rated although its condition is not met) or "evidence is required".

    UNKNOWN and NOT_APPLICABLE count as rated (a known unknown is an answer); when the item
    requires evidence, the evidence says what information is missing, or why it does not apply.
    """
    evidence = evidence or {}
    problems: dict[str, str] = {}
    for item in definition.items:
        rating = ratings.get(item.code)
        if not item_asked(definition, item, ratings):
            if rating is not None:
                problems[item.code] = "not asked"
            continue
        if rating is None:
            if item.required:
                problems[item.code] = "not rated"
            continue
        if item.named_ratings and rating != NOT_APPLICABLE:
            values = answer_values(item, rating)
            missing = [spec.code for spec in asked_ratings(definition, item, rating)
                       if spec.required and spec.code not in values]
            if missing:
                problems[item.code] = "not rated: " + missing[0]
                continue
        if item.evidence_required and not evidence.get(item.code, "").strip():
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
        domain.code: sum(
            1 for item in domain.items
            if answer_values(item, ratings.get(item.code)).get(item.primary.code) == UNKNOWN
            and item_asked(definition, item, ratings)
        )
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
    not_applicable: int = 0  # not applicable, or not asked: as if not in the subscale


def compute_subscale(
    definition: InstrumentDefinition, subscale_code: str, ratings: Ratings
) -> SubscaleResult:
    """Sum or mean of the subscale's known ratings; UNKNOWN and unrated items are left out and
    counted, and the value is None when too few items are known to say anything."""
    subscale = definition.subscale(subscale_code)
    values: list[float] = []
    unknown = missing = excluded = 0
    for item_code in subscale.items:
        item = definition.item(item_code)
        spec = item.rating_spec(subscale.rating) if subscale.rating else item.primary
        rating = ratings.get(item_code)
        if rating is None:
            if item_asked(definition, item, ratings):
                missing += 1
            else:
                excluded += 1
            continue
        validate_rating(definition, item_code, rating)
        # Not applicable, or not asked (its condition unmet): the item is not part of the
        # subscale for this person; it neither adds nor counts as missing.
        if (rating == NOT_APPLICABLE or not item_asked(definition, item, ratings)
                or spec not in asked_ratings(definition, item, rating)):
            excluded += 1
            continue
        raw = answer_values(item, rating).get(spec.code)  # type: ignore[union-attr]
        if raw is None:
            missing += 1
            continue
        value = _value_on(definition, spec.scale, raw)  # type: ignore[union-attr]
        if value is None:
            unknown += 1
            continue
        if item_code in subscale.reversed_items:
            scale = definition.scale(spec.scale)  # type: ignore[union-attr]
            value = scale.lowest + scale.highest - value
        values.append(value)
    result: float | None = None
    # An incomplete sum reads lower than the truth, so below min_answered there is no number.
    # Items that do not apply lower the bar: they are out of the subscale, not unanswered.
    needed = min(subscale.min_answered, len(subscale.items) - excluded)
    if values and len(values) >= needed:
        result = sum(values) if subscale.method == "sum" else sum(values) / len(values)
    return SubscaleResult(
        code=subscale.code,
        value=result,
        answered=len(values),
        unknown=unknown,
        missing=missing,
        advisory=subscale.advisory,
        not_applicable=excluded,
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
    NOT_APPLICABLE = "not_applicable"  # not applicable (or not asked) on either side: no change


class Concern(StrEnum):
    """What a move means for the person, by the rating's direction."""

    WORSE = "worse"  # more concern, or less protection
    BETTER = "better"  # less concern, or more protection
    NONE = ""  # no move, or a scale without direction


@dataclass(frozen=True)
class ItemChange:
    item_code: str
    change: Change
    before: Rating | None
    after: Rating | None
    rating: str = ""  # the named rating (format 2); "" for an item's one rating
    direction: str = ""  # Direction of the rating's scale; "" when unordered
    concern: Concern = Concern.NONE

    @property
    def key(self) -> str:
        return change_key(self.item_code, self.rating)


def change_key(item_code: str, rating: str = "") -> str:
    """'E1' for an item's one rating, 'E1:influence' for a named rating."""
    return f"{item_code}{RATING_SEPARATOR}{rating}" if rating else item_code


def concern_of(change: Change, direction: Direction | str | None) -> Concern:
    """Up is more concern on a concern scale and more protection on a protection scale: a
    protective factor lost is bad news, never green."""
    if change not in (Change.UP, Change.DOWN) or not direction:
        return Concern.NONE
    worse = (change is Change.UP) == (Direction(direction) is Direction.CONCERN)
    return Concern.WORSE if worse else Concern.BETTER


def compare_ratings(
    definition: InstrumentDefinition, before: Ratings, after: Ratings
) -> dict[str, ItemChange]:
    """How each rating moved between two assessments, in the instrument's item order, keyed by
    change_key (the item code for an item's one rating; 'item:rating' for named ratings).

    "up" means a higher value; `direction` and `concern` say what that means for the person (a
    higher rating is more concern on a risk item, more protection on a protective one). A rating
    not applicable, or not asked, on either side is NOT_APPLICABLE, never a move. Ratings given
    in neither assessment are left out.
    """
    _check_item_codes(definition, before)
    _check_item_codes(definition, after)
    changes: dict[str, ItemChange] = {}
    for item in definition.items:
        if item.code not in before and item.code not in after:
            continue
        old_raw, new_raw = before.get(item.code), after.get(item.code)
        for spec in item.ratings:
            old = _side(definition, item, spec, old_raw, before)
            new = _side(definition, item, spec, new_raw, after)
            if old is None and new is None:
                continue
            direction = definition.direction(item, spec.code)
            move = _direction(definition, spec, old, new)
            changes[change_key(item.code, spec.code)] = ItemChange(
                item.code, move, old, new, spec.code,
                direction.value if direction else "", concern_of(move, direction))
    return changes


def _side(
    definition: InstrumentDefinition, item: Item, spec: RatingSpec, raw: Rating | None,
    ratings: Ratings,
) -> Rating | None:
    """One side of a comparison: the rating's value, NOT_APPLICABLE when the item does not
    apply or the rating was not asked, None when the item was not rated at all."""
    if raw is None:
        # Not rated because it was not asked (its condition unmet) is not "no longer rated".
        return None if item_asked(definition, item, ratings) else NOT_APPLICABLE
    validate_rating(definition, item.code, raw)
    if (raw == NOT_APPLICABLE or not item_asked(definition, item, ratings)
            or spec not in asked_ratings(definition, item, raw)):
        return NOT_APPLICABLE
    return answer_values(item, raw).get(spec.code)


def _direction(
    definition: InstrumentDefinition, spec: RatingSpec, old: Rating | None, new: Rating | None
) -> Change:
    old_value = _value_on(definition, spec.scale, old)
    new_value = _value_on(definition, spec.scale, new)
    if NOT_APPLICABLE in (old, new):
        return Change.NOT_APPLICABLE
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
    if not definition.scale(spec.scale).ordered:
        return Change.UNCHANGED if old == new else Change.ADDED
    if new_value > old_value:
        return Change.UP
    if new_value < old_value:
        return Change.DOWN
    return Change.UNCHANGED


Threshold = Mapping[str, str | float]


def _at_or_above(
    definition: InstrumentDefinition, item: Item, rating: Rating, threshold: Threshold,
    ratings: Ratings,
) -> bool:
    """Is any asked rating of the item at or above the threshold set for its scale? Ratings on
    a scale the threshold does not name never count, nor do UNKNOWN, NOT_APPLICABLE and items
    whose condition is not met."""
    validate_rating(definition, item.code, rating)
    if rating == NOT_APPLICABLE or not item_asked(definition, item, ratings):
        return False
    values = answer_values(item, rating)
    for spec in asked_ratings(definition, item, rating):
        scale = definition.scale(spec.scale)
        value = _value_on(definition, spec.scale, values.get(spec.code))
        if scale.code not in threshold or value is None:
            continue
        level = threshold[scale.code]
        if scale.type is not ScaleType.NUMERIC:
            point = scale.point(str(level))
            if point is None:
                raise ValueError(f"{level!r} is not a point of scale {scale.code!r}")
            level = point.value
        if value >= level:
            return True
    return False


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
        if definition.is_protective(item) or item.code not in ratings:
            continue
        if _at_or_above(definition, item, ratings[item.code], threshold, ratings):
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
        if definition.is_protective(item)
        and item.code in ratings
        and _at_or_above(definition, item, ratings[item.code], threshold, ratings)
    )


@dataclass(frozen=True)
class DomainProfile:
    """How much of a domain is present, as a share of its scale (0 to 1), for concern and
    protection separately: the mean of the known primary ratings, each put on 0..1. None when
    nothing of that direction is known. Advisory, for the profile chart."""

    domain: str
    concern: float | None
    protection: float | None
    rated: int
    unknown: int
    not_applicable: int
    items: int


def domain_profile(definition: InstrumentDefinition, ratings: Ratings) -> dict[str, DomainProfile]:
    _check_item_codes(definition, ratings)
    profile: dict[str, DomainProfile] = {}
    for domain in definition.domains:
        shares: dict[Direction, list[float]] = {Direction.CONCERN: [], Direction.PROTECTION: []}
        rated = unknown = excluded = 0
        for item in domain.items:
            rating = ratings.get(item.code)
            if rating is None:
                continue
            rated += 1
            if rating == NOT_APPLICABLE or not item_asked(definition, item, ratings):
                excluded += 1
                continue
            raw = answer_values(item, rating).get(item.primary.code)
            value = _value_on(definition, item.primary.scale, raw)
            direction = definition.direction(item)
            if value is None:
                unknown += raw == UNKNOWN
                continue
            scale = definition.scale(item.primary.scale)
            if direction is None or scale.highest == scale.lowest:
                continue
            shares[direction].append((value - scale.lowest) / (scale.highest - scale.lowest))
        profile[domain.code] = DomainProfile(
            domain=domain.code,
            concern=_mean(shares[Direction.CONCERN]),
            protection=_mean(shares[Direction.PROTECTION]),
            rated=rated, unknown=unknown, not_applicable=excluded, items=len(domain.items))
    return profile


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


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


def _named(item_code: str, rating: str = "") -> str:
    return f"{item_code} {rating}" if rating else item_code


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
