"""The assessment's own pages: the overview (assessment_page), the rating page of one domain
(rating_page) with each item as it is shown (item_view), what a save of one item sends back
(item_response), and the additional factors of a domain."""

from django.utils.translation import gettext

from alliance.core.i18n import current_language

from ..instruments import NOT_APPLICABLE, UNKNOWN
from ..instruments.scoring import (
    answer_values,
    asked_ratings,
    compute_outputs,
    count_unknowns,
    item_asked,
)
from ..labels import answer_label, rating_name, value_label
from ..models import ItemRating
from .changes import previous_of, profile_chart, readable_previous
from .summary import _needs, _strengths, formulation_only, judgement_label, judgement_options


def dom_key(code: str) -> str:
    """An item code as part of an HTML id: a code may hold "." (a class in a CSS selector)."""
    return code.replace("_", "__").replace(".", "_d")


def _rows(assessment) -> dict:
    return {r.item_code: r for r in ItemRating.objects.filter(assessment=assessment)
            .select_related("rated_by")}


def _counts(definition, domain, ratings) -> tuple[int, int]:
    """(rated, to rate) in a domain: a conditional item counts only when it is asked, or when
    it is still rated although no longer asked (then it is to be cleared, not rated)."""
    rated = total = 0
    for item in domain.items:
        asked, answered = item_asked(definition, item, ratings), item.code in ratings
        total += asked or answered
        rated += asked and answered
    return rated, total


def _progress(definition, ratings) -> dict:
    counts = [_counts(definition, d, ratings) for d in definition.domains]
    return {"rated": sum(c[0] for c in counts), "total": sum(c[1] for c in counts),
            "unknowns": count_unknowns(definition, ratings).total}


def _point_label(definition, item, code: str, lang: str) -> str:
    """A guidance point by its label: the first of the item's scales that has the point."""
    for spec in item.ratings:
        point = definition.scale(spec.scale).point(code)
        if point is not None:
            return point.label.get(lang)
    return code


def _condition_text(definition, item, ratings, lang: str) -> str:
    """Why a conditional item is not asked, with the answer that decides it now."""
    when = item.when
    target = definition.item(when.item)
    spec = target.rating_spec(when.rating) if when.rating else target.primary
    other = (f"{target.code} · {rating_name(definition, target, spec.code, lang)}"
             if spec.code else target.code)
    point = definition.scale(spec.scale).point(when.at_least)
    now = value_label(definition, spec.scale,
                      answer_values(target, ratings.get(target.code)).get(spec.code), lang)
    return gettext("Asked only when %(other)s is at least “%(point)s”; now: %(now)s.") % {
        "other": other, "point": point.label.get(lang) if point else when.at_least,
        "now": now or gettext("not rated")}


_SAVED = object()


