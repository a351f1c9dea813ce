"""Observations: recording, correcting before review, addenda, review, links, archiving;
and the escalation that indicators set off."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alliance.assessments.models import DueDetail, DueReason
from alliance.assessments.services import mark_reassessment_due
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.people import timeline
from alliance.people.access import person_grant
from alliance.people.models import CustodyEpisode

from .. import work
from ..access import (
    ObservationAction,
    SecurityAction,
    security_grant,
)
from ..models import (
    Addendum,
    Category,
    Observation,
    ObservationLink,
    ObservationStatus,
)
from .common import (
    FUTURE_TOLERANCE,
    GRADING_FIELDS,
    GRADING_MISSING,
    OLDEST,
    _locked,
    _locked_for,
    _moves_to,
    _observation_grant,
    _refuse_unless,
    _text,
    indicators_for,
    scheme_for,
)

# --- observations --------------------------------------------------------------------------------

def _clean_observation(person, fields: dict, errors: dict) -> dict:
    """The observation's fields as stored, with a reason in `errors` for each that is not."""
    scheme = scheme_for(person)
    cleaned = {"scheme": scheme.code}
    now = timezone.now()
    observed_at = fields.get("observed_at")
    if observed_at is None:
        errors["observed_at"] = _("Say when it happened.")
    elif observed_at > now + FUTURE_TOLERANCE:
        errors["observed_at"] = _("This is in the future: say when it happened.")
    elif observed_at < now - OLDEST:
        errors["observed_at"] = _("This is more than a year ago: record it as an addendum to "
                                  "an observation of the time, or ask the analyst.")
    cleaned["observed_at"] = observed_at
    category = fields.get("category", "")
    if category not in Category.values:
        errors["category"] = _("Choose a category.")
    cleaned["category"] = category
    cleaned["verbatim"] = _text(fields.get("verbatim"), "verbatim", errors)
    cleaned["context"] = _text(fields.get("context"), "context", errors, required=False)
    cleaned["opinion"] = _text(fields.get("opinion"), "opinion", errors, required=False)
    for field, scale in GRADING_FIELDS.items():
        code = (fields.get(field) or "").strip()
        if not code:
            errors[field] = GRADING_MISSING[field]
        elif scheme.grade(scale, code) is None:
            errors[field] = _("%(code)s is not a grade of the %(scheme)s scheme.") % {
                "code": code, "scheme": scheme.name}
        cleaned[field] = code
    unit = fields.get("unit")
    if unit is not None and unit.agency_id != person.responsible_agency_id:
        errors["unit"] = _("This wing is not in %(facility)s.") % {
            "facility": person.responsible_agency}
    if unit is None:
        episode = CustodyEpisode.objects.filter(person=person, is_current=True).only(
            "unit_id", "facility_id").first()
        if episode and episode.facility_id == person.responsible_agency_id:
            unit = episode.unit
    cleaned["unit"] = unit
    return cleaned


def _clean_indicators(person, indicators, errors: dict) -> list:
    indicators = list(indicators or [])
    allowed = {i.pk for i in indicators_for(person.jurisdiction)}
    if any(i.pk not in allowed for i in indicators):
        errors["indicators"] = _("One of these indicators is not in use in %(jurisdiction)s.") \
            % {"jurisdiction": person.jurisdiction}
    return indicators


def _escalate(observation, actor) -> None:
    observation.escalated = True
    timeline.add(person=observation.person, kind="observation_escalated",
                 compartment=Compartment.SECURITY, actor=actor,
                 occurred_at=observation.observed_at, params={"category": observation.category})
    codes = [i.code for i in observation.indicators.all()]
    mark_reassessment_due(
        person=observation.person, reason=DueReason.SIGNIFICANT_EVENT,
        compartment=Compartment.SECURITY, actor=actor, detail=DueDetail.OBSERVATION_ESCALATED,
        detail_params={"observed_on": timezone.localtime(observation.observed_at).date(),
                       "indicators": codes})
    work.on_escalated(observation, actor)


