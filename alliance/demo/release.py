"""Fictional demo data for release and after (DOMAIN.md §8–9): four people of the home prison A,
one at each stage of the way out, with demo.probation and demo.reintegration on their case
teams.

* **Release in eleven months**: the release date set; the pre-release steps generated, none due
  yet but the first (release planning starts twelve months ahead).
* **Release in two months**: the steps of the first eight months done (the reassessment with its
  evidence, the support plan's step with its checklist), the multi-agency case conference
  overdue; a support plan with every pathway filled in, actions for the probation service, the
  ministry division and the prison, the receiving municipality and the family involved, and the
  supervision conditions of the conditional release.
* **Released last month** under supervision (conditional release): every step done, the
  handover sent and acknowledged, responsibility passed to probation (the new case manager) with
  the prison keeping read access for the jurisdiction's 90 days; the contacts log, the follow-up
  after a week held with its outcomes, the one after a month due today.
* **Released a year ago** at the end of the sentence: the follow-ups after a week and after 1, 3
  and 6 months held with varied outcomes (one raising a concern), the one after 12 months due in
  three days; a missed report and the breach it was, answered with a warning; the prison's read
  access over (the daily job records its end).

Everything goes through the services (alliance.release.services, people's and cases'), so the
audit trail, the timeline, tasks and notifications are what real work leaves. The services
record "now"; the timeline entries, the handover's times and the end of the read access the
prison kept are then moved back to when they happened (demo only, as plans.py and
observations.py do: the audit trail keeps the real times). The notices about the two released
people are read (they are weeks and months old).

Runs right after the people are seeded, before the other modules pick theirs (seed_demo):
releasing someone changes who is responsible for them and who sees them, and the modules after
it take their people from that settled caseload, the same on every run.

Idempotent: each stage is played once. Its person is found again by the reason of the release
date set by hand (`REASONS`), and a stage already played is skipped.
"""

import datetime
import random

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.assessments.models import Certification, Course
from alliance.cases import services as case_services
from alliance.cases.models import Case, CaseStatus
from alliance.core.compartments import Compartment
from alliance.people import services as people_services
from alliance.people.models import (
    CustodyEpisode,
    KeyDate,
    KeyDateOverride,
    LegalStatus,
    Person,
    ReleaseType,
    RetainedAccess,
    TimelineEvent,
)
from alliance.release import services
from alliance.release.dates import add_months
from alliance.release.models import (
    ActionStatus,
    BreachResponse,
    ContactKind,
    Engagement,
    FollowUp,
    Handover,
    Housing,
    PathwayStatus,
    Reengagement,
    ReleaseStep,
    Work,
    YesNoUnknown,
)
from alliance.work import registry
from alliance.work import services as work_services
from alliance.work.models import Notification

from .seed import HOME, countersigned_assessment, reference_versions

DAY = datetime.timedelta(days=1)

# The reason of each stage's release date, set by hand: how a stage already played is found.
REASONS = {
    "released_a_year_ago": "End of sentence recalculated with the remand credit (fictional "
                           "demo record).",
    "released_last_month": "Conditional release granted by the court (fictional demo record).",
    "in_two_months": "Conditional release granted by the court from a date two months ahead "
                     "(fictional demo record).",
    "in_eleven_months": "Expected release confirmed by the sentence-planning board (fictional "
                        "demo record).",
}

# What was done for each step (fictional), written by whoever completed it.
EVIDENCE = {
    "release_planning": "Case manager named; the programme explained to the person, who asked "
                        "about housing first.",
    "reassessment": "Risk and needs reassessment countersigned; it is in the assessments "
                    "module.",
    "support_plan": "Drafted with the prison, probation and the reintegration division: see the "
                    "support plan.",
    "case_conference": "Held with the prison, probation, the reintegration division and the "
                       "municipality; the minutes are in the prison file (fictional).",
    "handover": "Handover sent to the probation service.",
    "accommodation": "A room in supported housing confirmed by the municipality from the "
                     "release date (fictional address kept by probation).",
    "identity_documents": "New identity card collected; birth certificate and health insurance "
                          "registration in the file.",
    "release_day": "Met at the gate by the probation officer; first appointment given for the "
                   "next week.",
}

