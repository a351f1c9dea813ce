"""Follow-up contacts after release: scheduled from the release date (the jurisdiction's
offsets), recorded with their outcomes — coded indicators the monitoring module counts — or
marked missed; and the daily function."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.people import timeline
from alliance.people.models import CustodyEpisode

from .. import dates
from .. import work as release_work
from ..models import (
    ContactKind,
    Engagement,
    FollowUp,
    FollowUpStatus,
    Housing,
    Reengagement,
    Work,
    YesNoUnknown,
)
from .common import clean_text, not_in_future, require, settings_for, short

OUTCOMES = {"engagement": Engagement, "housing": Housing, "work": Work,
            "new_offence": YesNoUnknown, "reengagement": Reengagement}
COMMUNITY_RELEASE_TYPES = ("end_of_sentence", "conditional")


def _follow_up_agency(episode):
    """Who follows the person up: the agency responsible now (probation after the handover),
    else the one the support plan names as supervising, else the prison."""
    from ..models import SupportPlan

    person = episode.person
    if person.responsible_agency_id != episode.facility_id:
        return person.responsible_agency
    plan = SupportPlan.objects.filter(episode=episode).select_related(
        "supervising_agency").first()
    if plan is not None and plan.supervising_agency is not None:
        return plan.supervising_agency
    return person.responsible_agency


@transaction.atomic
def follow_ups_ensure(episode: CustodyEpisode, *, actor=None) -> int:
    """Schedule the follow-ups of a release (the jurisdiction's offsets after the date the
    episode ended). Idempotent: an existing one is left as it is; returns how many were
    created."""
    if episode.is_current or episode.ended_on is None \
            or episode.release_type not in COMMUNITY_RELEASE_TYPES:
        return 0
    episode = CustodyEpisode.objects.select_related(
        "person__jurisdiction", "person__responsible_agency").get(pk=episode.pk)
    config = settings_for(episode.person.jurisdiction)
    existing = set(FollowUp.objects.filter(episode=episode).values_list("offset", flat=True))
    agency = _follow_up_agency(episode)
    created = [FollowUp.objects.create(person=episode.person, episode=episode, offset=code,
                                       due_on=dates.after(episode.ended_on, code), agency=agency)
               for code in dict.fromkeys(config.follow_up_offsets) if code not in existing]
    if created:
        timeline.add(person=episode.person, kind="follow_ups_scheduled",
                     compartment=Compartment.CASE_TEAM, actor=actor,
                     params={"count": len(created)})
        audit.record(actor=actor, action=AuditAction.CREATE, object_type="release.followup",
                     person=episode.person,
                     details={"created": [str(f.uuid) for f in created],
                              "offsets": [f.offset for f in created]})
    return len(created)


def follow_ups_pass_on(episode: CustodyEpisode, *, from_agency, to_agency, actor=None) -> int:
    """The scheduled follow-ups of a release that fell to `from_agency` (the prison, before
    responsibility passed) now fall to `to_agency`, with their tasks. Returns how many."""
    moved = list(FollowUp.objects.select_for_update().filter(
        episode=episode, status=FollowUpStatus.SCHEDULED, agency=from_agency)
        .select_related("person__responsible_agency").order_by("pk"))
    for follow_up in moved:
        follow_up.agency = to_agency
        follow_up.version += 1
        follow_up.save(update_fields=["agency", "version", "updated_at"])
        release_work.sync_follow_up_task(follow_up, today=timezone.localdate(), actor=actor)
    if moved:
        audit.record(actor=actor, action=AuditAction.CHANGE, object_type="release.followup",
                     person=moved[0].person,
                     details={"fields": ["agency"], "to": str(to_agency.uuid),
                              "follow_ups": [str(f.uuid) for f in moved]})
    return len(moved)


def _locked(follow_up, expected_version) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().select_related(
        "person__responsible_agency", "person__jurisdiction", "episode", "agency").get(
        pk=follow_up.pk)
    check_version(follow_up, expected_version)
    return follow_up


@transaction.atomic
def follow_up_record(*, actor, follow_up: FollowUp, expected_version: int | None,
                     held_on: datetime.date, contact_kind: str, engagement: str, housing: str,
                     work: str, new_offence: str, reengagement: str,
                     notes: str = "") -> FollowUp:
    """Record a follow-up contact and its outcomes, each coded (one of the choices; "not
    known" is an answer). Held on or after the release, not in the future. A new offence or
    signs of re-engagement with violent groups tell the case manager."""
    require(actor, follow_up.person)
    follow_up = _locked(follow_up, expected_version)
    if follow_up.status == FollowUpStatus.HELD:
        raise ValidationError(_("This follow-up is already recorded."))
    if held_on is None:
        raise ValidationError({"held_on": _("Enter the date of the contact.")})
    released_on = follow_up.episode.ended_on
    if released_on and held_on < released_on:
        raise ValidationError({"held_on": _(
            "A follow-up cannot be dated before the release on %(date)s.") % {
            "date": short(released_on)}})
    not_in_future(held_on, "held_on", timezone.localdate())
    if contact_kind not in ContactKind.values:
        raise ValidationError({"contact_kind": _("Choose the kind of contact.")})
    values = {"engagement": engagement, "housing": housing, "work": work,
              "new_offence": new_offence, "reengagement": reengagement}
    errors = {field: _("Choose an answer (\"Not known\" is one).")
              for field, value in values.items()
              if field != "engagement" and value not in OUTCOMES[field].values}
    if engagement not in Engagement.values:
        errors["engagement"] = _("Choose how the person engaged.")
    if errors:
        raise ValidationError(errors)
    for field, value in values.items():
        setattr(follow_up, field, value)
    follow_up.held_on = held_on
    follow_up.contact_kind = contact_kind
    follow_up.notes = clean_text(notes, "notes")
    follow_up.status = FollowUpStatus.HELD
    follow_up.recorded_by = actor
    follow_up.recorded_at = timezone.now()
    follow_up.version += 1
    follow_up.save()
    timeline.add(person=follow_up.person, kind="follow_up_recorded",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"offset": follow_up.offset})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=follow_up,
                 details={"fields": ["status", "held_on", *values], **values})
    release_work.sync_follow_up_task(follow_up, today=timezone.localdate(), actor=actor)
    if follow_up.concern:
        release_work.on_follow_up_concern(follow_up, actor)
    return follow_up


@transaction.atomic
def follow_up_missed(*, actor, follow_up: FollowUp, expected_version: int | None,
                     notes: str) -> FollowUp:
    """The contact did not take place (the person did not come, could not be reached), with
    what was tried."""
    require(actor, follow_up.person)
    follow_up = _locked(follow_up, expected_version)
    if follow_up.status != FollowUpStatus.SCHEDULED:
        raise ValidationError(_("This follow-up is not scheduled any more."))
    if follow_up.due_on > timezone.localdate():
        raise ValidationError(_("A follow-up is missed only once its date has passed."))
    follow_up.notes = clean_text(notes, "notes", required=True,
                                 message=_("Say what was tried."))
    follow_up.status = FollowUpStatus.MISSED
    follow_up.recorded_by = actor
    follow_up.recorded_at = timezone.now()
    follow_up.version += 1
    follow_up.save()
    timeline.add(person=follow_up.person, kind="follow_up_missed",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"offset": follow_up.offset})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=follow_up,
                 details={"fields": ["status", "notes"], "status": FollowUpStatus.MISSED})
    release_work.sync_follow_up_task(follow_up, today=timezone.localdate(), actor=actor)
    return follow_up


def daily_follow_ups(today: datetime.date) -> int:
    """The daily function: releases recorded on the custody page get their follow-ups, an
    acknowledged handover of a released person passes responsibility, and follow-ups due within
    a week get their task. Idempotent."""
    from ..models import Handover, HandoverStatus
    from .handover import transfer_if_due

    changed = 0
    since = today - datetime.timedelta(days=400)
    released = (CustodyEpisode.objects.filter(is_current=False, ended_on__gte=since,
                                              release_type__in=COMMUNITY_RELEASE_TYPES)
                .order_by("pk"))
    for episode in released.iterator(chunk_size=200):
        changed += follow_ups_ensure(episode)
    waiting = (Handover.objects.filter(status=HandoverStatus.ACKNOWLEDGED,
                                       transferred_at__isnull=True, episode__is_current=False)
               .select_related("person", "to_agency").order_by("pk"))
    for handover in waiting:
        with transaction.atomic():
            changed += int(transfer_if_due(handover))
    due = (FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED,
                                   due_on__lte=today + release_work.FOLLOW_UP_TASK_WITHIN)
           .select_related("person__responsible_agency", "agency").order_by("pk"))
    for follow_up in due.iterator(chunk_size=500):
        with transaction.atomic():
            changed += release_work.sync_follow_up_task(follow_up, today=today)
    return changed
