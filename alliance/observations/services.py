"""Every write of dynamic security: atomic, permission re-checked with the policy's grant on the
locked row, validated with reasons a user can act on, audited (never with the texts, which are
security material: the audit names the fields that changed). What follows from a write (an
escalation's task, notifications and reassessment trigger; the observer told their entry was
read) happens in the same transaction through work.py and the assessments' trigger."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.accounts.models import CASEWORK_ROLES, Membership, Role, User
from alliance.assessments.models import DueReason
from alliance.assessments.services import mark_reassessment_due
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.people import timeline
from alliance.people.access import person_grant
from alliance.people.models import CustodyEpisode

from . import grading, work
from .access import (
    ObservationAction,
    SecurityAction,
    SummaryAction,
    analyses,
    observations,
    security_grant,
    summaries,
)
from .models import (
    ALLOWED_TRANSITIONS,
    MAX_TEXT,
    Addendum,
    Analysis,
    Category,
    Indicator,
    Observation,
    ObservationLink,
    ObservationSettings,
    ObservationStatus,
    Recipient,
    SharedSummary,
)

FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
OLDEST = datetime.timedelta(days=366)
GRADING_FIELDS = {"source_reliability": "source", "information_assessment": "information",
                  "handling_code": "handling"}
GRADING_MISSING = {
    "source_reliability": gettext_lazy("Grade how reliable the source is."),
    "information_assessment": gettext_lazy("Grade how far the information can be trusted."),
    "handling_code": gettext_lazy("Choose a handling code: it decides who may ever read a "
                                  "summary of it."),
}


def settings_for(jurisdiction) -> ObservationSettings:
    """The jurisdiction's dynamic-security settings (the defaults, the first time)."""
    found, _created = ObservationSettings.objects.get_or_create(jurisdiction=jurisdiction)
    return found


def scheme_for(person) -> grading.Scheme:
    return grading.scheme(settings_for(person.jurisdiction).grading_scheme)


def indicators_for(jurisdiction):
    """The escalation indicators in use in a jurisdiction: the regional ones and its own."""
    return Indicator.objects.filter(
        Q(jurisdiction__isnull=True) | Q(jurisdiction=jurisdiction), is_active=True
    ).order_by("order", "name")


def _text(value, field: str, errors: dict, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > MAX_TEXT:
        errors[field] = _("Keep this under %(max)d characters.") % {"max": MAX_TEXT}
    return value


def _refuse_unless(grant, action: str, message: str) -> None:
    if not grant.can(action):
        raise PermissionDenied(message)


def _observation_grant(actor, observation):
    return observations.grant_on_person(actor, observation,
                                        person_grant(actor, observation.person))


def _moves_to(observation, status: str) -> bool:
    """Whether the status machine lets `observation` move to `status` (ALLOWED_TRANSITIONS)."""
    return status in ALLOWED_TRANSITIONS[ObservationStatus(observation.status)]


def _locked(observation) -> Observation:
    return (Observation.objects.select_for_update(of=("self",))
            .select_related("person__jurisdiction", "person__responsible_agency", "recorded_by")
            .get(pk=observation.pk))


NOT_YOURS = gettext_lazy("You may not work with this observation.")


def _locked_for(actor, observation):
    """The observation, locked, and the actor's grant on it. Someone with no grant at all is
    refused before anything about its state, date or version is said."""
    observation = _locked(observation)
    grant = _observation_grant(actor, observation)
    if not grant.actions:
        raise PermissionDenied(NOT_YOURS)
    return observation, grant


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
                 params={"category": observation.category})
    codes = ", ".join(i.code for i in observation.indicators.all())
    mark_reassessment_due(
        person=observation.person, reason=DueReason.SIGNIFICANT_EVENT,
        compartment=Compartment.SECURITY, actor=actor,
        detail=_("Observation of %(date)s with escalation indicators: %(codes)s") % {
            "date": formats.date_format(timezone.localtime(observation.observed_at),
                                        "SHORT_DATE_FORMAT"), "codes": codes})
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
                 else Compartment.SECURITY, actor=actor, params={"category": category})
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
    work.on_archived(observation, actor)
    return observation


# --- analyses ------------------------------------------------------------------------------------