# pathway -> (needs, where the work stands before release)
PATHWAYS = {
    "accommodation": ("No address to go to: the family flat is too small and the landlord "
                      "refuses a tenant with a conviction.", PathwayStatus.IN_PROGRESS),
    "employment": ("Trained in carpentry inside; needs a first employer willing to take them "
                   "on, and evening classes to finish secondary school.",
                   PathwayStatus.IN_PROGRESS),
    "finances": ("Identity card expired; no bank account; entitled to social assistance for "
                 "the first months.", PathwayStatus.IN_PROGRESS),
    "health": ("", PathwayStatus.NO_NEED),
    "substance_use": ("", PathwayStatus.NO_NEED),
    "family": ("Wants to live near their daughter; her mother agrees to contact at the "
               "social services' centre.", PathwayStatus.NEED),
    "attitudes": ("Keep meeting the exit mentor after release; stay away from the former "
                  "group's meeting places and online channels.", PathwayStatus.IN_PROGRESS),
}
# A year later most needs are met; the mentoring goes on.
PATHWAYS_MET = {"accommodation": PathwayStatus.MET, "employment": PathwayStatus.MET,
                "finances": PathwayStatus.MET, "family": PathwayStatus.IN_PROGRESS,
                "attitudes": PathwayStatus.IN_PROGRESS}

# pathway, action, agency ("prison", "probation", "division"), days before release it is due
ACTIONS = [
    ("accommodation", "Find a room in supported housing in the receiving municipality.",
     "division", 30),
    ("employment", "Introduce the person to two employers from the division's list.",
     "division", 14),
    ("finances", "Apply for a new identity card through the registry office.", "prison", 45),
    ("family", "Agree the first meetings with the daughter at the social services' centre.",
     "probation", 7),
    ("attitudes", "Arrange the first meeting with the exit mentor outside, in the first week.",
     "probation", 7),
]

CONDITIONS = [
    ("reporting", "Report to the probation office every Monday for three months, then every "
                  "second Monday."),
    ("residence", "Live at the address approved by the probation service; tell it before "
                  "moving."),
    ("contacts", "No contact with the people named in the court's decision."),
]


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _outcomes(engagement, housing, work, reengagement=Reengagement.NONE,
              new_offence=YesNoUnknown.NO) -> dict:
    return {"engagement": engagement, "housing": housing, "work": work,
            "new_offence": new_offence, "reengagement": reengagement}


