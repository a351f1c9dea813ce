"""The pre-release programme: steps generated from the expected release, recalculated when it
moves (a step done stays done), completed with their evidence; and the daily function."""

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
from alliance.people.models import CustodyEpisode, LegalStatus

from .. import dates
from .. import work as release_work
from ..models import AgencyRole, ReleaseStep, StepEvidence, StepStatus
from .common import (
    check_agency,
    clean_text,
    not_in_future,
    require,
    settings_for,
    team_agencies,
    templates_for,
)


def resolve_agency(template, episode, team) -> object:
    """The agency a step falls to: the prison for the prison's steps; else the first agency of
    the step's type on the case team; else the prison, until one joins (the next recalculation
    passes the step on)."""
    if template.agency_type != AgencyRole.PRISON:
        for agency in team:
            if agency.type == template.agency_type:
                return agency
    return episode.facility


def plans_release(episode) -> bool:
    """Whether the programme applies: a current, sentenced episode with an expected release."""
    return (episode.is_current and episode.expected_release is not None
            and episode.legal_status != LegalStatus.REMAND)


@transaction.atomic
def sync_steps(episode: CustodyEpisode, *, today: datetime.date, actor=None,
               moved_from: str | None = None) -> int:
    """Bring the episode's steps in line with its expected release: create them once the
    release is within the jurisdiction's horizon; move the due date of every step still to do
    when the release moves (done and not-applicable steps keep theirs); pass a step on to an
    agency of its type that joined the case team. Then each step's task. Idempotent: returns
    how many steps and tasks it created or changed (0 on a second run)."""
    if not plans_release(episode):
        return 0
    episode = CustodyEpisode.objects.select_related("person__jurisdiction", "facility").get(
        pk=episode.pk)
    person, release_on = episode.person, episode.expected_release
    config = settings_for(person.jurisdiction)
    # By code: a jurisdiction's step replacing a regional one takes over its pending step.
    existing = {s.template.code: s for s in ReleaseStep.objects.select_for_update()
                .filter(episode=episode).select_related("template", "agency")}
    if not existing and release_on > dates.add_months(today, config.horizon_months):
        return 0
    for step in existing.values():
        step.person = person  # loaded once, not once per step
    team = team_agencies(person)
    created, moved, changed = [], 0, 0
    for template in templates_for(person.jurisdiction):
        due = dates.due_before(release_on, template.lead_months, template.lead_days)
        step = existing.get(template.code)
        if step is None:
            step = ReleaseStep.objects.create(
                person=person, episode=episode, template=template, due_on=due,
                agency=resolve_agency(template, episode, team))
            existing[template.code] = step
            created.append(step)
            continue
        if step.status != StepStatus.PENDING:
            continue
        fields = []
        if step.template_id != template.pk:
            step.template = template
            fields.append("template")
        if step.due_on != due:
            step.due_on = due
            fields.append("due_on")
            moved += 1
        agency = resolve_agency(template, episode, team)
        if not step.agency_by_hand and agency.pk != step.agency_id:
            step.agency = agency
            fields.append("agency")
        if fields:
            step.version += 1
            step.save(update_fields=[*fields, "version", "updated_at"])
            audit.record(actor=actor, action=AuditAction.CHANGE, obj=step,
                         details={"fields": fields, "due_on": step.due_on.isoformat()})
            changed += 1
    if created:
        timeline.add(person=person, kind="release_steps_created",
                     compartment=Compartment.CASE_TEAM, actor=actor,
                     params={"count": len(created), "release_on": release_on.isoformat()})
        audit.record(actor=actor, action=AuditAction.CREATE, object_type="release.releasestep",
                     person=person, details={"created": [str(s.uuid) for s in created],
                                             "release_on": release_on.isoformat()})
    if moved:
        timeline.add(person=person, kind="release_steps_moved",
                     compartment=Compartment.CASE_TEAM, actor=actor,
                     params={"count": moved, "release_on": release_on.isoformat(),
                             "previous_on": moved_from or "—"})
    tasks = release_work.sync_step_tasks(list(existing.values()), today=today,
                                         within_days=config.task_within_days,
                                         team_ids={a.pk for a in team}, actor=actor)
    return len(created) + changed + tasks


def on_key_dates_changed(sender, episode, changes, actor, **kwargs) -> None:
    """The people app's signal, inside its transaction: the steps follow the release date."""
    if "expected_release" in changes:
        sync_steps(episode, today=timezone.localdate(), actor=actor,
                   moved_from=changes["expected_release"][0])


def daily_steps(today: datetime.date) -> int:
    """The daily function: every current episode whose release is within the horizon (or that
    has steps) — generate, move, pass on, task; then tell case managers of steps that became
    overdue; and cancel the tasks of steps whose custody ended. Idempotent."""
    changed = 0
    horizon = dates.add_months(today, 36)  # the largest horizon a jurisdiction may choose
    episodes = (CustodyEpisode.objects.filter(is_current=True, expected_release__isnull=False,
                                              expected_release__lte=horizon)
                .exclude(legal_status=LegalStatus.REMAND).order_by("pk"))
    for episode in episodes.iterator(chunk_size=200):
        changed += sync_steps(episode, today=today)
    overdue = (ReleaseStep.objects.filter(status=StepStatus.PENDING, due_on__lt=today,
                                          episode__is_current=True)
               .select_related("person__responsible_agency").order_by("pk"))
    for step in overdue.iterator(chunk_size=500):
        with transaction.atomic():
            changed += release_work.on_step_overdue(step)
    # A custody ended on the custody page (a release, a transfer): its steps' tasks close.
    changed += release_work.close_ended_step_tasks()
    return changed