def _person_observations(person, chosen, errors: dict, field: str = "observations") -> list:
    chosen = list(chosen or [])
    if any(o.person_id != person.pk for o in chosen):
        errors[field] = _("Choose observations of %(reference)s only.") % {
            "reference": person.reference}
    return chosen


@transaction.atomic
def analysis_save(*, actor, person, text: str, observations=(), analysis=None,
                  expected_version=None) -> Analysis:
    """Write an analysis of a person's observations, or correct one's own."""
    grant = security_grant(actor, person, person_grant(actor, person))
    _refuse_unless(grant, SecurityAction.ANALYSE, _(
        "Analyses are written by the security analysts of the agency responsible for the "
        "person."))
    if analysis is not None:
        analysis = Analysis.objects.select_for_update().get(pk=analysis.pk)
        if analysis.person_id != person.pk:
            raise ValidationError(_("This analysis is about someone else."))
        _refuse_unless(analyses.grant(actor, analysis), ObservationAction.EDIT,
                       _("Only its author may change an analysis."))
        check_version(analysis, expected_version)
    errors: dict = {}
    text = _text(text, "text", errors)
    chosen = _person_observations(person, observations, errors)
    if errors:
        raise ValidationError(errors)
    if analysis is None:
        analysis = Analysis.objects.create(person=person, text=text, author=actor)
        action = AuditAction.CREATE
    else:
        analysis.text = text
        analysis.version += 1
        analysis.save()
        action = AuditAction.CHANGE
    analysis.observations.set(chosen)
    audit.record(actor=actor, action=action, obj=analysis, person=person,
                 details={"observations": [str(o.uuid) for o in chosen]})
    return analysis


# --- shared summaries ----------------------------------------------------------------------------

def reached_users(person, named, roles) -> list:
    """Everyone a summary addressed to `named` users and `roles` reaches now: the named users,
    and the holders of those roles who hold the person's case-team share."""
    users = {u.pk: u for u in named}
    if roles:
        candidates = list(Membership.objects.filter(
            agency=person.responsible_agency, is_active=True, user__is_active=True)
            .values_list("user_id", "roles"))
        on_team = set(person.cases.filter(status="open", team__ended_at__isnull=True)
                      .values_list("team__user_id", flat=True))
        candidates += list(Membership.objects.filter(user_id__in=on_team, is_active=True,
                                                    user__is_active=True)
                          .values_list("user_id", "roles"))
        ids = {uid for uid, member_roles in candidates if set(member_roles) & set(roles)}
        for user in User.objects.filter(pk__in=ids - set(users)):
            if Compartment.CASE_TEAM in person_grant(user, person).compartments:
                users[user.pk] = user
    return sorted(users.values(), key=lambda u: u.pk)


def _check_recipients(person, named, roles, basis, errors: dict) -> None:
    if not named and not roles:
        errors["recipients"] = _("Choose who receives the summary: named members of the case "
                                 "team, or a role.")
    for user in named:
        if Compartment.CASE_TEAM not in person_grant(user, person).compartments:
            errors["recipients"] = _(
                "%(user)s is not on the case team of %(reference)s: a summary is shared only "
                "with people who work with the person.") % {"user": user,
                                                             "reference": person.reference}
    for role in roles:
        if role not in CASEWORK_ROLES:
            errors["roles"] = _("%(role)s does not work with individual people.") % {
                "role": dict(Role.choices).get(role, role)}
    reaches = {}
    for observation in basis:
        grade = grading.scheme(observation.scheme).grade("handling", observation.handling_code)
        reaches[observation] = grade.reach if grade else grading.ORIGINATOR
    reach = grading.narrowest(reaches.values())
    if reach == grading.ORIGINATOR:
        errors["observations"] = _(
            "An observation chosen has a handling code that allows no further dissemination: "
            "no summary may draw on it.")
    elif reach == grading.AGENCY:
        facilities = {o.facility_id for o, r in reaches.items() if r == grading.AGENCY}
        if roles:
            errors["roles"] = _("An observation chosen may be shared only within the recording "
                                "agency: name the recipients instead of a role.")
        for user in named:
            agencies = set(Membership.objects.filter(user=user, is_active=True)
                           .values_list("agency_id", flat=True))
            if not facilities <= agencies:
                errors["recipients"] = _(
                    "%(user)s works outside the agency that recorded an observation chosen, "
                    "whose handling code keeps it within that agency.") % {"user": user}