class _Stage:
    """One person's way out, played through the services in date order."""

    def __init__(self, episode, users, agencies):
        self.episode, self.person = episode, episode.person
        self.manager, self.treatment = users["demo.manager"], users["demo.treatment"]
        self.probation, self.reintegration = users["demo.probation"], users["demo.reintegration"]
        self.agencies = {"prison": episode.facility,
                         "probation": agencies[(HOME, "probation")],
                         "division": agencies[(HOME, "reintegration")]}
        self.municipality = agencies[(HOME, "municipality")]
        self.today = timezone.localdate()
        self.plan = None
        self.mark = TimelineEvent.objects.aggregate(m=Max("id"))["m"] or 0

    def dated(self, day: datetime.date) -> None:
        """Move the timeline entries the last service calls wrote back to `day`."""
        TimelineEvent.objects.filter(person=self.person, id__gt=self.mark).update(
            occurred_at=_at(day))
        self.mark = TimelineEvent.objects.aggregate(m=Max("id"))["m"] or self.mark

    def worker(self, agency):
        """Who does the work that falls to `agency`."""
        return {self.agencies["probation"].pk: self.probation,
                self.agencies["division"].pk: self.reintegration}.get(agency.pk, self.manager)

    # -- before release --

    def team(self, on: datetime.date) -> None:
        """demo.probation (with the names) and demo.reintegration (reference only) on the case
        team, added by the case manager."""
        case = Case.objects.get(person=self.person, status=CaseStatus.OPEN)
        for user, role, scopes in [
                (self.probation, "Probation officer after release", [Compartment.IDENTITY]),
                (self.reintegration, "Reintegration support", [])]:
            if case.team.filter(user=user, ended_at__isnull=True).exists():
                continue
            membership = Membership.objects.get(user=user, is_active=True,
                                                agency__jurisdiction=self.person.jurisdiction)
            case_services.team_member_add(actor=self.manager, case=case, membership=membership,
                                          team_role=role, scopes=scopes)
        self.dated(on)

    def release_on(self, day: datetime.date, reason: str, on: datetime.date) -> None:
        """The expected release set by hand: the steps appear (or move) with it."""
        self.episode = people_services.key_date_override(
            actor=self.manager, episode=self.episode, key_date=KeyDate.EXPECTED_RELEASE,
            value=day, reason=reason, expected_version=None)
        self.dated(on)

    def step(self, code: str) -> ReleaseStep:
        return ReleaseStep.objects.select_related("template", "agency").get(
            episode=self.episode, template__code=code)

    def complete(self, code: str, late_days: int = 0, *, by=None,
                 on: datetime.date | None = None) -> None:
        """The step done `late_days` after its due date (or on `on`), every checklist item
        ticked, with its evidence, by whoever does its agency's work."""
        step = self.step(code)
        on = min(on or step.due_on + late_days * DAY, self.today)
        services.step_complete(actor=by or self.worker(step.agency), step=step,
                               expected_version=None, completed_on=on,
                               evidence=EVIDENCE.get(code, ""),
                               checklist=[i["code"] for i in step.template.checklist_items()])
        self.dated(on)

    def assessed(self, on: datetime.date, seed: int) -> None:
        """The reassessment the step asks for: countersigned on `on` (seed.py's history)."""
        _certified(self.treatment)
        countersigned_assessment(self.person, reference_versions()["risk_needs"],
                                 self.treatment, self.manager,
                                 random.Random(seed),  # noqa: S311 - fictional, reproducible
                                 ("low", "moderate"), "moderate", _at(on, 11))
        self.dated(on)

    def support_plan(self, on: datetime.date, release_on: datetime.date, *, statuses=None,
                     actions_done=(), supervision_months: int = 24) -> None:
        """The support plan, prepared by probation with the division and the prison: the
        municipality and the family, every pathway, the actions, then the conditions."""
        plan = services.support_plan_start(actor=self.probation, person=self.person)
        plan = services.support_plan_update(
            actor=self.probation, plan=plan, expected_version=None,
            municipality=self.municipality,
            municipality_involvement="The social services' centre took part in the case "
                                     "conference and will help with housing and benefits.",
            family_involvement="The person's sister visited twice to prepare the return; the "
                               "daughter's mother agrees to supervised contact.",
            supervising_agency=self.agencies["probation"],
            supervision_ends_on=add_months(release_on, supervision_months))
        statuses = statuses or {}
        for entry in plan.pathways.all():
            needs, status = PATHWAYS[entry.pathway]
            services.pathway_update(actor=self.probation, entry=entry, expected_version=None,
                                    needs=needs, status=statuses.get(entry.pathway, status))
        entries = {e.pathway: e for e in plan.pathways.all()}
        for pathway, description, agency_key, days_before in ACTIONS:
            agency = self.agencies[agency_key]
            action = services.action_add(actor=self.worker(agency), entry=entries[pathway],
                                         description=description, agency=agency,
                                         due_on=release_on - days_before * DAY)
            if pathway in actions_done:
                services.action_update(actor=self.worker(agency), action=action,
                                       expected_version=None, description=description,
                                       agency=agency, due_on=action.due_on,
                                       status=ActionStatus.DONE)
        self.plan = plan
        self.dated(on)

    def conditions(self, on: datetime.date, starts_on: datetime.date,
                   ends_on: datetime.date) -> dict:
        """The supervision conditions of the court's decision."""
        added = {kind: services.condition_add(actor=self.probation, plan=self.plan, kind=kind,
                                              detail=detail, starts_on=starts_on,
                                              ends_on=ends_on)
                 for kind, detail in CONDITIONS}
        self.dated(on)
        return added

    # -- the release --

    def hand_over_and_release(self, released_on: datetime.date, release_type: str) -> None:
        """The prison sends the handover a month ahead, probation acknowledges it, the step is
        done; on the day, the release (responsibility passes, the prison keeps read access,
        the follow-ups are scheduled) and the probation officer becomes the case manager."""
        sent_on = add_months(released_on, -1) + 2 * DAY
        handover = services.handover_send(
            actor=self.manager, person=self.person, to_agency=self.agencies["probation"],
            note="Support plan agreed at the case conference; accommodation confirmed.")
        self.complete("handover", on=sent_on, by=self.manager)
        handover = services.handover_acknowledge(
            actor=self.probation, handover=handover, expected_version=handover.version,
            note="Received; first appointment booked for the week after release.")
        self.dated(sent_on + 5 * DAY)
        self.complete("release_day", on=released_on)
        self.episode = services.release_record(actor=self.manager, person=self.person,
                                               released_on=released_on,
                                               release_type=release_type)
        case = Case.objects.get(person=self.person, status=CaseStatus.OPEN)
        case_services.case_set_manager(actor=self.probation, case=case,
                                       case_manager=self.probation, expected_version=None)
        self.dated(released_on)
        # Demo only: the handover happened before the release (the read access the prison
        # keeps already runs from the release date).
        Handover.objects.filter(pk=handover.pk).update(
            sent_at=_at(sent_on, 10), acknowledged_at=_at(sent_on + 5 * DAY, 11),
            transferred_at=_at(released_on, 9))
        RetainedAccess.objects.filter(source_uuid=handover.uuid).update(
            granted_at=_at(released_on, 9))

    # -- after release --

    def read_notices(self) -> None:
        """The notices about a person released weeks or months ago have been read."""
        for note in (Notification.objects.filter(person=self.person, read_at__isnull=True)
                     .select_related("recipient")):
            work_services.notification_read(actor=note.recipient, notification=note)

    def contact(self, on: datetime.date, kind: str, notes: str, *, kept: bool = True) -> None:
        services.contact_add(actor=self.probation, plan=self.plan, contact_on=on, kind=kind,
                             kept=kept, notes=notes)
        self.dated(on)

    def follow_up(self, offset: str, held_on: datetime.date, kind: str, outcomes: dict,
                  notes: str) -> None:
        follow_up = FollowUp.objects.get(episode=self.episode, offset=offset)
        services.follow_up_record(actor=self.probation, follow_up=follow_up,
                                  expected_version=None, held_on=held_on, contact_kind=kind,
                                  notes=notes, **outcomes)
        FollowUp.objects.filter(pk=follow_up.pk).update(recorded_at=_at(held_on, 16))
        self.dated(held_on)