# --- a practitioner's changes ----------------------------------------------------------------------

def _locked(step: ReleaseStep, expected_version) -> ReleaseStep:
    step = ReleaseStep.objects.select_for_update().select_related(
        "person__jurisdiction", "person__responsible_agency", "template", "episode",
        "agency").get(pk=step.pk)
    check_version(step, expected_version)
    return step


def _after_change(step, actor, kind: str, details: dict) -> None:
    config = settings_for(step.person.jurisdiction)
    release_work.sync_step_task(step, today=timezone.localdate(),
                                within_days=config.task_within_days, actor=actor)
    timeline.add(person=step.person, kind=kind, compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"step": step.template.code})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=step, details=details)


@transaction.atomic
def step_complete(*, actor, step: ReleaseStep, expected_version: int | None,
                  completed_on: datetime.date | None = None, evidence: str = "",
                  checklist=(), evidence_code: str = "",
                  evidence_params: dict | None = None) -> ReleaseStep:
    """Mark a step done: its evidence when the programme requires it, every checklist item
    ticked; the date it was done (today unless said), not in the future.

    A module that completes a step (a case conference) gives `evidence_code` (StepEvidence) and
    its parameters instead of a sentence: the evidence is written in each reader's language."""
    if evidence_code and evidence_code not in StepEvidence.values:
        raise ValueError(f"unknown step evidence {evidence_code!r}: add a StepEvidence code")
    require(actor, step.person)
    step = _locked(step, expected_version)
    if step.status != StepStatus.PENDING:
        raise ValidationError(_("This step is not open: reopen it first."))
    today = timezone.localdate()
    completed_on = completed_on or today
    not_in_future(completed_on, "completed_on", today)
    template = step.template
    evidence = clean_text(evidence, "evidence", required=template.evidence_required
                          and not evidence_code, message=_(
        "This step needs its evidence: say what was done and where the record is."))
    codes = [item["code"] for item in template.checklist_items()]
    ticked = [code for code in codes if code in set(checklist)]
    missing = [item["label"] for item in template.checklist_items() if item["code"] not in ticked]
    if missing:
        raise ValidationError({"checklist": _("Tick every item before marking the step done. "
                                              "Missing: %(items)s.") % {
            "items": "; ".join(missing)}})
    step.status = StepStatus.DONE
    step.completed_on = completed_on
    step.completed_by = actor
    step.evidence = evidence
    step.evidence_code, step.evidence_params = evidence_code, evidence_params or {}
    step.checklist_done = ticked
    step.version += 1
    step.save()
    _after_change(step, actor, "release_step_done", {
        "fields": ["status", "completed_on", "evidence", "checklist_done"],
        "status": StepStatus.DONE})
    return step


@transaction.atomic
def step_not_applicable(*, actor, step: ReleaseStep, expected_version: int | None,
                        reason: str) -> ReleaseStep:
    """A step that does not apply to this person (e.g. no identity documents needed), with the
    reason."""
    require(actor, step.person)
    step = _locked(step, expected_version)
    if step.status != StepStatus.PENDING:
        raise ValidationError(_("This step is not open: reopen it first."))
    step.evidence = clean_text(reason, "reason", required=True,
                               message=_("Say why the step does not apply."))
    step.evidence_code, step.evidence_params = "", {}
    step.status = StepStatus.NOT_APPLICABLE
    step.completed_on = timezone.localdate()
    step.completed_by = actor
    step.version += 1
    step.save()
    _after_change(step, actor, "release_step_not_applicable", {
        "fields": ["status", "evidence"], "status": StepStatus.NOT_APPLICABLE})
    return step


@transaction.atomic
def step_reopen(*, actor, step: ReleaseStep, expected_version: int | None,
                reason: str) -> ReleaseStep:
    """Reopen a step marked done or not applicable by mistake: it is to do again, due a lead
    time before the current expected release. The reason is kept in the audit trail."""
    require(actor, step.person)
    step = _locked(step, expected_version)
    if step.status == StepStatus.PENDING:
        raise ValidationError(_("This step is already open."))
    reason = clean_text(reason, "reason", required=True, message=_("Say why you reopen it."))
    previous = step.status
    step.status = StepStatus.PENDING
    step.completed_on = None
    step.completed_by = None
    step.checklist_done = []
    if step.episode.expected_release:
        step.due_on = dates.due_before(step.episode.expected_release, step.template.lead_months,
                                       step.template.lead_days)
    step.version += 1
    step.save()
    _after_change(step, actor, "release_step_reopened", {
        "fields": ["status"], "from": previous, "reason": reason})
    return step


@transaction.atomic
def step_reassign(*, actor, step: ReleaseStep, expected_version: int | None,
                  agency) -> ReleaseStep:
    """Give a step to another agency (the responsible one, or one on the case team); the
    recalculation keeps the choice."""
    require(actor, step.person)
    step = _locked(step, expected_version)
    if step.status != StepStatus.PENDING:
        raise ValidationError(_("This step is not open: reopen it first."))
    check_agency(step.person, agency)
    if agency.pk == step.agency_id:
        return step
    previous = step.agency
    step.agency = agency
    step.agency_by_hand = True
    step.version += 1
    step.save()
    _after_change(step, actor, "release_step_reassigned", {
        "fields": ["agency"], "from": str(previous.uuid), "to": str(agency.uuid)})
    return step
