"""What dynamic security puts in people's work (alliance.work): tasks and notifications.
Registered from apps.py; the event functions are called by the services inside their
transaction. Parameters are references and dates only, never security content.

* observation_escalated (task): the responsible agency's security analysts, when an observation
  carries escalation indicators; closed when an analyst reviews it.
* observation_escalated (notification): the person's case manager (else the agency's case
  managers) and the facility's security lead. The link is the person page: the case manager
  sees that something was escalated, never what (unless a summary is shared with them).
* observation_read (notification): the observer, when an analyst has read their entry.
* summary_shared (notification): each named recipient, and the holders of an addressed role
  who hold the person's case-team share.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Role, User
from alliance.core.compartments import DataCategory
from alliance.people.access import person_grant
from alliance.plans.work import case_manager
from alliance.work import registry
from alliance.work import services as work

from .access import security_lead_ids

OBSERVATION_ESCALATED = "observation_escalated"
OBSERVATION_READ = "observation_read"
SUMMARY_SHARED = "summary_shared"

ESCALATION_REVIEW_WITHIN = datetime.timedelta(days=1)


def _observation_page(obj) -> str:
    uuid = getattr(obj, "source_uuid", None) or obj.target_uuid
    return reverse("observations:observation", args=[uuid])


def _person_page(obj) -> str:
    return reverse("people:detail", args=[obj.person.uuid])


def _my_observations(notification) -> str:
    return reverse("observations:mine")


def _summary_page(notification) -> str:
    return reverse("observations:summary", args=[notification.target_uuid])


def register() -> None:
    registry.register_task_kind(
        OBSERVATION_ESCALATED,
        label=_("Review an escalated observation about %(reference)s"), url=_observation_page)
    registry.register_notification_kind(
        OBSERVATION_ESCALATED,
        label=_("An observation about %(reference)s raised escalation indicators."),
        url=_person_page)
    registry.register_notification_kind(
        OBSERVATION_READ,
        label=_("Your observation about %(reference)s of %(observed_on)s was read by the "
                "security analyst."), params=("reference", "observed_on"), url=_my_observations)
    registry.register_notification_kind(
        SUMMARY_SHARED,
        label=_("The security sector shared a summary about %(reference)s with you, until "
                "%(expires_on)s."), params=("reference", "expires_on"), url=_summary_page)


def _reference(person) -> dict:
    return {"reference": person.reference}


def on_escalated(observation, actor) -> None:
    person = observation.person
    work.task_ensure(kind=OBSERVATION_ESCALATED, source=observation, person=person,
                     agency=person.responsible_agency, role=Role.SECURITY_ANALYST,
                     due_on=timezone.localdate() + ESCALATION_REVIEW_WITHIN,
                     params=_reference(person), created_by=actor)
    told = {actor.pk}
    manager = case_manager(person)
    if manager is not None and manager.pk != actor.pk:
        work.notify(recipient=manager, kind=OBSERVATION_ESCALATED, person=person,
                    target=observation, params=_reference(person), actor=actor)
        told.add(manager.pk)
    elif manager is None:
        told |= {n.recipient_id for n in work.notify_role(
            agency=person.responsible_agency, role=Role.CASE_MANAGER,
            kind=OBSERVATION_ESCALATED, person=person, target=observation,
            params=_reference(person), actor=actor, exclude=told)}
    for lead in User.objects.filter(pk__in=security_lead_ids(person.responsible_agency)):
        if lead.pk not in told:
            work.notify(recipient=lead, kind=OBSERVATION_ESCALATED, person=person,
                        target=observation, params=_reference(person), actor=actor)


def on_reviewed(observation, actor) -> None:
    work.task_close(source=observation, kind=OBSERVATION_ESCALATED, actor=actor)
    if observation.recorded_by_id != actor.pk:
        work.notify(recipient=observation.recorded_by, kind=OBSERVATION_READ,
                    person=observation.person, target=observation, actor=actor,
                    params={"reference": observation.person.reference,
                            "observed_on": timezone.localtime(observation.observed_at).date()})


def on_shared(summary, users, actor) -> None:
    """Tell the recipients (`users`: every user the summary reaches now)."""
    params = {"reference": summary.person.reference, "expires_on": summary.expires_on}
    for user in users:
        if user.pk != actor.pk and DataCategory.SECURITY_SUMMARY in person_grant(
                user, summary.person).compartments:
            work.notify(recipient=user, kind=SUMMARY_SHARED, person=summary.person,
                        target=summary, params=params, actor=actor)