def item_view(definition, item, *, row, ratings, before, lang, answer=_SAVED,
              evidence=None) -> dict:
    """One item as the rating page shows it: its ratings as groups of choices, what was saved,
    the previous assessment's answer and the guidance. `answer` and `evidence` override what
    was saved (a refused save shows what the user chose and typed)."""
    saved = row.rating if row else None
    answer = saved if answer is _SAVED else answer
    evidence = (row.evidence if row else "") if evidence is None else evidence
    key = dom_key(item.code)
    values = answer_values(item, answer)
    not_applicable = answer == NOT_APPLICABLE
    asked_specs = asked_ratings(definition, item, answer) if answer is not None else ()
    by_code = {spec.code: spec for spec in item.ratings}
    groups, fields = [], [f"{item.code}-rating"]
    for n, spec in enumerate(item.ratings):
        scale = definition.scale(spec.scale)
        field = f"{item.code}-rating:{spec.code}" if spec.code else f"{item.code}-rating"
        if spec.code:
            fields.append(field)
        state, condition = "asked", ""
        if spec.when:
            source = by_code[spec.when.rating]
            point = definition.scale(source.scale).point(spec.when.at_least)
            words = {"rating": rating_name(definition, item, source.code, lang),
                     "point": point.label.get(lang) if point else spec.when.at_least}
            if not_applicable:
                state = "not_asked"
            elif values.get(source.code) is None:
                state = "pending"
                condition = gettext("Rated when %(rating)s is at least “%(point)s”.") % words
            elif spec not in asked_specs:
                state = "not_asked"
                condition = (gettext("Not rated: %(rating)s is unknown.")
                             if values.get(source.code) == UNKNOWN else
                             gettext("Not rated: %(rating)s is below “%(point)s”.")) % words
        elif not_applicable and n > 0:
            state = "not_asked"
        value = NOT_APPLICABLE if not_applicable and n == 0 else values.get(spec.code)
        reserved = []
        if item.unknown_allowed:
            reserved.append((UNKNOWN, gettext("Unknown — not enough information")))
        if n == 0 and item.not_applicable_allowed:
            reserved.append((NOT_APPLICABLE, gettext("Not applicable to this person")))
        numeric = scale.type.value == "numeric"
        options = [] if numeric else [(p.code, p.label.get(lang)) for p in scale.points]
        groups.append({
            "code": spec.code, "field": field, "id": f"r-{key}-{n}", "state": state,
            "condition": condition, "numeric": numeric, "scale": scale,
            "name": rating_name(definition, item, spec.code, lang) if spec.code else (
                scale.label.get(lang) if scale.label else gettext("Rating")),
            "value": value, "number": value if numeric and value not in (UNKNOWN,
                                                                          NOT_APPLICABLE,
                                                                          None) else "",
            "options": [(code, label, value == code) for code, label in options + reserved],
            "reserved": [(code, label, value == code) for code, label in reserved],
            "required": spec.required,
        })
    missing = [g["name"] for g in groups if g["state"] == "asked" and g["required"]
               and g["value"] is None and answer is not None]
    guidance = item.guidance
    return {
        "item": item, "code": item.code, "key": key, "text": item.text.get(lang),
        "protective": definition.is_protective(item),
        "asked": item_asked(definition, item, ratings),
        "asked_note": _condition_text(definition, item, ratings, lang) if item.when else "",
        "groups": groups, "named": item.named_ratings, "answer": answer,
        "saved": saved is not None, "saved_label": answer_label(definition, item, saved, lang),
        "evidence": evidence, "evidence_required": item.evidence_required,
        "stamp": row.rated_at.isoformat() if row else "", "rated_by": row.rated_by if row else None,
        "rated_at": row.rated_at if row else None,
        "previous": answer_label(definition, item, before.get(item.code), lang),
        "missing": missing,
        "guidance": guidance.text.get(lang) if guidance and guidance.text else "",
        "not_an_indicator": guidance.not_an_indicator.get(lang)
        if guidance and guidance.not_an_indicator else "",
        "point_guidance": [(_point_label(definition, item, code, lang), text.get(lang))
                           for code, text in guidance.points] if guidance else [],
        "params": ",".join([*fields, f"{item.code}-evidence", f"{item.code}-stamp",
                            f"{item.code}-clear"]),
    }


def factor_section(assessment, definition, domain_code: str, lang: str, factors=None):
    """The additional factors of a domain ("" for the instrument as a whole), or None when the
    instrument takes none there."""
    slot = definition.factor_slot(domain_code)
    if slot is None:
        return None
    if factors is None:
        factors = list(assessment.additional_factors.filter(domain=domain_code)
                       .select_related("rated_by"))
    return {
        "slot": slot, "domain": domain_code, "url_domain": domain_code or "_",
        "label": slot.label.get(lang) if slot.label else gettext("Additional factors"),
        "guidance": slot.guidance.get(lang) if slot.guidance else "",
        "maximum": slot.maximum, "full": len(factors) >= slot.maximum,
        "factors": [{"factor": f, "pk": f.uuid.hex, "name": f.name, "evidence": f.evidence,
                     "answer": answer_label(definition, slot, f.rating, lang),
                     "stamp": f.rated_at.isoformat(), "rated_by": f.rated_by} for f in factors],
    }


def factor_of(assessment, factor_uuid):
    """One additional factor of an assessment the caller already holds, or None."""
    return assessment.additional_factors.filter(uuid=factor_uuid).first()


def _judgement_of(domain, assessment, lang) -> dict | None:
    if domain.judgement is None:
        return None
    entry = assessment.domain_judgements.get(domain.code) or {}
    option = domain.judgement.option(entry.get("judgement") or "")
    return {"name": domain.judgement.label.get(lang) if domain.judgement.label
            else gettext("Judgement"), "code": entry.get("judgement") or "",
            "label": option.label.get(lang) if option else "",
            "rationale": entry.get("rationale") or "",
            "rationale_required": domain.judgement.rationale_required}