def _certified(treatment) -> None:
    """demo.treatment certified for the reference risk and needs instrument, as
    seed.seed_assessments leaves them (it finds these rows later)."""
    today = timezone.localdate()
    course, _ = Course.objects.get_or_create(name="Alliance risk and needs assessment (demo)",
                                             instrument_code="alliance-risk-needs")
    Certification.objects.get_or_create(
        user=treatment, instrument_code="alliance-risk-needs", defaults={
            "course": course, "certified_on": today - datetime.timedelta(days=400),
            "expires_on": today + datetime.timedelta(days=700),
            "booster_due_on": today + datetime.timedelta(days=200)})


# --- the four stages -------------------------------------------------------------------------------

def _prepared(stage: _Stage, release_on: datetime.date, reason: str, *, seed: int | None,
              statuses=None, actions_done=(), supervision_months: int = 24) -> None:
    """The first eight months of the programme, as for everyone released: the team, the date,
    release planning, the reassessment (with the assessment itself when `seed` is given: the
    people still in prison A get theirs from seed.seed_assessments, which the plans demo builds
    on), the support plan and its step."""
    start = add_months(release_on, -12)
    stage.team(start - 7 * DAY)
    stage.release_on(release_on, reason, start - 5 * DAY)
    stage.complete("release_planning", 4)
    if seed is not None:
        reassessment = stage.step("reassessment").due_on
        stage.assessed(min(reassessment + 3 * DAY, stage.today), seed)
    stage.complete("reassessment", 9, by=stage.treatment)
    plan_due = stage.step("support_plan").due_on
    stage.support_plan(plan_due - 10 * DAY, release_on, statuses=statuses,
                       actions_done=actions_done, supervision_months=supervision_months)
    stage.complete("support_plan", 6)


def _in_eleven_months(stage: _Stage, release_on: datetime.date) -> None:
    today = stage.today
    stage.team(today - 20 * DAY)
    stage.release_on(release_on, REASONS["in_eleven_months"], today - 14 * DAY)


