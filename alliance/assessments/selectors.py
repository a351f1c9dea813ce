"""Scoped reads for the assessment pages, the person page and other modules (plans)."""

import datetime
from collections import Counter

from django.utils import timezone
from django.utils.translation import get_language

from alliance.people.access import compartments_by_person, persons_visible_to

from .access import assessments_visible_to, can_read_treatment, due_detail
from .instruments import UNKNOWN
from .instruments.scoring import compare_ratings, compute_outputs, count_unknowns
from .models import FINAL, Assessment, AssessmentDue, AssessmentStatus, ItemRating, Screening


def _lang() -> str:
    return get_language() or "en"


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
    from .instruments.scoring import RatingError, validate_rating

    if not definition.has_item(item_code):
        return False
    try:
        validate_rating(definition, item_code, rating)
    except RatingError:
        return False
    return True


def comparison(assessment) -> dict:
    """Item by item: up / down / unchanged / newly unknown against the previous assessment."""
    previous = previous_of(assessment)
    if previous is None:
        return {"previous": None, "rows": []}
    definition = assessment.instrument_version.parsed
    before = {k: v for k, v in ratings_map(previous).items() if _valid(definition, k, v)}
    changes = compare_ratings(definition, before, ratings_map(assessment))
    rows = [{"item": item, "text": item.text.get(_lang()), "change": changes[item.code]}
            for item in definition.items if item.code in changes]
    return {"previous": previous, "rows": rows}


def judgement_label(assessment) -> str:
    definition = assessment.instrument_version.parsed
    option = (definition.overall_judgement.option(assessment.overall_judgement)
              if definition.overall_judgement and assessment.overall_judgement else None)
    return option.label.get(_lang()) if option else ""


def needs_of(assessment) -> dict[str, list[str]]:
    """Need area label -> item texts, from the instrument's needs output (advisory)."""
    definition = assessment.instrument_version.parsed
    outputs = compute_outputs(definition, ratings_map(assessment))
    for result in outputs.values():
        if result.type.value == "needs":
            return {definition.need_area(area).label.get(_lang()):
                    [definition.item(code).text.get(_lang()) for code in codes]
                    for area, codes in result.value.items()}
    return {}


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
                    label = definition.subscale(code).label.get(_lang())
                    series.setdefault(label, []).append((a.completed_at.date(), sub.value))
        points.append(a.completed_at.date())
    return {"series": series, "dates": points}


def person_panel(user, person) -> dict:
    """The assessments card of the person page, cut to the user's compartments."""
    full = can_read_treatment(person.access)
    assessments = list(
        assessments_visible_to(user, person)
        .select_related("instrument_version__instrument", "lead_assessor", "countersigned_by")
        .prefetch_related("ratings").order_by("-created_at"))
    for a in assessments:
        a.judgement = judgement_label(a)
        a.instrument_name = a.instrument_version.parsed.name.get(_lang())
        a.unknowns = count_unknowns(a.instrument_version.parsed, ratings_map(a)).total
    latest = next((a for a in assessments if a.status == AssessmentStatus.COUNTERSIGNED), None)
    screenings = list(Screening.objects.filter(person=person).select_related(
        "instrument_version__instrument", "screened_by")[:10]) if full else []
    for s in screenings:
        option = s.instrument_version.parsed.outcomes.option(s.outcome)
        s.outcome_label = option.label.get(_lang()) if option else s.outcome
    due = AssessmentDue.objects.filter(person=person).first()
    changes = {}
    if latest is not None and full:
        changes = Counter(row["change"].change.value for row in comparison(latest)["rows"])
    # Scores, their trend and item movements are treatment material; the case team's share is
    # the judgement, the dates and the needs (DOMAIN.md §5, docs/data-protection.md).
    return {
        "full": full, "assessments": assessments, "latest": latest, "changes": changes,
        "needs": needs_of(latest) if latest else {}, "screenings": screenings, "due": due,
        "due_detail": due_detail(due, person.access) if due else "",
        "overdue": bool(due and due.due_on < timezone.localdate()),
        "trend": trend(assessments) if full else {"series": {}, "dates": []},
    }


def due_worklist(user, *, horizon_days: int = 30):
    """People visible to the user whose assessment is due within the horizon or overdue."""
    today = timezone.localdate()
    rows = list(
        AssessmentDue.objects.filter(person__in=persons_visible_to(user),
                                     due_on__lte=today + datetime.timedelta(days=horizon_days))
        .select_related("person__responsible_agency").order_by("due_on"))
    compartments = compartments_by_person(user, [row.person for row in rows])
    for row in rows:
        row.shown_detail = due_detail(row, compartments[row.person_id])
        row.overdue = row.due_on < today
        row.days = (row.due_on - today).days
    return rows