def rating_page(assessment, user, domain_code: str) -> dict | None:
    """The rating page of one domain: its items, the navigator over every domain with its
    rated count, its judgement and its additional factors. None: no such domain."""
    definition, lang = assessment.instrument_version.parsed, current_language()
    domain = next((d for d in definition.domains if d.code == domain_code), None)
    if domain is None:
        return None
    rows = _rows(assessment)
    ratings = {code: r.rating for code, r in rows.items()}
    previous = previous_of(assessment)
    before = readable_previous(definition, previous)
    nav = []
    for d in definition.domains:
        rated, total = _counts(definition, d, ratings)
        nav.append({"code": d.code, "name": d.name.get(lang), "rated": rated, "total": total,
                    "current": d is domain})
    index = definition.domains.index(domain)
    return {
        "assessment": assessment, "definition": definition, "domain": domain,
        "name": domain.name.get(lang),
        "description": domain.description.get(lang) if domain.description else "",
        "items": [item_view(definition, item, row=rows.get(item.code), ratings=ratings,
                            before=before, lang=lang) for item in domain.items],
        "nav": nav, "previous_domain": nav[index - 1] if index > 0 else None,
        "next_domain": nav[index + 1] if index + 1 < len(nav) else None,
        "progress": _progress(definition, ratings), "previous": previous,
        "judgement": _judgement_of(domain, assessment, lang),
        "factors": factor_section(assessment, definition, domain.code, lang),
        "instrument_name": definition.name.get(lang),
    }


def item_response(assessment, item_code: str, *, answer=_SAVED, evidence=None) -> dict:
    """What a save of one item sends back: the item, the items of its domain whose question
    depends on it, the domain's count and the progress line."""
    definition, lang = assessment.instrument_version.parsed, current_language()
    rows = _rows(assessment)
    ratings = {code: r.rating for code, r in rows.items()}
    before = readable_previous(definition, previous_of(assessment))
    item = definition.item(item_code)
    domain = definition.domain(item.domain)

    def view(i, **override):
        return item_view(definition, i, row=rows.get(i.code), ratings=ratings, before=before,
                         lang=lang, **override)

    rated, total = _counts(definition, domain, ratings)
    return {
        "i": view(item, **({} if answer is _SAVED else {"answer": answer}),
                  evidence=evidence),
        "dependents": [view(i) for i in domain.items if i.when and i.when.item == item_code],
        "count": {"code": domain.code, "rated": rated, "total": total},
        "progress": _progress(definition, ratings),
    }


def item_rating(assessment, item_code: str):
    """The saved answer of one item of an assessment the caller already holds, or None."""
    return assessment.ratings.filter(item_code=item_code).first()


def assessment_page(assessment, user) -> dict:
    """The assessment's overview: per domain its description, count, judgement and answers
    (labels), the additional factors, the advisory outputs with the domain profile, in the
    user's language."""
    definition, lang = assessment.instrument_version.parsed, current_language()
    rows = _rows(assessment)
    ratings = {code: r.rating for code, r in rows.items()}
    previous = previous_of(assessment)
    before = readable_previous(definition, previous)
    factors = list(assessment.additional_factors.select_related("rated_by"))
    domains = []
    for domain in definition.domains:
        rated, total = _counts(definition, domain, ratings)
        items = []
        for item in domain.items:
            row = rows.get(item.code)
            rating = row.rating if row else None
            items.append({
                "item": item, "code": item.code, "text": item.text.get(lang),
                "answer": answer_label(definition, item, rating, lang),
                "unrated": row is None, "not_applicable": rating == NOT_APPLICABLE,
                "unknown": answer_values(item, rating).get(item.primary.code) == UNKNOWN,
                "asked": item_asked(definition, item, ratings),
                "evidence": row.evidence if row else "",
                "protective": definition.is_protective(item),
            })
        domains.append({
            "domain": domain, "code": domain.code, "name": domain.name.get(lang),
            "description": domain.description.get(lang) if domain.description else "",
            "rated": rated, "total": total, "items": items,
            "judgement": _judgement_of(domain, assessment, lang),
            "factors": factor_section(assessment, definition, domain.code, lang,
                                      [f for f in factors if f.domain == domain.code]),
        })
    outputs = compute_outputs(definition, ratings)
    progress = _progress(definition, ratings)
    choice = definition.overall_judgement
    return {
        "assessment": assessment, "definition": definition, "domains": domains,
        "judgement_options": judgement_options(definition, lang),
        "judgement_name": choice.label.get(lang) if choice and choice.label else "",
        "formulation_only": formulation_only(definition),
        "judgement": judgement_label(assessment),
        "unknowns": progress["unknowns"], "rated": progress["rated"],
        "total_items": progress["total"], "progress": progress, "outputs": outputs,
        "previous": previous,
        "needs": _needs(definition, outputs, lang), "strengths": _strengths(definition, outputs,
                                                                           lang),
        "factors": factor_section(assessment, definition, "", lang,
                                  [f for f in factors if f.domain == ""]),
        "profile_svg": profile_chart(definition, ratings, before, compared=previous is not None),
        "instrument_name": definition.name.get(lang),
        "participants": list(assessment.participants.all()),
    }
