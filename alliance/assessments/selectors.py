"""Scoped reads for the assessment pages, the person page and other modules (plans)."""

import datetime
from collections import Counter

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from alliance.accounts.models import User
from alliance.core import audit
from alliance.core.i18n import current_language
from alliance.core.models import AuditAction
from alliance.people.access import person_grant, persons, visible_condition

from .access import (
    assessments,
    can_read_treatment,
    countersign_agency_ids,
    due_detail,
    screenings,
)
from .charts import profile_svg
from .charts import trend_svg as draw_trend
from .instruments import NOT_APPLICABLE, UNKNOWN
from .instruments.definition import Direction
from .instruments.scoring import (
    Change,
    Concern,
    RatingError,
    answer_values,
    asked_ratings,
    compare_ratings,
    compute_outputs,
    concern_of,
    count_unknowns,
    domain_profile,
    item_asked,
    validate_rating,
)
from .labels import answer_label, change_label, concern_class, rating_name, value_label
from .models import FINAL, Assessment, AssessmentDue, AssessmentStatus, InstrumentVersion, ItemRating


def ratings_map(assessment) -> dict:
    return {r.item_code: r.rating for r in assessment.ratings.all()}


def previous_of(assessment):
    """The assessment this one is compared with: the one it corrects, else the latest earlier
    final assessment of the same instrument for the person."""
    if assessment.corrects_id:
        return assessment.corrects
    return (Assessment.objects.filter(
        person_id=assessment.person_id, status__in=FINAL,
        instrument_version__instrument_id=assessment.instrument_version.instrument_id,
        created_at__lt=assessment.created_at)
        .select_related("instrument_version").prefetch_related("ratings")
        .order_by("-created_at").first())


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
              .select_related("instrument_version").prefetch_related("ratings")
              .order_by("-countersigned_at").first())
    if latest is None:
        return {"assessment": None, "needs": {}}
    definition = latest.instrument_version.parsed
    outputs = compute_outputs(definition, ratings_map(latest))
    needs = next((r.value for r in outputs.values() if r.type.value == "needs"), {})
    return {"assessment": latest, "needs": needs}


def trend(assessments) -> dict:
    """Subscale values of final assessments over time, for the chart (advisory)."""
    series: dict[str, list] = {}
    points = []
    for a in sorted(assessments, key=lambda a: a.completed_at):
        if a.status not in FINAL:
            continue
        definition = a.instrument_version.parsed
        outputs = compute_outputs(definition, ratings_map(a))
        for result in outputs.values():
            if result.type.value == "subscales":
                for code, sub in result.value.items():
                    label = definition.subscale(code).label.get(current_language())
                    series.setdefault(label, []).append((a.completed_at.date(), sub.value))
        points.append(a.completed_at.date())
    return {"series": series, "dates": points}


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


def person_section(user, person, grant) -> dict:
    """The assessments section of the person page, cut to the reader's grant. Every assessment
    listed is one the reader may open (in full, or as the case team's summary)."""
    full = can_read_treatment(grant)
    shown = list(
        assessments.visible(user).filter(person=person)
        .select_related("instrument_version__instrument", "lead_assessor", "countersigned_by")
        .prefetch_related("ratings").order_by("-created_at"))
    rows = [{"assessment": a, "judgement": judgement_label(a),
             "formulation_only": formulation_only(a.instrument_version.parsed),
             "instrument_name": a.instrument_version.parsed.name.get(current_language()),
             "unknowns": count_unknowns(a.instrument_version.parsed, ratings_map(a)).total
             if full else None} for a in shown]
    latest = next((r for r in rows if r["assessment"].status == AssessmentStatus.COUNTERSIGNED),
                  None)
    screening_rows = []
    if full:
        for s in (screenings.visible(user).filter(person=person)
                  .select_related("instrument_version__instrument", "screened_by")[:10]):
            option = s.instrument_version.parsed.outcomes.option(s.outcome)
            label = option.label.get(current_language()) if option else s.outcome
            screening_rows.append({"screening": s, "outcome": label})
    due = AssessmentDue.objects.filter(person=person).first()
    changes, profile = {}, ""
    if latest is not None and full:
        a = latest["assessment"]
        definition, previous = a.instrument_version.parsed, previous_of(a)
        compared = comparison(a, previous)
        if compared["previous"] is not None:
            changes = change_counts(compared["rows"])
        profile = profile_chart(definition, ratings_map(a), readable_previous(definition, previous),
                                compared=previous is not None, width=440)
    # Scores, their trend, the profile and item movements are treatment material; the case
    # team's share is the judgement, the dates and the needs (DOMAIN.md §5,
    # docs/data-protection.md).
    trend_svg = ""
    if full:
        points = trend(shown)
        if points["dates"]:
            trend_svg = mark_safe(draw_trend(  # noqa: S308 - escaped by charts.py
                points, title=gettext("Domain scores over time (advisory)"),
                empty_text=gettext("Nothing to draw yet.")))
    return {"panel": {
        "full": full, "assessments": rows, "latest": latest, "changes": changes,
        "needs": needs_of(latest["assessment"]) if latest else {},
        "strengths": strengths_of(latest["assessment"]) if latest and full else [],
        "screenings": screening_rows, "profile_svg": profile,
        "due": due, "due_detail": due_detail(due, grant) if due else "",
        "overdue": bool(due and due.due_on < timezone.localdate())}, "trend_svg": trend_svg}