def _in_two_months(stage: _Stage, release_on: datetime.date) -> None:
    _prepared(stage, release_on, REASONS["in_two_months"], seed=None)
    stage.conditions(stage.today - 10 * DAY, release_on, add_months(release_on, 24))
    # The case conference, due a month ago, has not been held: overdue.


def _released(stage: _Stage, released_on: datetime.date, reason: str, release_type: str, *,
              seed: int, supervision_months: int, statuses=None, actions_done=()) -> dict:
    """Everything up to and including the release day."""
    _prepared(stage, released_on, reason, seed=seed, statuses=statuses,
              actions_done=actions_done, supervision_months=supervision_months)
    conference = stage.step("case_conference").due_on
    conditions = stage.conditions(conference + 3 * DAY, released_on,
                                  add_months(released_on, supervision_months))
    stage.complete("case_conference", 3)
    stage.complete("accommodation", 10)
    stage.complete("identity_documents", 12)
    stage.hand_over_and_release(released_on, release_type)
    return conditions


def _released_last_month(stage: _Stage, released_on: datetime.date) -> None:
    _released(stage, released_on, REASONS["released_last_month"], ReleaseType.CONDITIONAL,
              seed=9103, supervision_months=24, actions_done=("accommodation", "finances"))
    stage.contact(released_on + 6 * DAY, ContactKind.OFFICE,
                  "First appointment: reporting days and the approved address agreed.")
    stage.follow_up("1w", released_on + 6 * DAY, ContactKind.OFFICE,
                    _outcomes(Engagement.ENGAGED, Housing.TEMPORARY, Work.UNEMPLOYED),
                    "Came on time; staying in supported housing until a flat is found; has "
                    "met the mentor once.")
    stage.contact(released_on + 13 * DAY, ContactKind.OFFICE, "Reported as agreed.")
    stage.contact(released_on + 20 * DAY, ContactKind.HOME_VISIT,
                  "Home visit at the supported housing: room tidy, staff positive.")
    # The follow-up after a month is due today.


def _released_a_year_ago(stage: _Stage, released_on: datetime.date) -> None:
    conditions = _released(
        stage, released_on, REASONS["released_a_year_ago"], ReleaseType.END_OF_SENTENCE,
        seed=9104, supervision_months=12, statuses=None,
        actions_done=("accommodation", "employment", "finances", "family", "attitudes"))
    for entry in stage.plan.pathways.filter(pathway__in=PATHWAYS_MET):
        services.pathway_update(actor=stage.probation, entry=entry, expected_version=None,
                                needs=PATHWAYS[entry.pathway][0],
                                status=PATHWAYS_MET[entry.pathway])
    stage.dated(add_months(released_on, 6))
    month = lambda n: add_months(released_on, n)  # noqa: E731
    stage.contact(released_on + 6 * DAY, ContactKind.OFFICE,
                  "First appointment: reporting days and the approved address agreed.")
    stage.follow_up("1w", released_on + 6 * DAY, ContactKind.OFFICE,
                    _outcomes(Engagement.ENGAGED, Housing.TEMPORARY, Work.UNEMPLOYED),
                    "Settling into supported housing; looking for work with the division.")
    stage.follow_up("1m", month(1) + 2 * DAY, ContactKind.HOME_VISIT,
                    _outcomes(Engagement.ENGAGED, Housing.STABLE, Work.EDUCATION),
                    "Moved into a rented room; started evening classes.")
    stage.contact(month(2), ContactKind.OFFICE, "Reported as agreed.")
    stage.follow_up("3m", month(3) + DAY, ContactKind.OFFICE,
                    _outcomes(Engagement.PARTLY, Housing.STABLE, Work.UNEMPLOYED,
                              reengagement=Reengagement.CONCERN),
                    "Left the classes; seen twice with a former co-defendant. Discussed with "
                    "the mentor, who will meet the person weekly.")
    missed = month(4)
    stage.contact(missed, ContactKind.OFFICE, "Did not report and did not answer the phone.",
                  kept=False)
    services.breach_add(actor=stage.probation, plan=stage.plan, occurred_on=missed,
                        description="Missed the weekly report without a reason; came the next "
                                    "day and said they had been working a night shift.",
                        response=BreachResponse.WARNING, response_on=missed + DAY,
                        condition=conditions["reporting"])
    stage.contact(missed + DAY, ContactKind.OFFICE,
                  "Came the day after; warned in writing about the reporting condition.")
    stage.follow_up("6m", month(6), ContactKind.OFFICE,
                    _outcomes(Engagement.ENGAGED, Housing.STABLE, Work.EMPLOYED),
                    "Working at a carpentry workshop; back at the mentoring sessions.")
    stage.contact(month(9), ContactKind.PHONE, "Checked in by phone; still at work.")
    # The follow-up after 12 months is due in three days.


