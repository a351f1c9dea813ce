"""What an assessment says in brief: its answers by item, its judgements in the reader's words,
and the needs and strengths computed from its answers (advisory). The case team's share of a
final assessment is drawn from here; the plans module reads latest_needs."""

from alliance.core.i18n import current_language

from ..instruments.scoring import compute_outputs
from ..models import Assessment, AssessmentStatus


def ratings_map(assessment) -> dict:
    return {r.item_code: r.rating for r in assessment.ratings.all()}


def judgement_label(assessment) -> str:
    definition = assessment.instrument_version.parsed
    option = (definition.overall_judgement.option(assessment.overall_judgement)
              if definition.overall_judgement and assessment.overall_judgement else None)
    return option.label.get(current_language()) if option else ""


def domain_judgement_labels(assessment) -> list[tuple[str, str]]:
    """(domain name, judgement label) for each judged domain, in the instrument's order: the
    levels without their rationale, which the case team may read with the overall judgement."""
    definition, lang = assessment.instrument_version.parsed, current_language()
    rows = []
    for domain in definition.domains:
        code = assessment.domain_judgements.get(domain.code, {}).get("judgement")
        option = domain.judgement.option(code) if domain.judgement and code else None
        if option is not None:
            rows.append((domain.name.get(lang), option.label.get(lang)))
    return rows


def formulation_only(definition) -> bool:
    """The instrument's overall judgement is the formulation, with no summary level."""
    return bool(definition.overall_judgement and definition.overall_judgement.formulation_only)


def judgement_options(definition, lang: str) -> list[tuple[str, str]]:
    choice = definition.overall_judgement
    return [(o.code, o.label.get(lang)) for o in choice.options] if choice else []


def _needs(definition, outputs, lang) -> list[tuple[str, list[tuple[str, str]]]]:
    """Need area label -> (item code, text), from the instrument's needs output (advisory)."""
    for result in outputs.values():
        if result.type.value == "needs":
            return [(definition.need_area(area).label.get(lang),
                     [(code, definition.item(code).text.get(lang)) for code in codes])
                    for area, codes in result.value.items()]
    return []


def _strengths(definition, outputs, lang) -> list[tuple[str, str]]:
    """Protective factors found (item code, text), from the protective-factors output."""
    for result in outputs.values():
        if result.type.value == "protective_factors":
            return [(code, definition.item(code).text.get(lang)) for code in result.value]
    return []


def needs_of(assessment) -> dict[str, list[str]]:
    """Need area label -> item texts, from the instrument's needs output (advisory)."""
    definition = assessment.instrument_version.parsed
    outputs = compute_outputs(definition, ratings_map(assessment))
    return {area: [text for _code, text in items]
            for area, items in _needs(definition, outputs, current_language())}


def strengths_of(assessment) -> list[str]:
    """The texts of the protective factors found (advisory)."""
    definition = assessment.instrument_version.parsed
    outputs = compute_outputs(definition, ratings_map(assessment))
    return [text for _code, text in _strengths(definition, outputs, current_language())]


def latest_needs(person) -> dict:
    """For the plans module: the needs of the latest countersigned assessment, with its id."""
    latest = (Assessment.objects.filter(person=person, status=AssessmentStatus.COUNTERSIGNED)
              .select_related("instrument_version").defer("instrument_version__definition").prefetch_related("ratings")
              .order_by("-countersigned_at").first())
    if latest is None:
        return {"assessment": None, "needs": {}}
    definition = latest.instrument_version.parsed
    outputs = compute_outputs(definition, ratings_map(latest))
    needs = next((r.value for r in outputs.values() if r.type.value == "needs"), {})
    return {"assessment": latest, "needs": needs}