@transaction.atomic
def share_create(*, actor, person, summary: str, expires_on: datetime.date, recipients=(),
                 roles=(), observations=(), analysis=None) -> SharedSummary:
    """Share a sanitised summary with named members of the case team and/or the holders of
    roles among them, until `expires_on`. The observations it draws on decide how far it may go
    (their handling codes)."""
    grant = security_grant(actor, person, person_grant(actor, person))
    _refuse_unless(grant, SecurityAction.ANALYSE, _(
        "Summaries are shared by the security analysts of the agency responsible for the "
        "person."))
    errors: dict = {}
    summary = _text(summary, "summary", errors)
    basis = _person_observations(person, observations, errors)
    # Locked: their status moves to "shared" below, and their handling codes decide the reach.
    basis = list(Observation.objects.select_for_update(of=("self",))
                 .filter(pk__in=[o.pk for o in basis]).order_by("pk"))
    for observation in basis:
        if not observation.is_reviewed or observation.status == ObservationStatus.ARCHIVED:
            errors["observations"] = _("Share only from reviewed observations that are not "
                                       "archived.")
    if analysis is not None and analysis.person_id != person.pk:
        errors["analysis"] = _("This analysis is about someone else.")
    today = timezone.localdate()
    limit = settings_for(person.jurisdiction).share_max_days
    if expires_on is None:
        errors["expires_on"] = _("Say until when the summary may be read.")
    elif expires_on <= today:
        errors["expires_on"] = _("Choose a date after today.")
    elif expires_on > today + datetime.timedelta(days=limit):
        errors["expires_on"] = _("A summary may be shared for at most %(days)d days.") % {
            "days": limit}
    named, roles = list(dict.fromkeys(recipients)), sorted(set(roles))
    # An analysis carries what it reads: its observations' handling codes bound the reach too.
    read = list(analysis.observations.all()) if analysis is not None else []
    _check_recipients(person, named, roles, list(dict.fromkeys(basis + read)), errors)
    if errors:
        raise ValidationError(errors)
    shared = SharedSummary.objects.create(person=person, summary=summary, analysis=analysis,
                                          shared_by=actor, agency=person.responsible_agency,
                                          expires_on=expires_on)
    shared.observations.set(basis)
    Recipient.objects.bulk_create([Recipient(summary=shared, user=u) for u in named]
                                  + [Recipient(summary=shared, role=r) for r in roles])
    for observation in basis:
        if observation.status != ObservationStatus.SHARED \
                and _moves_to(observation, ObservationStatus.SHARED):
            observation.status = ObservationStatus.SHARED
            observation.version += 1
            observation.save(update_fields=["status", "version", "updated_at"])
    timeline.add(person=person, kind="summary_shared", compartment=Compartment.SECURITY,
                 actor=actor, params={"count": len(named) + len(roles)})
    audit.record(actor=actor, action=AuditAction.DISCLOSE, obj=shared, person=person, details={
        "recipients": [u.get_username() for u in named], "roles": roles,
        "expires_on": expires_on.isoformat(),
        "observations": [str(o.uuid) for o in basis]})
    work.on_shared(shared, reached_users(person, named, roles), actor)
    return shared


@transaction.atomic
def share_withdraw(*, actor, summary, expected_version, reason: str) -> SharedSummary:
    """Stop a summary being read before its expiry, with the reason."""
    summary = SharedSummary.objects.select_for_update(of=("self",)).select_related(
        "person").get(pk=summary.pk)
    if not summaries.grant(actor, summary).actions:
        raise PermissionDenied(_("You may not work with this summary."))
    check_version(summary, expected_version)
    if summary.withdrawn_at is not None:
        raise ValidationError(_("This summary has already been withdrawn."))
    if summary.expires_on < timezone.localdate():
        raise ValidationError(_("This summary has expired: nobody reads it any more."))
    _refuse_unless(summaries.grant(actor, summary), SummaryAction.WITHDRAW, _(
        "Summaries are withdrawn by the security analysts of the agency responsible for the "
        "person."))
    errors: dict = {}
    reason = _text(reason, "reason", errors)
    if errors:
        raise ValidationError(errors)
    summary.withdrawn_at, summary.withdrawn_by = timezone.now(), actor
    summary.withdrawn_reason = reason
    summary.version += 1
    summary.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=summary, person=summary.person,
                 details={"withdrawn": True})
    return summary
