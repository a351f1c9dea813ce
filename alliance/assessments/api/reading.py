"""Reading an assessment for one reader: the summary, or the full record with the parts the API
computes beside it (item rows, domains, additional factors, the advisory outputs, the comparison
with the previous assessment)."""

import dataclasses

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from alliance.core.i18n import current_language

from .. import accreditation, services
from ..access import AssessmentAction, get_assessment_for_user
from ..instruments.definition import OutputType
from ..instruments.scoring import (
    compare_ratings,
    compute_outputs,
    count_unknowns,
    domain_profile,
    item_asked,
)
from ..labels import (
    answer_label,
    answer_parts,
    change_label,
    direction_label,
    rating_name,
    value_label,
)
from ..selectors import previous_of, readable_previous
from .common import _text
from .shown import AssessmentSerializer, AssessmentSummarySerializer


@dataclasses.dataclass(frozen=True)
class AssessmentView:
    """An assessment with what the API shows beside it for one reader: their actions and, for a
    full read, the computed parts. Nothing is hung on the model instance."""

    assessment: object
    actions: frozenset
    item_rows: tuple = ()
    domains: tuple = ()
    factor_rows: tuple = ()
    factor_slots: tuple = ()
    advisory: dict | None = None
    comparison: dict | None = None
    submission_problems: dict | None = None
    certified: bool = False
    formulation_only: bool = False

    def __getattr__(self, name):
        return getattr(self.assessment, name)



def _item_row(definition, item, row, ratings: dict) -> dict:
    lang = current_language()
    rating = row.rating if row else None
    return {"item_code": item.code, "domain": item.domain, "text": item.text.get(lang),
            "rating": rating, "label": answer_label(definition, item, rating, lang),
            "parts": answer_parts(definition, item, rating, lang),
            "asked": item_asked(definition, item, ratings),
            "evidence": row.evidence if row else "",
            "rated_by": row.rated_by.username if row else None,
            "rated_at": row.rated_at if row else None,
            "stamp": row.rated_at.isoformat() if row else ""}


def _output_row(definition, result, label: str, lang: str) -> dict:
    row = {"code": result.code, "type": result.type.value, "label": label,
           "advisory": result.advisory, "subscales": [], "needs": [],
           "protective_factors": [], "unknowns": []}

    def ref(code):
        return {"code": code, "text": definition.item(code).text.get(lang)}

    match result.type:
        case OutputType.SUBSCALES:
            row["value"] = {code: dataclasses.asdict(sub) for code, sub in result.value.items()}
            row["subscales"] = [
                {"code": code, "label": definition.subscale(code).label.get(lang),
                 "value": sub.value, "answered": sub.answered, "unknown": sub.unknown,
                 "missing": sub.missing, "not_applicable": sub.not_applicable}
                for code, sub in result.value.items()]
        case OutputType.NEEDS:
            row["value"] = result.value
            row["needs"] = [{"code": area, "label": definition.need_area(area).label.get(lang),
                             "items": [ref(code) for code in codes]}
                            for area, codes in result.value.items()]
        case OutputType.PROTECTIVE_FACTORS:
            row["value"] = result.value
            row["protective_factors"] = [ref(code) for code in result.value]
        case OutputType.UNKNOWNS:
            row["value"] = dataclasses.asdict(result.value)
            row["unknowns"] = [{"domain": code, "name": definition.domain(code).name.get(lang),
                                "count": count} for code, count in result.value.by_domain.items()]
    return row


def _advisory(definition, ratings: dict) -> dict:
    lang = current_language()
    labels = {output.code: output.label.get(lang) for output in definition.outputs}
    # "change" needs the previous assessment: it is the comparison.
    outputs = [_output_row(definition, r, labels[r.code], lang)
               for r in compute_outputs(definition, ratings).values()
               if r.type is not OutputType.CHANGE]
    return {"rated": len(ratings), "total_items": len(definition.items),
            "unknowns": count_unknowns(definition, ratings).total, "outputs": outputs}


def _domains(definition, assessment, ratings: dict) -> tuple:
    lang = current_language()
    profile = domain_profile(definition, ratings)
    rows = []
    for domain in definition.domains:
        entry = assessment.domain_judgements.get(domain.code, {}) if domain.judgement else {}
        option = domain.judgement.option(entry.get("judgement", "")) if domain.judgement else None
        shares = dataclasses.asdict(profile[domain.code])
        del shares["domain"]
        rows.append({"code": domain.code, "name": domain.name.get(lang),
                     "description": _text(domain.description, lang),
                     "judged": domain.judgement is not None,
                     "judgement": entry.get("judgement", ""),
                     "judgement_label": option.label.get(lang) if option else "",
                     "rationale": entry.get("rationale", ""), "profile": shares})
    return tuple(rows)


