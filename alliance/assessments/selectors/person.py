"""The assessments seen from people rather than from one assessment: the section of the person
page with its trend chart, and the worklist (due reassessments, drafts, what awaits a
countersignature)."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from alliance.core import audit
from alliance.core.i18n import current_language
from alliance.core.models import AuditAction
from alliance.people.access import persons, visible_condition

from ..access import assessments, can_read_treatment, countersign_agency_ids, due_detail, screenings
from ..charts import trend_svg as draw_trend
from ..instruments.scoring import compute_outputs, count_unknowns
from ..models import FINAL, AssessmentDue, AssessmentStatus, ItemRating
from .changes import change_counts, comparison, previous_of, profile_chart, readable_previous
from .summary import formulation_only, judgement_label, needs_of, ratings_map, strengths_of


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
        assessments.for_person(user, person)
        .select_related("instrument_version__instrument", "lead_assessor", "countersigned_by")
        .defer("instrument_version__definition")
        # The section shows ratings, never their evidence: left encrypted in the database.
        .prefetch_related(Prefetch("ratings", queryset=ItemRating.objects.defer("evidence")))
        .order_by("-created_at"))
    rows = [{"assessment": a, "judgement": judgement_label(a),
             "formulation_only": formulation_only(a.instrument_version.parsed),
             "instrument_name": a.instrument_version.parsed.name.get(current_language()),
             "unknowns": count_unknowns(a.instrument_version.parsed, ratings_map(a)).total
             if full else None} for a in shown]
    latest = next((r for r in rows if r["assessment"].status == AssessmentStatus.COUNTERSIGNED),
                  None)
    screening_rows = []
    if full:
        for s in (screenings.for_person(user, person)
                  .select_related("instrument_version__instrument", "screened_by")
                  .defer("instrument_version__definition")[:10]):
            option = s.instrument_version.parsed.outcomes.option(s.outcome)
            label = option.label.get(current_language()) if option else s.outcome
            screening_rows.append({"screening": s, "outcome": label})
    due = AssessmentDue.objects.filter(person=person).first()
    changes, profile = {}, ""
    if latest is not None and full:
        a = latest["assessment"]
        definition, previous = a.instrument_version.parsed, previous_of(a, among=shown)
        compared = comparison(a, previous)
        if compared["previous"] is not None:
            changes = change_counts(compared["rows"])
        profile = profile_chart(definition, ratings_map(a), readable_previous(definition, previous),
                                compared=previous is not None, width=360)
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
        "due": due, "due_detail": due_detail(due, grant, person) if due else "",
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
    return [{"due": row, "detail": due_detail(row, grants[row.person_id], row.person),
             "overdue": row.due_on < today} for row in due_rows]


def drafts_of(user):
    return (assessments.visible(user).filter(participants__user=user, status__in=[
        AssessmentStatus.DRAFT, AssessmentStatus.RETURNED]).select_related(
        "person", "instrument_version__instrument").defer("instrument_version__definition"))


def awaiting_countersignature(user):
    """Submitted assessments this manager may countersign (the policy's reviewer rule)."""
    return (assessments.visible(user).filter(
        status=AssessmentStatus.SUBMITTED,
        person__responsible_agency_id__in=countersign_agency_ids(user))
        .exclude(participants__user=user)
        .select_related("person", "instrument_version__instrument", "submitted_by")
        .defer("instrument_version__definition"))


def worklist(user) -> dict:
    """The assessments worklist, noted as one consultation of the people it shows."""
    page = {"due": due_worklist(user), "drafts": list(drafts_of(user)),
            "to_countersign": list(awaiting_countersignature(user))}
    people = [r["due"].person for r in page["due"]] + [
        a.person for a in (*page["drafts"], *page["to_countersign"])]
    audit.consulted(actor=user, action=AuditAction.LIST, persons=people,
                    details={"resource": "assessment_worklist"})
    return page