def drafts_of(user):
    return (Assessment.objects.filter(participants__user=user, status__in=[
        AssessmentStatus.DRAFT, AssessmentStatus.RETURNED],
        person__in=persons_visible_to(user)).select_related(
        "person", "instrument_version__instrument"))


def awaiting_countersignature(user):
    from alliance.accounts.access import profile_for

    from .access import COUNTERSIGN_ROLES

    agencies = {g.agency_id for g in profile_for(user).grants_with(*COUNTERSIGN_ROLES)}
    return (Assessment.objects.filter(status=AssessmentStatus.SUBMITTED,
                                      person__responsible_agency_id__in=agencies)
            .exclude(participants__user=user)
            .select_related("person", "instrument_version__instrument", "submitted_by"))


def _rating_label(scale, rating, lang: str) -> str:
    if rating is None:
        return ""
    if rating == UNKNOWN:
        from django.utils.translation import gettext

        return gettext("unknown")
    point = scale.point(rating) if isinstance(rating, str) else None
    return point.label.get(lang) if point else str(rating)


def assessment_page(assessment, user) -> dict:
    """Everything the assessment page shows: the instrument's domains with each item's rating,
    evidence, previous rating and guidance, in the user's language."""
    definition = assessment.instrument_version.parsed
    lang = _lang()
    rows = {r.item_code: r for r in ItemRating.objects.filter(assessment=assessment)
            .select_related("rated_by")}
    previous = previous_of(assessment)
    before = ratings_map(previous) if previous else {}
    domains = []
    for domain in definition.domains:
        items = []
        for item in domain.items:
            scale = definition.scale_of(item)
            row = rows.get(item.code)
            items.append({
                "item": item, "code": item.code, "text": item.text.get(lang),
                "guidance": item.guidance.text.get(lang) if item.guidance and item.guidance.text
                else "",
                "not_an_indicator": item.guidance.not_an_indicator.get(lang)
                if item.guidance and item.guidance.not_an_indicator else "",
                "point_guidance": [(code, text.get(lang)) for code, text in
                                   item.guidance.points] if item.guidance else [],
                "scale": scale, "points": [(p.code, p.label.get(lang)) for p in scale.points],
                "numeric": scale.type.value == "numeric",
                "rating": row.rating if row else None, "evidence": row.evidence if row else "",
                "stamp": row.rated_at.isoformat() if row else "",
                "rated_by": row.rated_by if row else None,
                "unknown": row is not None and row.rating == UNKNOWN,
                "previous": _rating_label(scale, before.get(item.code), lang),
            })
        domains.append({"domain": domain, "name": domain.name.get(lang), "items": items})
    ratings = {code: r.rating for code, r in rows.items()}
    outputs = compute_outputs(definition, ratings)
    return {
        "assessment": assessment, "definition": definition, "domains": domains,
        "judgement_options": [(o.code, o.label.get(lang)) for o in
                              definition.overall_judgement.options]
        if definition.overall_judgement else [],
        "judgement": judgement_label(assessment),
        "unknowns": count_unknowns(definition, ratings).total,
        "rated": len(rows), "total_items": len(definition.items),
        "outputs": outputs, "previous": previous,
        "instrument_name": definition.name.get(lang),
        "participants": list(assessment.participants.all()),
    }


# --- configuration and staff (not person-level) -------------------------------------------------

def instrument_versions(kind: str = ""):
    """Published instrument versions: reference data any signed-in user may read."""
    from .models import InstrumentVersion

    versions = InstrumentVersion.objects.select_related("instrument", "loaded_by").order_by(
        "instrument__kind", "instrument__code", "-created_at")
    return versions.filter(instrument__kind=kind) if kind else versions


def instrument_version(uuid):
    return instrument_versions().filter(uuid=uuid).first()


def co_assessor_candidates(assessment) -> list:
    """Staff of the responsible agency who hold the treatment compartment for the person and are
    not already assessors."""
    from alliance.accounts.models import User
    from alliance.people.access import person_access

    taken = {p.user_id for p in assessment.participants.all()}
    users = User.objects.filter(is_active=True, memberships__is_active=True,
                                memberships__agency_id=assessment.person.responsible_agency_id
                                ).distinct()
    return [u for u in users if u.pk not in taken
            and "treatment" in person_access(u, assessment.person).compartments]


def staff_of(agency_ids) -> list:
    from alliance.accounts.models import User

    return list(User.objects.filter(memberships__agency_id__in=agency_ids,
                                    memberships__is_active=True, is_active=True)
                .distinct().order_by("last_name", "first_name"))
