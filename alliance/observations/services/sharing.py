"""Analyses and the summaries shared with the case team: who they reach, how far the
handling codes let them go, expiry and withdrawal."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.models import CASEWORK_ROLES, Membership, Role, User
from alliance.core import audit
from alliance.core.compartments import Compartment, DataCategory
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.people import timeline
from alliance.people.access import person_grant

from .. import grading, work
from ..access import (
    ObservationAction,
    SecurityAction,
    SummaryAction,
    analyses,
    security_grant,
    summaries,
)
from ..models import (
    Analysis,
    Observation,
    ObservationStatus,
    Recipient,
    SharedSummary,
)
from .common import (
    _moves_to,
    _refuse_unless,
    _text,
    settings_for,
)

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
            if DataCategory.SECURITY_SUMMARY in person_grant(user, person).compartments:
                users[user.pk] = user
    return sorted(users.values(), key=lambda u: u.pk)


def _check_recipients(person, named, roles, basis, errors: dict) -> None:
    if not named and not roles:
        errors["recipients"] = _("Choose who receives the summary: named members of the case "
                                 "team, or a role.")
    for user in named:
        if DataCategory.SECURITY_SUMMARY not in person_grant(user, person).compartments:
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

