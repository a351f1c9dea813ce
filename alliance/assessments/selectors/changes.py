"""An assessment against the one before it: which one that is (previous_of), which of its
answers this version can still read, what moved rating by rating (comparison, change_counts)
and the domain profile drawn now and then (profile_chart)."""

from collections import Counter

from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from alliance.core.i18n import current_language

from ..charts import profile_svg
from ..instruments import NOT_APPLICABLE
from ..instruments.definition import Direction
from ..instruments.scoring import (
    Change,
    Concern,
    RatingError,
    answer_values,
    asked_ratings,
    compare_ratings,
    concern_of,
    domain_profile,
    validate_rating,
)
from ..labels import change_label, concern_class, rating_name, value_label
from ..models import FINAL, Assessment
from .summary import ratings_map


def previous_of(assessment, among=None):
    """The assessment this one is compared with: the one it corrects, else the latest earlier
    final assessment of the same instrument for the person. `among`: every assessment of the
    person, already read with their ratings (the person page, for a reader of the treatment
    compartment): the previous one is taken from them rather than read again."""
    if among is not None:
        return _previous_among(assessment, among)
    if assessment.corrects_id:
        return assessment.corrects
    return (Assessment.objects.filter(
        person_id=assessment.person_id, status__in=FINAL,
        instrument_version__instrument_id=assessment.instrument_version.instrument_id,
        created_at__lt=assessment.created_at)
        .select_related("instrument_version").defer("instrument_version__definition").prefetch_related("ratings")
        .order_by("-created_at").first())


def _previous_among(assessment, among):
    if assessment.corrects_id:
        return next((a for a in among if a.pk == assessment.corrects_id), None) or (
            assessment.corrects)
    instrument = assessment.instrument_version.instrument_id
    earlier = [a for a in among if a.status in FINAL and a.created_at < assessment.created_at
               and a.instrument_version.instrument_id == instrument]
    return max(earlier, key=lambda a: a.created_at, default=None)


def _valid(definition, item_code, rating) -> bool:
    """Whether an earlier rating still means something under this version (same item code, a
    point its scale still has): across versions, only those are compared."""
    if not definition.has_item(item_code):
        return False
    try:
        validate_rating(definition, item_code, rating)
    except RatingError:
        return False
    return True


def readable_previous(definition, previous) -> dict:
    """The previous assessment's answers this version can still read."""
    if previous is None:
        return {}
    return {k: v for k, v in ratings_map(previous).items() if _valid(definition, k, v)}


_NO_PREVIOUS = object()


def comparison(assessment, previous=_NO_PREVIOUS) -> dict:
    """Rating by rating against the previous assessment (an item with named ratings has a row
    per rating), in the reader's words: labels for before and now, and what the move means by
    the rating's direction (a protective factor that went down is "less protection", in red).
    Additional factors are compared by name, case-insensitive, after the items."""
    previous = previous_of(assessment) if previous is _NO_PREVIOUS else previous
    if previous is None:
        return {"previous": None, "rows": [], "factors": []}
    definition, lang = assessment.instrument_version.parsed, current_language()
    changes = compare_ratings(definition, readable_previous(definition, previous),
                              ratings_map(assessment))
    rows, per_item = [], Counter(change.item_code for change in changes.values())
    for key, change in changes.items():
        item = definition.item(change.item_code)
        scale = definition.scale_for(item, change.rating)
        first = not rows or rows[-1]["code"] != item.code
        rows.append({
            "key": key, "item": item, "code": item.code, "text": item.text.get(lang),
            "rating_name": rating_name(definition, item, change.rating, lang)
            if change.rating else "",
            "first": first, "span": per_item[item.code], "change": change,
            "before": value_label(definition, scale.code, change.before, lang),
            "after": value_label(definition, scale.code, change.after, lang),
            "words": _words(change.change, change.direction, change.before, change.after),
            "badge": concern_class(change.concern),
            "protective": change.direction == Direction.PROTECTION,
        })
    return {"previous": previous, "rows": rows,
            "factors": _factor_changes(definition, previous, assessment, lang)}


def _words(change, direction: str, before, after) -> str:
    """What a move means, in words (labels.change_label); a category that changed on a scale
    without order (scoring calls it "added") is said to have changed."""
    if change == Change.ADDED and before is not None and after is not None:
        return gettext("changed")
    return change_label(change, direction)


