"""Words for codes: every rating, change and error shown to a person (page, PDF, API) carries the
instrument's label in the reader's language beside its code. One place, so the pages, the PDF and
the API never disagree, and a code such as 'partly_present' never reaches a reader alone.
"""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .instruments import NOT_APPLICABLE, UNKNOWN
from .instruments.definition import Direction, InstrumentDefinition, Item
from .instruments.scoring import Change, Concern, RatingError, answer_values
from .models import DueDetail


def reserved_label(value) -> str:
    if value == UNKNOWN:
        return _("Unknown — not enough information")
    if value == NOT_APPLICABLE:
        return _("Not applicable")
    return ""


def value_label(definition: InstrumentDefinition, scale_code: str, value, lang: str) -> str:
    """One value on a scale: the point's label, the number with its unit, or the reserved
    answer's words; "" for no value."""
    if value is None or value == "":
        return ""
    if reserved := reserved_label(value):
        return reserved
    scale = definition.scale(scale_code)
    point = scale.point(value) if isinstance(value, str) else None
    if point is not None:
        return point.label.get(lang)
    number = f"{value:g}" if isinstance(value, int | float) else str(value)
    return f"{number} {scale.unit.get(lang)}" if scale.unit else number


def rating_name(definition: InstrumentDefinition, item: Item, rating_code: str, lang: str) -> str:
    """The label of a named rating ('Influence on offending'); its scale's label, or the code."""
    spec = item.rating_spec(rating_code) if rating_code else item.primary
    if spec is None:
        return rating_code
    if spec.label:
        return spec.label.get(lang)
    scale = definition.scale(spec.scale)
    return scale.label.get(lang) if scale.label else spec.code


def answer_parts(definition: InstrumentDefinition, item, answer, lang: str) -> list[dict]:
    """An answer as rows {code, name, value, label}: one per rating given, in the instrument's
    order; a whole-item UNKNOWN or NOT_APPLICABLE is one row with an empty code. `item` may be
    an Item or an additional-factor slot (both have `ratings`)."""
    if answer is None:
        return []
    if answer == NOT_APPLICABLE:
        return [{"code": "", "name": "", "value": answer, "label": reserved_label(answer)}]
    values = answer_values(item, answer) if isinstance(item, Item) else (
        dict(answer) if isinstance(answer, dict) else {"": answer})
    rows = []
    for spec in item.ratings:
        if spec.code in values:
            value = values[spec.code]
            name = (spec.label.get(lang) if spec.label else
                    (definition.scale(spec.scale).label.get(lang)
                     if definition.scale(spec.scale).label else spec.code)) if spec.code else ""
            rows.append({"code": spec.code, "name": name, "value": value,
                         "label": value_label(definition, spec.scale, value, lang)})
    return rows


def answer_label(definition: InstrumentDefinition, item, answer, lang: str) -> str:
    """An answer in one line: 'Clearly present · Influence on offending: Strong'."""
    parts = answer_parts(definition, item, answer, lang)
    return " · ".join(
        part["label"] if n == 0 or not part["name"] else f"{part['name']}: {part['label']}"
        for n, part in enumerate(parts))


def direction_label(direction: str) -> str:
    if direction == Direction.PROTECTION:
        return _("higher is more protection")
    if direction == Direction.CONCERN:
        return _("higher is more concern")
    return ""


def change_label(change: Change, direction: str) -> str:
    """What a move means, in words that follow the rating's direction: a protective factor
    that went down is 'less protection', never a green 'down'."""
    protective = direction == Direction.PROTECTION
    match change:
        case Change.UP:
            return _("more protection") if protective else _("more concern")
        case Change.DOWN:
            return _("less protection") if protective else _("less concern")
        case Change.UNCHANGED:
            return _("unchanged")
        case Change.NEWLY_UNKNOWN:
            return _("newly unknown")
        case Change.NO_LONGER_UNKNOWN:
            return _("no longer unknown")
        case Change.ADDED:
            return pgettext("rating change", "newly rated")
        case Change.REMOVED:
            return pgettext("rating change", "no longer rated")
        case Change.NOT_APPLICABLE:
            return _("not applicable")
    return str(change)


def concern_class(concern: Concern) -> str:
    """The badge colour of a move: red for worse, green for better, neutral otherwise."""
    return {Concern.WORSE: "danger", Concern.BETTER: "success"}.get(concern, "secondary")


def rating_error_message(definition: InstrumentDefinition, exc: RatingError, lang: str) -> str:
    """A RatingError in the user's language, naming the item and the reason."""
    item = exc.item_code
    params = {"item": item, **exc.params}
    if exc.reason in ("off_scale", "unknown_not_allowed") and exc.params.get("rating"):
        # One named rating of the item: name it with its label.
        params["item"] = f"{item} ({_rating_label(definition, item, exc.params['rating'], lang)})"
    match exc.reason:
        case "unknown_not_allowed":
            return _("%(item)s: “unknown” is not allowed for this item.") % params
        case "not_applicable_not_allowed":
            return _("%(item)s: “not applicable” is not allowed for this item.") % params
        case "item_not_asked":
            return _("%(item)s is asked only when %(other)s is at least “%(at_least)s”; leave it "
                     "unrated, or change %(other)s first.") % {
                **params, "at_least": _point_label(definition, exc, lang)}
        case "rating_not_asked":
            return _("%(item)s: %(rating)s is rated only when %(other)s is at least "
                     "“%(at_least)s”.") % {**params, "at_least": _point_label(definition, exc,
                                                                               lang)}
        case "not_named_ratings" | "no_such_rating":
            return _("%(item)s: give its ratings (%(expected)s).") % {
                "expected": exc.params.get("expected", ""), **params}
        case "no_additional_factors":
            return _("%(item)s takes no additional factors.") % params
    return _("%(item)s: this rating is not on the item's scale, or “unknown” is not allowed "
             "for it.") % params


def _rating_label(definition: InstrumentDefinition, item_code: str, rating: str, lang: str) -> str:
    if not definition.has_item(item_code):
        return rating
    return rating_name(definition, definition.item(item_code), rating, lang)


def _point_label(definition: InstrumentDefinition, exc: RatingError, lang: str) -> str:
    code = exc.params.get("at_least", "")
    for scale in definition.scales:
        point = scale.point(code)
        if point is not None:
            return point.label.get(lang)
    return code


def _short_date(value) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


# The escalation indicators are kept by the observations app, above this one: it installs the
# function that names them when it starts (observations/apps.py).
_NAMERS: dict = {}


def register_indicator_names(names) -> None:
    """Install `names(codes, jurisdiction_id) -> {code: name in the reader's language}`."""
    _NAMERS["indicators"] = names


def due_detail_text(code: str, params: dict, jurisdiction_id: int | None = None) -> str:
    """A due reason's detail (models.DueDetail) in the reader's language and date format. A
    detail stored as a sentence before the codes is shown as it was written; an indicator no
    longer known is shown by its code."""
    params = params or {}
    if code == DueDetail.OBSERVATION_ESCALATED:
        indicators = params.get("indicators") or []
        namer = _NAMERS.get("indicators")
        names = namer(indicators, jurisdiction_id) if namer and indicators else {}
        return _("Observation of %(date)s with escalation indicators: %(codes)s") % {
            "date": _short_date(params.get("observed_on")),
            # names may hold commas ("Talks of planning an attack, or of martyrdom")
            "codes": "; ".join(names.get(c, c) for c in indicators) if indicators else "—"}
    return code
