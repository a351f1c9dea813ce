"""The handover: responsibility passes from the prison to the agency that takes the person on,
which acknowledges the package; and the release itself, which ends the custody episode,
schedules the follow-ups and passes responsibility once the handover is acknowledged."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.assessments.models import Assessment, AssessmentStatus
from alliance.core import audit
from alliance.core.compartments import Compartment, DataCategory
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.organisations.agreements import categories_between
from alliance.organisations.models import SharingAgreement
from alliance.people import disclosures, timeline
from alliance.people import services as people_services
from alliance.people.access import person_grant
from alliance.people.models import CustodyEpisode, DisclosureChannel, ReleaseType
from alliance.plans.models import Plan, PlanStatus

from .. import work as release_work
from ..access import ReleaseAction, can_acknowledge, on_receiving_side
from ..models import Handover, HandoverStatus, ReleaseStep, StepStatus, SupportPlan
from .common import clean_text, not_in_future, require, settings_for, team_agencies
from .follow_ups import follow_ups_ensure, follow_ups_pass_on

# Releases after which the person lives in the community and is followed up.
COMMUNITY_RELEASES = (ReleaseType.END_OF_SENTENCE, ReleaseType.CONDITIONAL)


def package_refs(person, episode) -> dict:
    """What the package held when it was sent: the records and their versions (the package's
    page shows them as they are now, and says what changed since)."""
    assessment = (Assessment.objects.filter(person=person, status=AssessmentStatus.COUNTERSIGNED)
                  .order_by("-countersigned_at").first())
    plan = Plan.objects.filter(person=person, status=PlanStatus.COUNTERSIGNED) \
        .order_by("-countersigned_at").first()
    support = SupportPlan.objects.filter(episode=episode).first()
    steps = ReleaseStep.objects.filter(episode=episode)
    return {
        "assessment": str(assessment.uuid) if assessment else None,
        "plan": [str(plan.uuid), plan.version] if plan else None,
        "support_plan": [str(support.uuid), support.version] if support else None,
        "steps": [steps.exclude(status=StepStatus.PENDING).count(), steps.count()],
        "release_on": episode.expected_release.isoformat() if episode.expected_release else None,
    }


def live_handover(person) -> Handover | None:
    return Handover.objects.filter(person=person, status__in=[
        HandoverStatus.SENT, HandoverStatus.ACKNOWLEDGED]).select_related(
        "to_agency", "from_agency", "episode").order_by("-sent_at").first()


# What a handover discloses to the receiving agency (the package: the case, its team, the
# release and support plan); an agreement in force must let that agency receive both.
HANDOVER_CATEGORIES = (DataCategory.CASE_TEAM, DataCategory.RELEASE_SUPPORT)


def missing_categories(person, to_agency) -> list[str]:
    """What no agreement in force lets `to_agency` receive from the agency responsible for the
    person, of what a handover discloses."""
    allowed = categories_between(person.responsible_agency_id, to_agency.pk)
    return [c for c in HANDOVER_CATEGORIES if c not in allowed]


def receiving_agencies(person) -> list:
    """The agencies a handover may go to: probation services on the person's case team, to
    which an agreement in force lets the responsible agency disclose the package."""
    return [a for a in team_agencies(person)
            if a.holds_people and a.pk != person.responsible_agency_id
            and not missing_categories(person, a)]


@transaction.atomic
def handover_send(*, actor, person, to_agency, note: str = "",
                  retain_days: int | None = None) -> Handover:
    """Send the handover to the agency that will take the person on: a probation service on the
    case team. Responsibility passes once it is acknowledged and the person released."""
    require(actor, person)
    episode = (CustodyEpisode.objects.select_for_update().filter(person=person)
               .order_by("-is_current", "-admitted_on", "-id").first())
    if episode is None:
        raise ValidationError(_("%(reference)s has no custody episode to hand over from.") % {
            "reference": person.reference})
    if person.responsible_agency_id != episode.facility_id:
        raise ValidationError(_("Responsibility for %(reference)s has already passed to "
                                "%(agency)s.") % {"reference": person.reference,
                                                  "agency": person.responsible_agency})
    if Handover.objects.filter(episode=episode, status__in=[HandoverStatus.SENT,
                                                            HandoverStatus.ACKNOWLEDGED]).exists():
        raise ValidationError(_("A handover for this custody is already under way: withdraw it "
                                "first."))
    if to_agency is None or to_agency.pk not in {a.pk for a in team_agencies(person)}:
        raise ValidationError({"to_agency": _(
            "Hand over to an agency on the case team: add someone from %(agency)s to the case "
            "team first.") % {"agency": to_agency or "—"}})
    if not to_agency.holds_people or to_agency.pk == person.responsible_agency_id:
        raise ValidationError({"to_agency": _(
            "Hand over to the probation service that will supervise the person.")})
    if on_receiving_side(actor, person.pk, to_agency.pk):
        raise PermissionDenied(_("Only the prison sends or withdraws a handover; the "
                                 "receiving agency acknowledges it."))
    if missing_categories(person, to_agency):
        raise ValidationError({"to_agency": _(
            "No information-sharing agreement in force lets %(to)s receive the release and "
            "support plan from %(from)s. Ask your data protection officer.") % {
            "to": to_agency, "from": person.responsible_agency}})
    config = settings_for(person.jurisdiction)
    retain_days = config.retain_days if retain_days is None else int(retain_days)
    if not 0 <= retain_days <= 365:
        raise ValidationError({"retain_days": _("Enter a number of days from 0 to 365.")})
    handover = Handover.objects.create(
        person=person, episode=episode, from_agency=episode.facility, to_agency=to_agency,
        note=clean_text(note, "note"), package=package_refs(person, episode),
        retain_days=retain_days, sent_at=timezone.now(), sent_by=actor)
    timeline.add(person=person, kind="handover_sent", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"agency": to_agency.name})
    audit.record(actor=actor, action=AuditAction.DISCLOSE, obj=handover,
                 details={"to": str(to_agency.uuid), "package": handover.package,
                          "retain_days": retain_days})
    # The disclosure log: the package crosses under the agreement the gate relies on (the
    # package's parts are read through each reader's own grant, and logged as consulted).
    allowed = categories_between(person.responsible_agency_id, to_agency.pk)
    agreement = SharingAgreement.objects.get(pk=allowed[DataCategory.RELEASE_SUPPORT])
    disclosures.record(person=person, recipient_agency=to_agency,
                       categories=list(HANDOVER_CATEGORIES), purpose=agreement.purpose,
                       channel=DisclosureChannel.HANDOVER, obj=handover, agreement=agreement)
    release_work.on_handover_sent(handover, actor)
    return handover


def _locked(handover, expected_version) -> Handover:
    handover = Handover.objects.select_for_update().select_related(
        "person__responsible_agency", "person__jurisdiction", "episode", "from_agency",
        "to_agency", "sent_by").get(pk=handover.pk)
    check_version(handover, expected_version)
    return handover


@transaction.atomic
def handover_acknowledge(*, actor, handover: Handover, expected_version: int | None,
                         note: str = "") -> Handover:
    """The receiving agency acknowledges the package. If the person is already released,
    responsibility passes now; else on the release."""
    handover = _locked(handover, expected_version)
    if handover.status != HandoverStatus.SENT:
        raise ValidationError(_("This handover is not waiting for acknowledgement."))
    if not can_acknowledge(actor, handover, person_grant(actor, handover.person)):
        raise PermissionDenied(_("Only the receiving agency acknowledges a handover."))
    handover.status = HandoverStatus.ACKNOWLEDGED
    handover.acknowledged_at = timezone.now()
    handover.acknowledged_by = actor
    handover.acknowledgement_note = clean_text(note, "note")
    handover.version += 1
    handover.save()
    timeline.add(person=handover.person, kind="handover_acknowledged",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"agency": handover.to_agency.name})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=handover,
                 details={"fields": ["status"], "status": HandoverStatus.ACKNOWLEDGED})
    release_work.on_handover_acknowledged(handover, actor)
    transfer_if_due(handover, actor=actor)
    return handover


@transaction.atomic
def handover_withdraw(*, actor, handover: Handover, expected_version: int | None,
                      reason: str) -> Handover:
    """The sending side withdraws a handover not yet acknowledged (the wrong agency, a release
    postponed), with the reason."""
    require(actor, handover.person)
    handover = _locked(handover, expected_version)
    if handover.status != HandoverStatus.SENT:
        raise ValidationError(_("Only a handover waiting for acknowledgement can be withdrawn."))
    if on_receiving_side(actor, handover.person_id, handover.to_agency_id):
        raise PermissionDenied(_("Only the prison sends or withdraws a handover; the "
                                 "receiving agency acknowledges it."))
    handover.withdrawn_reason = clean_text(reason, "reason", required=True,
                                           message=_("Say why the handover is withdrawn."))
    handover.status = HandoverStatus.WITHDRAWN
    handover.withdrawn_at = timezone.now()
    handover.withdrawn_by = actor
    handover.version += 1
    handover.save()
    timeline.add(person=handover.person, kind="handover_withdrawn",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"agency": handover.to_agency.name})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=handover,
                 details={"fields": ["status"], "status": HandoverStatus.WITHDRAWN})
    release_work.on_handover_withdrawn(handover, actor)
    return handover


def transfer_if_due(handover: Handover, *, actor=None) -> bool:
    """Pass responsibility if the handover is acknowledged, the person released, and it has not
    passed yet. Idempotent; True when it passed now."""
    if handover.status != HandoverStatus.ACKNOWLEDGED or handover.transferred_at is not None:
        return False
    episode = CustodyEpisode.objects.get(pk=handover.episode_id)
    if episode.is_current:
        return False
    person = handover.person
    if person.responsible_agency_id == handover.from_agency_id:
        people_services.responsibility_transfer(actor=actor, person=person,
                                                to_agency=handover.to_agency,
                                                retain_days=handover.retain_days,
                                                source=handover, retain_from=episode.ended_on)
    # Follow-ups scheduled while the prison was still responsible (a release recorded before
    # the acknowledgement) pass with the person.
    follow_ups_pass_on(episode, from_agency=handover.from_agency, to_agency=handover.to_agency,
                       actor=actor)
    Handover.objects.filter(pk=handover.pk).update(transferred_at=timezone.now())
    handover.transferred_at = timezone.now()
    return True


@transaction.atomic
def release_record(*, actor, person, released_on: datetime.date, release_type: str,
                   expected_version: int | None = None) -> CustodyEpisode:
    """The person is released: the custody episode ends (the people app's rule: its
    MANAGE_CUSTODY), the follow-ups are scheduled, and responsibility passes if the handover
    was acknowledged."""
    require(actor, person, ReleaseAction.VIEW)
    episode = CustodyEpisode.objects.filter(person=person, is_current=True).first()
    if episode is None:
        raise ValidationError(_("%(reference)s is not in custody.") % {
            "reference": person.reference})
    if released_on is None:
        raise ValidationError({"released_on": _("Enter the date of the release.")})
    not_in_future(released_on, "released_on", timezone.localdate())
    if release_type not in ReleaseType.values or release_type == ReleaseType.TRANSFER:
        raise ValidationError({"release_type": _(
            "Choose how the person was released (a transfer is recorded as an admission to "
            "the other prison).")})
    episode = people_services.custody_episode_update(
        actor=actor, episode=episode, expected_version=expected_version,
        ended_on=released_on, release_type=release_type)
    timeline.add(person=person, kind="released", compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"release_type": release_type})
    release_work.close_ended_step_tasks(episode=episode, actor=actor)
    if release_type in COMMUNITY_RELEASES:
        follow_ups_ensure(episode, actor=actor)
    handover = Handover.objects.filter(episode=episode,
                                       status=HandoverStatus.ACKNOWLEDGED).first()
    if handover is not None:
        transfer_if_due(handover, actor=actor)
    return episode
