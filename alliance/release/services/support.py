"""The post-release support plan: pathways with needs and actions, the receiving municipality
and the family; supervision conditions, the contacts log, breaches and recalls."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.organisations.models import AgencyType
from alliance.people import timeline
from alliance.people.models import CustodyEpisode

from .. import work as release_work
from ..models import (
    ActionStatus,
    Breach,
    BreachResponse,
    ConditionKind,
    ContactKind,
    Pathway,
    PathwayEntry,
    PathwayStatus,
    SupervisionCondition,
    SupervisionContact,
    SupportAction,
    SupportPlan,
)
from .common import check_agency, clean_text, not_in_future, require

PLAN_FIELDS = ["municipality", "municipality_involvement", "family_involvement",
               "supervising_agency", "supervision_ends_on"]


def episode_for_plan(person) -> CustodyEpisode | None:
    """The episode a support plan prepares the release from: the current one, else the latest
    (a plan may be started after the release)."""
    return (CustodyEpisode.objects.filter(person=person)
            .order_by("-is_current", "-admitted_on", "-id").first())


def current_plan(person) -> SupportPlan | None:
    episode = episode_for_plan(person)
    return SupportPlan.objects.filter(episode=episode).first() if episode else None


@transaction.atomic
def support_plan_start(*, actor, person) -> SupportPlan:
    """Start the support plan for the person's current (or latest) custody episode, with every
    pathway not yet assessed. Starting it again returns the plan that exists."""
    require(actor, person)
    episode = episode_for_plan(person)
    if episode is None:
        raise ValidationError(_("%(reference)s has no custody episode: a support plan prepares "
                                "a release.") % {"reference": person.reference})
    existing = SupportPlan.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    plan = SupportPlan.objects.create(person=person, episode=episode, created_by=actor,
                                      updated_by=actor)
    PathwayEntry.objects.bulk_create([PathwayEntry(plan=plan, pathway=p) for p in Pathway.values])
    timeline.add(person=person, kind="support_plan_started", compartment=Compartment.CASE_TEAM,
                 actor=actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=plan,
                 details={"pathways": list(Pathway.values)})
    return plan


def _locked_plan(plan, expected_version=None) -> SupportPlan:
    plan = SupportPlan.objects.select_for_update().select_related(
        "person__responsible_agency", "person__jurisdiction", "episode").get(pk=plan.pk)
    check_version(plan, expected_version)
    return plan


def _touch(plan, actor) -> None:
    """A change anywhere in the plan is a new version of it (a stale edit of the plan's page
    is then refused)."""
    plan.version += 1
    plan.updated_by = actor
    plan.save(update_fields=["version", "updated_by", "updated_at"])


@transaction.atomic
def support_plan_update(*, actor, plan: SupportPlan, expected_version: int | None,
                        **changes) -> SupportPlan:
    """The receiving municipality and its involvement, the family's involvement, the
    supervising agency and the end of supervision."""
    require(actor, plan.person)
    plan = _locked_plan(plan, expected_version)
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    municipality = changes.get("municipality", plan.municipality)
    if municipality is not None and (municipality.type != AgencyType.MUNICIPALITY
                                     or municipality.jurisdiction_id
                                     != plan.person.jurisdiction_id):
        raise ValidationError({"municipality": _(
            "Choose a municipality or social service of the person's jurisdiction.")})
    supervising = changes.get("supervising_agency", plan.supervising_agency)
    if supervising is not None:
        if supervising.type != AgencyType.PROBATION:
            raise ValidationError({"supervising_agency": _("Choose a probation service.")})
        if supervising != plan.supervising_agency:
            check_agency(plan.person, supervising, "supervising_agency")
    for field in ("municipality_involvement", "family_involvement"):
        if field in changes:
            changes[field] = clean_text(changes[field], field)
    changed = sorted(f for f, v in changes.items() if getattr(plan, f) != v)
    if not changed:
        return plan
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.version += 1
    plan.updated_by = actor
    plan.save()
    timeline.add(person=plan.person, kind="support_plan_updated",
                 compartment=Compartment.CASE_TEAM, actor=actor)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=plan, details={"fields": changed})
    return plan


@transaction.atomic
def pathway_update(*, actor, entry: PathwayEntry, expected_version: int | None, needs: str,
                   status: str) -> PathwayEntry:
    """A pathway's needs and where the work stands. A need identified is written down."""
    plan = entry.plan
    require(actor, plan.person)
    entry = PathwayEntry.objects.select_for_update().get(pk=entry.pk)
    check_version(entry, expected_version)
    if status not in PathwayStatus.values:
        raise ValidationError({"status": _("Choose where the work stands.")})
    needs = clean_text(needs, "needs", required=status in (
        PathwayStatus.NEED, PathwayStatus.IN_PROGRESS, PathwayStatus.MET), message=_(
        "Write down the need before saying it is identified, worked on or met."))
    changed = sorted(f for f, v in (("needs", needs), ("status", status))
                     if getattr(entry, f) != v)
    if not changed:
        return entry
    entry.needs, entry.status, entry.updated_by = needs, status, actor
    entry.version += 1
    entry.save()
    _touch(_locked_plan(plan), actor)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=entry, person=plan.person,
                 details={"fields": changed, "pathway": entry.pathway, "status": status})
    return entry