def _stages(today: datetime.date) -> list:
    """(stage, play, release date), the most demanding of the admission date first."""
    return [
        ("released_a_year_ago", _released_a_year_ago, add_months(today, -12) + 3 * DAY),
        ("released_last_month", _released_last_month, add_months(today, -1)),
        ("in_two_months", _in_two_months, add_months(today, 2)),
        ("in_eleven_months", _in_eleven_months, add_months(today, 11)),
    ]


def _pick(home_a, taken: set, release_on: datetime.date, users) -> CustodyEpisode | None:
    """A sentenced person of prison A, in custody there since thirteen months before
    `release_on` (so that release planning started during this custody): the first such by id.
    When none is (a small demo), the first one, with the admission moved back to then.

    People with the community provider on their case team come last: demo.ngo sees no one
    else, and seed.seed_work finds its work among them only if the probation and reintegration
    officers (who would join these teams) have not taken them first."""
    episodes = list(CustodyEpisode.objects.filter(
        facility=home_a, is_current=True, person__responsible_agency=home_a,
        expected_release__isnull=False).exclude(legal_status=LegalStatus.REMAND)
        .exclude(person_id__in=taken).exclude(person__in=_monitoring_people())
        .select_related("person", "facility").order_by("person_id"))
    mentored = set(Case.objects.filter(
        status=CaseStatus.OPEN, team__user=users["demo.ngo"], team__ended_at__isnull=True,
        person_id__in=[e.person_id for e in episodes]).values_list("person_id", flat=True))
    episodes.sort(key=lambda e: e.person_id in mentored)  # stable: by id within each group
    since = add_months(release_on, -13)
    for episode in episodes:
        if episode.admitted_on <= since and (episode.sentence_start or since) <= since:
            return episode
    if not episodes:
        return None
    return people_services.custody_episode_update(
        actor=users["demo.manager"], episode=episodes[0], expected_version=None,
        admitted_on=since, sentence_start=since)


def seed_release(users, agencies) -> int:
    """The four stages of release for people of the home prison A (see above). Returns how
    many stages were played now (0 when they all were already)."""
    home_a = agencies[(HOME, "prison_a")]
    today = timezone.localdate()
    staged = dict(KeyDateOverride.objects.filter(reason__in=REASONS.values())
                  .values_list("reason", "episode__person_id"))
    taken = set(staged.values())
    played = 0
    for code, play, release_on in _stages(today):
        if REASONS[code] in staged:
            continue
        with transaction.atomic():
            episode = _pick(home_a, taken, release_on, users)
            if episode is None:
                continue
            taken.add(episode.person_id)
            stage = _Stage(episode, users, agencies)
            play(stage, release_on)
            if release_on < today:
                stage.read_notices()
        played += 1
    return played


def run_daily(today: datetime.date | None = None) -> int:
    """The release module's daily functions (steps generated and moved, overdue notices, the
    follow-ups' tasks, the read access that ran out), as the daily job runs them, so that the
    demo's worklists hold their tasks before `run_daily` is ever run. Idempotent."""
    today = today or timezone.localdate()
    return sum(function(today) or 0 for name, function in
               sorted(registry.daily_functions().items()) if name.startswith("release."))


def stages() -> dict:
    """{stage: person} of the stages played (for tests and the command's summary)."""
    staged = dict(KeyDateOverride.objects.filter(reason__in=REASONS.values())
                  .values_list("reason", "episode__person"))
    people = Person.objects.in_bulk(list(staged.values()))
    return {code: people[staged[reason]] for code, reason in REASONS.items()
            if reason in staged}


def _monitoring_people():
    """The monitoring history's people (seeded last): never picked for the stories above, so
    that a second run picks the same people as the first."""
    from alliance.demo.monitoring import history  # the history's module imports this one

    return history()
