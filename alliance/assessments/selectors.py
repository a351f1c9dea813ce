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
from .charts import trend_svg as draw_trend
from .instruments import UNKNOWN
from .instruments.scoring import (
    RatingError,
    compare_ratings,
    compute_outputs,
    count_unknowns,
    validate_rating,
)
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


def comparison(assessment) -> dict:
    """Item by item: up / down / unchanged / newly unknown against the previous assessment."""
    previous = previous_of(assessment)
    if previous is None:
        return {"previous": None, "rows": []}
    definition = assessment.instrument_version.parsed
    before = {k: v for k, v in ratings_map(previous).items() if _valid(definition, k, v)}
    changes = compare_ratings(definition, before, ratings_map(assessment))
    lang = current_language()
    rows = []
    for item in definition.items:
        if item.code not in changes:
            continue
        change, scale = changes[item.code], definition.scale_of(item)
        rows.append({"item": item, "text": item.text.get(lang), "change": change,
                     "before": _rating_label(scale, change.before, lang),
                     "after": _rating_label(scale, change.after, lang),
                     "concern": concern_of(item, change.change.value)})
    return {"previous": previous, "rows": rows}


def concern_of(item, change: str) -> str:
    """Whether a move is for the worse or the better: "up" is more concern on a risk item but
    more protection on a protective one (a protective factor lost is bad news, never green)."""
    if change not in ("up", "down"):
        return ""
    worse = (change == "up") != item.protective
    return "worse" if worse else "better"


def judgement_label(assessment) -> str:
    definition = assessment.instrument_version.parsed
    option = (definition.overall_judgement.option(assessment.overall_judgement)
              if definition.overall_judgement and assessment.overall_judgement else None)
    return option.label.get(current_language()) if option else ""


def needs_of(assessment) -> dict[str, list[str]]:
    """Need area label -> item texts, from the instrument's needs output (advisory)."""
    definition = assessment.instrument_version.parsed
    outputs = compute_outputs(definition, ratings_map(assessment))
    for result in outputs.values():
        if result.type.value == "needs":
            return {definition.need_area(area).label.get(current_language()):
                    [definition.item(code).text.get(current_language()) for code in codes]
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
                    label = definition.subscale(code).label.get(current_language())
                    series.setdefault(label, []).append((a.completed_at.date(), sub.value))
        points.append(a.completed_at.date())
    return {"series": series, "dates": points}


def person_section(user, person, grant) -> dict:
    """The assessments section of the person page, cut to the reader's grant. Every assessment
    listed is one the reader may open (in full, or as the case team's summary)."""
    full = can_read_treatment(grant)
    shown = list(
        assessments.visible(user).filter(person=person)
        .select_related("instrument_version__instrument", "lead_assessor", "countersigned_by")
        .prefetch_related("ratings").order_by("-created_at"))
    rows = [{"assessment": a, "judgement": judgement_label(a),
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
    changes = {}
    if latest is not None and full:
        changes = Counter(row["change"].change.value
                          for row in comparison(latest["assessment"])["rows"])
    # Scores, their trend and item movements are treatment material; the case team's share is
    # the judgement, the dates and the needs (DOMAIN.md §5, docs/data-protection.md).
    trend_svg = ""
    if full:
        points = trend(shown)
        if points["dates"]:
            trend_svg = mark_safe(draw_trend(  # noqa: S308 - escaped by charts.py
                points, title=gettext("Domain scores over time (advisory)"),
                empty_text=gettext("Nothing to draw yet.")))
    return {"panel": {
        "full": full, "assessments": rows, "latest": latest, "changes": changes,
        "needs": needs_of(latest["assessment"]) if latest else {}, "screenings": screening_rows,
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


def _rating_label(scale, rating, lang: str) -> str:
    if rating is None:
        return ""
    if rating == UNKNOWN:
        return gettext("unknown")
    point = scale.point(rating) if isinstance(rating, str) else None
    return point.label.get(lang) if point else str(rating)


def assessment_page(assessment, user) -> dict:
    """Everything the assessment page shows: the instrument's domains with each item's rating,
    evidence, previous rating and guidance, in the user's language."""
    definition = assessment.instrument_version.parsed
    lang = current_language()
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