def _check_action(person, description, agency, due_on):
    description = clean_text(description, "description", required=True,
                             message=_("Say what will be done."))
    check_agency(person, agency)
    return description


@transaction.atomic
def action_add(*, actor, entry: PathwayEntry, description: str, agency,
               due_on: datetime.date | None = None) -> SupportAction:
    """An action on a pathway, given to the agency that will do it (responsible, or on the
    case team)."""
    plan = entry.plan
    require(actor, plan.person)
    description = _check_action(plan.person, description, agency, due_on)
    action = SupportAction.objects.create(entry=entry, description=description, agency=agency,
                                          due_on=due_on, created_by=actor)
    _touch(_locked_plan(plan), actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=action, person=plan.person,
                 details={"pathway": entry.pathway, "agency": str(agency.uuid)})
    return action


@transaction.atomic
def action_update(*, actor, action: SupportAction, expected_version: int | None,
                  description: str, agency, due_on, status: str) -> SupportAction:
    plan = action.entry.plan
    require(actor, plan.person)
    action = SupportAction.objects.select_for_update().get(pk=action.pk)
    check_version(action, expected_version)
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose the action's status.")})
    description = clean_text(description, "description", required=True,
                             message=_("Say what will be done."))
    if agency != action.agency:
        check_agency(plan.person, agency)
    values = {"description": description, "agency": agency, "due_on": due_on, "status": status}
    changed = sorted(f for f, v in values.items() if getattr(action, f) != v)
    if not changed:
        return action
    for field, value in values.items():
        setattr(action, field, value)
    action.version += 1
    action.save()
    _touch(_locked_plan(plan), actor)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=action, person=plan.person,
                 details={"fields": changed, "status": status})
    return action


# --- supervision ---------------------------------------------------------------------------------

@transaction.atomic
def condition_add(*, actor, plan: SupportPlan, kind: str, detail: str,
                  starts_on: datetime.date, ends_on: datetime.date | None = None
                  ) -> SupervisionCondition:
    """A supervision condition (reporting, residence, contacts, travel) and its dates."""
    require(actor, plan.person)
    if kind not in ConditionKind.values:
        raise ValidationError({"kind": _("Choose the kind of condition.")})
    detail = clean_text(detail, "detail", required=True,
                        message=_("Write the condition as the order states it."))
    if starts_on is None:
        raise ValidationError({"starts_on": _("Enter the date the condition starts.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot be before the start.")})
    condition = SupervisionCondition.objects.create(plan=plan, kind=kind, detail=detail,
                                                    starts_on=starts_on, ends_on=ends_on,
                                                    created_by=actor)
    _touch(_locked_plan(plan), actor)
    timeline.add(person=plan.person, kind="supervision_condition_added",
                 compartment=Compartment.CASE_TEAM, actor=actor, params={"condition": kind})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=condition, person=plan.person,
                 details={"kind": kind, "starts_on": starts_on.isoformat()})
    return condition