def due_worklist(user, *, horizon_days: int = 30) -> list[dict]:
    """People visible to the user whose assessment is due within the horizon or overdue; the
    detail of each reason only for holders of its compartment."""
    today = timezone.localdate()
    due_rows = list(
        AssessmentDue.objects.filter(visible_condition(user, "person__"),
                                     due_on__lte=today + datetime.timedelta(days=horizon_days))
        .select_related("person__responsible_agency").order_by("due_on"))
    grants = persons.grants(user, [row.person for row in due_rows])
    return [{"due": row, "detail": due_detail(row, grants[row.person_id]),
             "overdue": row.due_on < today} for row in due_rows]


def drafts_of(user):
    return (assessments.visible(user).filter(participants__user=user, status__in=[
        AssessmentStatus.DRAFT, AssessmentStatus.RETURNED]).select_related(
        "person", "instrument_version__instrument"))


def awaiting_countersignature(user):
    """Submitted assessments this manager may countersign (the policy's reviewer rule)."""
    return (assessments.visible(user).filter(
        status=AssessmentStatus.SUBMITTED,
        person__responsible_agency_id__in=countersign_agency_ids(user))
        .exclude(participants__user=user)
        .select_related("person", "instrument_version__instrument", "submitted_by"))


def worklist(user) -> dict:
    """The assessments worklist, noted as one consultation of the people it shows."""
    page = {"due": due_worklist(user), "drafts": list(drafts_of(user)),
            "to_countersign": list(awaiting_countersignature(user))}
    people = [r["due"].person for r in page["due"]] + [
        a.person for a in (*page["drafts"], *page["to_countersign"])]
    audit.consulted(actor=user, action=AuditAction.LIST, persons=people,
                    details={"resource": "assessment worklist"})
    return page


# --- the assessment's pages -------------------------------------------------------------------

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


# --- configuration and staff (not person-level) -------------------------------------------------

def instrument_versions(kind: str = ""):
    """Published instrument versions: reference data any signed-in user may read."""
    versions = InstrumentVersion.objects.select_related("instrument", "loaded_by").order_by(
        "instrument__kind", "instrument__code", "-created_at")
    return versions.filter(instrument__kind=kind) if kind else versions


def instrument_version(uuid):
    return instrument_versions().filter(uuid=uuid).first()


def co_assessor_candidates(assessment) -> list:
    """Staff of the responsible agency who hold the treatment compartment for the person and are
    not already assessors."""
    taken = {p.user_id for p in assessment.participants.all()}
    users = User.objects.filter(is_active=True, memberships__is_active=True,
                                memberships__agency_id=assessment.person.responsible_agency_id
                                ).distinct()
    return [u for u in users if u.pk not in taken
            and can_read_treatment(person_grant(u, assessment.person))]


def staff_of(agency_ids) -> list:
    return list(User.objects.filter(memberships__agency_id__in=agency_ids,
                                    memberships__is_active=True, is_active=True)
                .distinct().order_by("last_name", "first_name"))