def _factor_value(definition, slot, spec, factor):
    """One rating of an additional factor for a comparison: its value, NOT_APPLICABLE when
    its condition is not met, None when the factor was not named in that assessment."""
    if factor is None:
        return None
    values = answer_values(slot, factor.rating)
    if spec not in asked_ratings(definition, slot, factor.rating):
        return NOT_APPLICABLE
    return values.get(spec.code)


def _move(scale, old, new) -> Change:
    """The change of one rating between two values (the rules of scoring.compare_ratings)."""
    def number(value):
        point = scale.point(value) if isinstance(value, str) else None
        if point is not None:
            return point.value
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    if NOT_APPLICABLE in (old, new):
        return Change.NOT_APPLICABLE
    if old is None or new is None:
        return Change.ADDED if old is None else Change.REMOVED
    before, after = number(old), number(new)
    if before is None or after is None:
        return (Change.UNCHANGED if before is None and after is None else
                Change.NEWLY_UNKNOWN if after is None else Change.NO_LONGER_UNKNOWN)
    if not scale.ordered:
        return Change.UNCHANGED if old == new else Change.ADDED
    return Change.UP if after > before else Change.DOWN if after < before else Change.UNCHANGED


def _factor_changes(definition, previous, assessment, lang) -> list[dict]:
    """Additional factors of both assessments, matched by domain and name (case-insensitive)."""
    if not definition.factor_slots:
        return []

    def by_name(a):
        return {(f.domain, f.name.strip().casefold()): f for f in a.additional_factors.all()}

    old, new = by_name(previous), by_name(assessment)
    rows = []
    for key in [*new, *(k for k in old if k not in new)]:
        slot = definition.factor_slot(key[0])
        if slot is None:
            continue
        before, after = old.get(key), new.get(key)
        for spec in slot.ratings:
            scale = definition.scale(spec.scale)
            b, a = (_factor_value(definition, slot, spec, f) for f in (before, after))
            if b is None and a is None:
                continue
            direction = None if not scale.ordered else scale.direction or (
                Direction.PROTECTION if slot.protective else Direction.CONCERN)
            change = _move(scale, b, a)
            rows.append({
                "name": (after or before).name,
                "domain": definition.domain(key[0]).name.get(lang) if key[0] else "",
                "rating_name": rating_name(definition, slot, spec.code, lang) if spec.code
                else "",
                "before": value_label(definition, scale.code, b, lang),
                "after": value_label(definition, scale.code, a, lang),
                "change": change, "words": _words(change, direction or "", b, a),
                "badge": concern_class(concern_of(change, direction)),
            })
    return rows


def profile_chart(definition, ratings, before, *, compared: bool, width: int = 640) -> str:
    """The domain profile as an inline SVG (advisory): for each domain the share of its scale
    rated, for concern and for protection, now and (when `compared`) at the previous
    assessment. Escaped by charts.py."""
    lang = current_language()
    now = domain_profile(definition, ratings)
    then = domain_profile(definition, before) if compared else {}
    rows = []
    for domain in definition.domains:
        current, earlier = now[domain.code], then.get(domain.code)
        rows.append({"label": domain.name.get(lang), "concern": current.concern,
                     "protection": current.protection,
                     "previous_concern": earlier.concern if earlier else None,
                     "previous_protection": earlier.protection if earlier else None})
    return mark_safe(profile_svg(  # noqa: S308 - escaped by charts.py
        rows, title=gettext("Domain profile (advisory)"), width=width, labels={
            "concern": gettext("Concern"), "protection": gettext("Protection"),
            "now": gettext("this assessment"), "before": gettext("previous assessment"),
            "none": gettext("nothing rated yet"),
            "advisory": gettext("Advisory: the share of each domain's scale that is rated "
                                "present, computed from the ratings; not a decision.")},
        empty_text=gettext("Nothing to draw yet.")))


def change_counts(rows) -> dict:
    """How many ratings moved for the worse, for the better, stayed, or became unknown."""
    counts = Counter()
    for row in rows:
        change = row["change"]
        if change.concern == Concern.WORSE:
            counts["worse"] += 1
        elif change.concern == Concern.BETTER:
            counts["better"] += 1
        elif change.change in (Change.UNCHANGED, Change.NEWLY_UNKNOWN, Change.NOT_APPLICABLE):
            counts[change.change.value] += 1
        else:
            counts["other"] += 1
    return {key: counts[key] for key in ("worse", "better", "unchanged", "newly_unknown",
                                         "not_applicable", "other")}