@transaction.atomic
def observation_record(*, actor, person, observed_at, category: str, verbatim: str,
                       source_reliability: str, information_assessment: str, handling_code: str,
                       context: str = "", opinion: str = "", indicators=(), unit=None
                       ) -> Observation:
    """Record what was seen or heard. With escalation indicators, the analysts get a task, the
    case manager and the security lead a notification, and a reassessment falls due."""
    _refuse_unless(security_grant(actor, person, person_grant(actor, person)),
                   SecurityAction.RECORD, _(
                       "Observations are recorded by the staff of the prison responsible for "
                       "the person, and by case-team members with the security scope."))
    errors: dict = {}
    fields = _clean_observation(person, {
        "observed_at": observed_at, "category": category, "verbatim": verbatim,
        "context": context, "opinion": opinion, "source_reliability": source_reliability,
        "information_assessment": information_assessment, "handling_code": handling_code,
        "unit": unit}, errors)
    indicators = _clean_indicators(person, indicators, errors)
    if errors:
        raise ValidationError(errors)
    observation = Observation.objects.create(person=person, facility=person.responsible_agency,
                                             recorded_by=actor, **fields)
    observation.indicators.set(indicators)
    positive = fields["category"] == Category.POSITIVE
    # Positive engagement is told to the case team (the fact, never the entry).
    timeline.add(person=person, kind="positive_engagement" if positive else
                 "observation_recorded", compartment=Compartment.CASE_TEAM if positive
                 else Compartment.SECURITY, actor=actor, occurred_at=observation.observed_at,
                 params={"category": category})
    if indicators:
        _escalate(observation, actor)
        observation.save(update_fields=["escalated"])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=observation, person=person,
                 details={"category": category, "escalated": observation.escalated,
                          "indicators": [i.code for i in indicators],
                          "grading": f"{source_reliability}/{information_assessment}/"
                                     f"{handling_code}"})
    return observation


@transaction.atomic
def observation_update(*, actor, observation, expected_version, indicators=None,
                       **fields) -> Observation:
    """Its author corrects an observation that no analyst has read yet. Once reviewed it is
    fixed: the reason is given, and an addendum is the way to correct it."""
    observation, grant = _locked_for(actor, observation)
    if observation.is_reviewed:
        raise ValidationError(_(
            "This observation was reviewed on %(date)s and can no longer be changed: add an "
            "addendum to correct it.") % {"date": formats.date_format(
                timezone.localtime(observation.reviewed_at or observation.updated_at),
                "SHORT_DATE_FORMAT")})
    _refuse_unless(grant, ObservationAction.EDIT, _(
        "Only the officer who recorded an observation may correct it, before it is reviewed."))
    check_version(observation, expected_version)
    current = {name: getattr(observation, name) for name in (
        "observed_at", "category", "verbatim", "context", "opinion", "source_reliability",
        "information_assessment", "handling_code", "unit")}
    errors: dict = {}
    cleaned = _clean_observation(observation.person, {**current, **fields}, errors)
    chosen = (list(observation.indicators.all()) if indicators is None
              else _clean_indicators(observation.person, indicators, errors))
    if errors:
        raise ValidationError(errors)
    changed = sorted(n for n, v in cleaned.items() if n in current and current[n] != v)
    before = {i.pk for i in observation.indicators.all()}
    if {i.pk for i in chosen} != before:
        changed.append("indicators")
    for name, value in cleaned.items():
        setattr(observation, name, value)
    observation.version += 1
    observation.save()
    observation.indicators.set(chosen)
    if chosen and not observation.escalated:
        _escalate(observation, actor)
        observation.save(update_fields=["escalated"])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=observation,
                 person=observation.person, details={"fields": changed})
    return observation


@transaction.atomic
def addendum_add(*, actor, observation, text: str) -> Addendum:
    """Correct or complete a reviewed observation (its author, or an analyst)."""
    observation, grant = _locked_for(actor, observation)
    if not observation.is_reviewed:
        raise ValidationError(_("This observation has not been reviewed yet: correct it "
                                "directly."))
    _refuse_unless(grant, ObservationAction.ADDENDUM, _(
        "Addenda are added by the officer who recorded the observation, or by an analyst."))
    errors: dict = {}
    text = _text(text, "text", errors)
    if errors:
        raise ValidationError(errors)
    addendum = Addendum.objects.create(observation=observation, text=text, author=actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=addendum,
                 person=observation.person,
                 details={"observation": str(observation.uuid)})
    return addendum