def _slot_label(definition, slot, lang: str) -> str:
    if slot.label:
        return slot.label.get(lang)
    return definition.domain(slot.domain).name.get(lang) if slot.domain else _(
        "Additional factors")


def _factor_row(definition, factor) -> dict:
    lang = current_language()
    slot = definition.factor_slot(factor.domain)
    return {"uuid": str(factor.uuid), "domain": factor.domain,
            "slot_label": _slot_label(definition, slot, lang) if slot else "",
            "name": factor.name, "rating": factor.rating,
            "label": answer_label(definition, slot, factor.rating, lang) if slot else "",
            "parts": answer_parts(definition, slot, factor.rating, lang) if slot else [],
            "evidence": factor.evidence, "rated_by": factor.rated_by.username,
            "rated_at": factor.rated_at, "stamp": factor.rated_at.isoformat()}


def _factor_slots(definition, factors) -> tuple:
    lang = current_language()
    return tuple({"domain": slot.domain, "label": _slot_label(definition, slot, lang),
                  "guidance": _text(slot.guidance, lang), "maximum": slot.maximum,
                  "added": sum(1 for f in factors if f.domain == slot.domain)}
                 for slot in definition.factor_slots)


def _comparison(assessment, definition, ratings: dict) -> dict:
    previous = previous_of(assessment)
    if previous is None:
        return {"previous": None, "previous_completed_at": None, "changes": []}
    lang = current_language()
    before = readable_previous(definition, previous)
    changes = []
    for key, change in compare_ratings(definition, before, ratings).items():
        item = definition.item(change.item_code)
        scale = definition.scale_for(item, change.rating).code
        changes.append({
            "key": key, "item_code": item.code, "text": item.text.get(lang),
            "rating": change.rating,
            "rating_name": rating_name(definition, item, change.rating, lang)
            if item.named_ratings else "",
            "change": change.change.value,
            "change_label": change_label(change.change, change.direction),
            "direction": change.direction, "direction_label": direction_label(change.direction),
            "concern": change.concern.value,
            "before": change.before, "before_label": value_label(definition, scale,
                                                                 change.before, lang),
            "after": change.after, "after_label": value_label(definition, scale, change.after,
                                                              lang)})
    return {"previous": previous.uuid, "previous_completed_at": previous.completed_at,
            "changes": changes}


def _assessment_response(user, assessment, grant, code=status.HTTP_200_OK) -> Response:
    """The full assessment for a reader who holds AssessmentAction.VIEW, else the summary."""
    if not grant.can(AssessmentAction.VIEW):
        return Response(AssessmentSummarySerializer(
            AssessmentView(assessment, grant.actions)).data, status=code)
    definition = assessment.instrument_version.parsed
    rows = {r.item_code: r for r in assessment.ratings.select_related("rated_by")}
    ratings = {c: r.rating for c, r in rows.items()}
    # In the instrument's order of places (its domains, then the instrument's own).
    places = {slot.domain: n for n, slot in enumerate(definition.factor_slots)}
    factors = sorted(assessment.additional_factors.select_related("rated_by"),
                     key=lambda f: (places.get(f.domain, len(places)), f.pk))
    choice = definition.overall_judgement
    view = AssessmentView(
        assessment, grant.actions,
        item_rows=tuple(_item_row(definition, item, rows.get(item.code), ratings)
                        for item in definition.items),
        domains=_domains(definition, assessment, ratings),
        factor_rows=tuple(_factor_row(definition, f) for f in factors),
        factor_slots=_factor_slots(definition, factors),
        advisory=_advisory(definition, ratings),
        comparison=_comparison(assessment, definition, ratings),
        submission_problems=(services.submission_problems(assessment)
                             if assessment.is_editable else {}),
        certified=accreditation.is_certified(user, assessment.instrument_version),
        formulation_only=bool(choice and choice.formulation_only))
    return Response(AssessmentSerializer(view).data, status=code)


def _saved(request, assessment, code=status.HTTP_200_OK) -> Response:
    # Read back through the policy: the response shows the record as saved.
    assessment, grant = get_assessment_for_user(request.user, assessment.uuid)
    return _assessment_response(request.user, assessment, grant, code)