@transaction.atomic
def condition_end(*, actor, condition: SupervisionCondition, expected_version: int | None,
                  ends_on: datetime.date) -> SupervisionCondition:
    """End a condition (lifted, or the order ended) on a date."""
    plan = condition.plan
    require(actor, plan.person)
    condition = SupervisionCondition.objects.select_for_update().get(pk=condition.pk)
    check_version(condition, expected_version)
    if ends_on is None:
        raise ValidationError({"ends_on": _("Enter the date the condition ends.")})
    if ends_on < condition.starts_on:
        raise ValidationError({"ends_on": _("The end cannot be before the start.")})
    condition.ends_on = ends_on
    condition.version += 1
    condition.save()
    _touch(_locked_plan(plan), actor)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=condition, person=plan.person,
                 details={"fields": ["ends_on"], "ends_on": ends_on.isoformat()})
    return condition


def _acting_agency(actor, person):
    from alliance.people.access import person_grant

    return person_grant(actor, person).agency or person.responsible_agency


@transaction.atomic
def contact_add(*, actor, plan: SupportPlan, contact_on: datetime.date, kind: str,
                kept: bool = True, notes: str = "") -> SupervisionContact:
    """An entry in the contacts log: when, how, whether the person attended."""
    require(actor, plan.person)
    if contact_on is None:
        raise ValidationError({"contact_on": _("Enter the date of the contact.")})
    not_in_future(contact_on, "contact_on", timezone.localdate())
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Choose the kind of contact.")})
    contact = SupervisionContact.objects.create(
        plan=plan, contact_on=contact_on, kind=kind, kept=bool(kept),
        notes=clean_text(notes, "notes"), agency=_acting_agency(actor, plan.person),
        recorded_by=actor)
    _touch(_locked_plan(plan), actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=contact, person=plan.person,
                 details={"kind": kind, "kept": bool(kept), "on": contact_on.isoformat()})
    return contact


@transaction.atomic
def breach_add(*, actor, plan: SupportPlan, occurred_on: datetime.date, description: str,
               response: str, response_on: datetime.date | None = None,
               condition: SupervisionCondition | None = None) -> Breach:
    """A breach of supervision and the response, up to a recall; the case manager is told."""
    require(actor, plan.person)
    today = timezone.localdate()
    if occurred_on is None:
        raise ValidationError({"occurred_on": _("Enter the date of the breach.")})
    not_in_future(occurred_on, "occurred_on", today)
    if response not in BreachResponse.values:
        raise ValidationError({"response": _("Choose the response to the breach.")})
    response_on = response_on or today
    if response_on < occurred_on:
        raise ValidationError({"response_on": _("The response cannot be before the breach.")})
    not_in_future(response_on, "response_on", today)
    if condition is not None and condition.plan_id != plan.pk:
        raise ValidationError({"condition": _("This condition belongs to another plan.")})
    description = clean_text(description, "description", required=True,
                             message=_("Say what happened."))
    breach = Breach.objects.create(plan=plan, condition=condition, occurred_on=occurred_on,
                                   description=description, response=response,
                                   response_on=response_on, recorded_by=actor)
    _touch(_locked_plan(plan), actor)
    kind = "recalled" if response == BreachResponse.RECALLED else "breach_recorded"
    timeline.add(person=plan.person, kind=kind, compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"response": response})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=breach, person=plan.person,
                 details={"response": response, "occurred_on": occurred_on.isoformat(),
                          "condition": condition.kind if condition else None})
    release_work.on_breach(breach, plan.person, actor)
    return breach