@transaction.atomic
def observation_review(*, actor, observation, expected_version, feedback: str = "") -> Observation:
    """An analyst has read a new observation: it is fixed from now on, and its observer is told."""
    observation, grant = _locked_for(actor, observation)
    if not _moves_to(observation, ObservationStatus.REVIEWED):
        raise ValidationError(_("This observation has already been reviewed."))
    _refuse_unless(grant, ObservationAction.REVIEW, _(
        "Observations are reviewed by the security analysts of the agency responsible for the "
        "person."))
    check_version(observation, expected_version)
    errors: dict = {}
    feedback = _text(feedback, "feedback", errors, required=False)
    if errors:
        raise ValidationError(errors)
    observation.status = ObservationStatus.REVIEWED
    observation.reviewed_by, observation.reviewed_at = actor, timezone.now()
    observation.feedback = feedback
    observation.version += 1
    observation.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=observation,
                 person=observation.person,
                 details={"status": observation.status, "feedback": bool(feedback)})
    work.on_reviewed(observation, actor)
    return observation


def _check_linkable(actor, observation) -> None:
    if not observation.is_reviewed:
        raise ValidationError(_("Review the observation of %(date)s first.") % {
            "date": formats.date_format(timezone.localtime(observation.observed_at),
                                        "SHORT_DATE_FORMAT")})
    _refuse_unless(_observation_grant(actor, observation), ObservationAction.LINK, _(
        "Observations are linked by the security analysts of the agency responsible for the "
        "person."))


@transaction.atomic
def observation_link(*, actor, observation, other, note: str = "") -> ObservationLink:
    """Read two observations together (of one person, or of associates)."""
    if observation.pk == other.pk:
        raise ValidationError({"other": _("An observation cannot be linked to itself.")})
    first, second = sorted([_locked_for(actor, observation)[0], _locked_for(actor, other)[0]],
                           key=lambda o: o.pk)
    for each in (first, second):
        _check_linkable(actor, each)
    errors: dict = {}
    note = _text(note, "note", errors, required=False)
    if errors:
        raise ValidationError(errors)
    if ObservationLink.objects.filter(first=first, second=second).exists():
        raise ValidationError({"other": _("These observations are already linked.")})
    link = ObservationLink.objects.create(first=first, second=second, note=note,
                                          created_by=actor)
    for each in (first, second):
        if each.status == ObservationStatus.REVIEWED and _moves_to(each, ObservationStatus.LINKED):
            each.status = ObservationStatus.LINKED
            each.version += 1
            each.save(update_fields=["status", "version", "updated_at"])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=link, person=first.person,
                 details={"first": str(first.uuid), "second": str(second.uuid),
                          "persons": sorted({first.person.reference,
                                             second.person.reference})})
    return link


@transaction.atomic
def observation_unlink(*, actor, link) -> None:
    """Remove a link made in error (the observations keep their status)."""
    first, second = _locked(link.first), _locked(link.second)
    for each in (first, second):
        _refuse_unless(_observation_grant(actor, each), ObservationAction.LINK, _(
            "Links are removed by the security analysts of the agency responsible for the "
            "person."))
    audit.record(actor=actor, action=AuditAction.DELETE, obj=link, person=first.person,
                 details={"first": str(first.uuid), "second": str(second.uuid)})
    link.delete()


@transaction.atomic
def observation_archive(*, actor, observation, expected_version, reason: str) -> Observation:
    """Put a reviewed observation away (no longer current), with the reason; it stays readable."""
    observation, grant = _locked_for(actor, observation)
    if observation.status == ObservationStatus.ARCHIVED:
        raise ValidationError(_("This observation is already archived."))
    if not _moves_to(observation, ObservationStatus.ARCHIVED):
        raise ValidationError(_("Review the observation before archiving it."))
    _refuse_unless(grant, ObservationAction.ARCHIVE, _(
        "Observations are archived by the security analysts of the agency responsible for the "
        "person."))
    check_version(observation, expected_version)
    errors: dict = {}
    reason = _text(reason, "reason", errors)
    if errors:
        raise ValidationError(errors)
    observation.status, observation.archived_reason = ObservationStatus.ARCHIVED, reason
    observation.version += 1
    observation.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=observation,
                 person=observation.person, details={"status": observation.status})
    return observation


