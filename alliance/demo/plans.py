"""Fictional demo data for the plans module (DOMAIN.md §6): an intervention catalogue for every
demo jurisdiction, and for most people in the home prison A a countersigned plan with a few
months of work behind it — enrolments, sessions (mostly attended; some refused, cancelled or
not produced), offers and refusals, stage-of-change entries and working-alliance measures — plus
a few sessions today for demo.treatment.

Everything after the catalogue goes through alliance.plans.services (so the audit trail, the
timeline, tasks and notifications are what a real history leaves), in date order; the records'
own dates are then moved back to when they happened (demo only: the audit trail keeps the real
times). Idempotent: people who already have a plan are skipped, and today's sessions are added
only when demo.treatment has none today.
"""

import datetime
import random

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alliance.assessments.models import (
    Assessment,
    AssessmentStatus,
    InstrumentKind,
    InstrumentVersion,
)
from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.people.key_dates import add_months
from alliance.people.models import Person, TimelineEvent
from alliance.plans import services
from alliance.plans import work as plan_work
from alliance.plans.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    GoalStatus,
    Intervention,
    Plan,
    PlanStatus,
    Session,
    StepActor,
    StepStatus,
)
from alliance.plans.services.engagement import MAX_SERIES
from alliance.work import services as work_services
from alliance.work.models import Notification

# --- the catalogue -------------------------------------------------------------------------------

# code, name, type, format, provider (agency key of seed.AGENCIES, or None), typical sessions,
# need areas (the reference risk and needs instrument's need_areas), description.
CATALOGUE = [
    ("PSY-IND", "Individual psychological support", "psychological_individual", "individual",
     "prison_admin", 16, ["mental_health", "identity_belonging", "thinking_behaviour"],
     "Weekly one-to-one sessions with a prison psychologist: wellbeing, loss, anger, and the "
     "person's own account of how they came to offend."),
    ("PSY-GRP", "Emotions and coping group", "psychological_group", "group", "prison_admin", 10,
     ["mental_health", "substance_use", "thinking_behaviour"],
     "A closed group of six to eight people learning to recognise and manage stress, anger "
     "and cravings."),
    ("CBT-TS", "Thinking skills programme (group)", "cognitive_behavioural", "group",
     "prison_admin", 20, ["thinking_behaviour", "attitudes_to_violence"],
     "A structured cognitive-behavioural group: problem solving, perspective taking, "
     "consequential thinking and alternatives to violence."),
    ("EDU-LIT", "Literacy and numeracy classes", "education", "group", "municipality", 12,
     ["education_employment"],
     "Reading, writing and arithmetic in small classes, with a certificate at the end."),
    ("EDU-SEC", "Secondary school completion", "education", "group", "municipality", 40,
     ["education_employment", "identity_belonging"],
     "Evening classes towards the secondary school leaving certificate, taught by visiting "
     "teachers."),
    ("VOC-TRADE", "Vocational training: carpentry and building trades", "vocational", "group",
     "prison_admin", 24, ["education_employment", "practical_needs"],
     "Workshop training towards a recognised trade certificate."),
    ("VOC-WORK", "Prison work: kitchen and laundry", "vocational", "group", "prison_admin", 50,
     ["education_employment"],
     "Paid work in the prison kitchen or laundry, with a work reference on release."),
    ("DIALOGUE", "Theological and ideological dialogue with a mentor", "dialogue",
     "individual", "prison_admin", 12, ["ideology", "attitudes_to_violence",
                                        "identity_belonging"],
     "Conversations with a trained religious or civic mentor about the ideas the person holds "
     "and the texts they rely on."),
    ("FAMILY", "Family work and supported visits", "family", "individual", "municipality", 8,
     ["family", "social_network"],
     "Work with the person and their family to restore contact and prepare for release, with "
     "supported visits."),
    ("SPORT", "Sport and culture programme", "sport_culture", "group", "prison_admin", 20,
     ["social_network", "identity_belonging", "mental_health"],
     "Football, fitness, a reading circle and a music workshop: structure, belonging and new "
     "contacts."),
    ("EXIT", "Exit and mentoring programme", "exit_mentoring", "individual", "ngo", 24,
     ["ideology", "social_network", "identity_belonging", "practical_needs"],
     "A mentor from a community organisation works with the person from custody through "
     "release: leaving the movement, new contacts, practical help."),
]
EVIDENCE = ("Demo catalogue entry: evidence notes from the knowledge base would be summarised "
            "here.")


def seed_catalogue(agencies, actor) -> dict:
    """Every demo jurisdiction's catalogue (the system administrator keeps it, as in the admin).
    Returns {jurisdiction code: {intervention code: Intervention}}."""
    catalogue, events = {}, []
    jurisdictions = {code: agency.jurisdiction for (code, _key), agency in agencies.items()
                     if code is not None}
    for code, jurisdiction in sorted(jurisdictions.items()):
        existing = {i.code: i for i in Intervention.objects.filter(jurisdiction=jurisdiction)}
        for (icode, name, kind, fmt, provider, typical, needs, description) in CATALOGUE:
            if icode not in existing:
                provider_agency = agencies.get((code, provider)) if provider else None
                name = f"{name} (Pathways)" if provider == "ngo" else name
                existing[icode] = Intervention.objects.create(
                    jurisdiction=jurisdiction, code=icode, name=name, type=kind, format=fmt,
                    provider=provider_agency, typical_sessions=typical, need_areas=needs,
                    description=description, evidence_notes=EVIDENCE)
                events.append(audit.build(actor=actor, action=AuditAction.CREATE,
                                          obj=existing[icode], details={"source": "seed_demo",
                                                                        "code": icode}))
        catalogue[code] = existing
    audit.append(events, bulk=True)
    return catalogue


# --- the words of the demo (plain, fictional) ----------------------------------------------------

GOALS = {
    "ideology": "Talk through the ideas that seemed to justify violence, with a mentor the "
                "person trusts, and test them against other views.",
    "attitudes_to_violence": "Find other ways of answering injustice and anger than violence, "
                             "and practise them on the wing.",
    "identity_belonging": "Build a sense of who they are and where they belong outside the "
                          "movement.",
    "social_network": "Make and keep contacts who do not support violence, inside and outside.",
    "family": "Restore regular contact with the family and prepare for living with them again.",
    "education_employment": "Gain a qualification and work experience that lead to a job "
                            "after release.",
    "mental_health": "Cope with low mood and sleeplessness, and ask for help early.",
    "substance_use": "Stay off drugs in custody and have a plan for the first weeks outside.",
    "thinking_behaviour": "Stop and think before acting when angry; solve problems without "
                          "threats.",
    "practical_needs": "Have identity documents, a bank account and a place to live arranged "
                       "before release.",
}
STAFF_STEPS = {
    "ideology": "Arrange a first meeting with the mentor and agree the ground rules.",
    "family": "Contact the family and book the first supported visit.",
    "education_employment": "Assess reading level and book a place in the next class.",
    "practical_needs": "Apply for a new identity card through the registry office.",
    "mental_health": "Refer to the prison doctor about sleep and follow up.",
}
POSITIONS = {
    "agreed": ["I want to finish school and be at home for my children.",
               "I agree. I want to get out and start again somewhere quiet.",
               "Fine by me, as long as the classes don't clash with work."],
    "disagrees": ["I will do the courses, but I don't need anyone to talk to me about "
                  "religion.",
                  "I don't see why I need a plan. I was convicted for something I didn't do."],
}
NOTES = [
    "Talked about the week and the last family visit. Engaged well and asked good questions.",
    "Worked on the conflict with a cellmate: described it calmly and considered other ways to "
    "respond.",
    "Discussed a text the person had been reading; open to a different reading of it, though "
    "still cautious.",
    "Low mood this week, slept badly. Agreed to see the doctor. No risk indicators.",
    "Good session. Set a small goal for next week: write to a brother they have not spoken to.",
    "Reviewed the homework. Some resistance at first, then a frank conversation about anger.",
    "Talked about life after release: where to live and how to avoid old contacts.",
    "Quiet and guarded today. Spoke mostly about work in the kitchen. Kept the door open.",
]
SUMMARIES = [
    "Attended and took part. Nothing the case team needs to act on.",
    "Attended; working towards the goals of the plan.",
    "Attended and engaged; homework agreed for next week.",
    "",
    "",
]
NGO_SUMMARIES = [
    "Met the mentor; talked about contacts and plans after release.",
    "Mentoring session held; practical questions about documents followed up.",
    "Session held; good rapport with the mentor.",
]
REFUSALS = [
    ("not_relevant", "I don't need this, it's for other people.", "motivational_interviewing",
     "Explored what the person wants from the sentence and linked the session to it."),
    ("distrust", "Whatever I say ends up in a report.", "different_provider",
     "Offered a mentor from the community organisation instead of prison staff."),
    ("peer_pressure", "The others on the wing say those who go are informers.",
     "different_time", "Moved the session to a time when the wing is at work."),
    ("practical", "I have a visit today.", "different_time", "Rescheduled for next week."),
    ("ideological", "I won't discuss my faith with the state.", "different_format",
     "Offered the sport and culture programme as a first step instead."),
    ("no_reason", "", "wait_and_reoffer", "Will offer again in two weeks."),
]
CONCERNS = [
    ("Said other prisoners were pressing them to stop attending and to keep away from staff. "
     "Seemed frightened.",
     "A concern was raised in the session: the case manager should follow up today."),
    ("Talked about a former associate's release with some admiration; asked whether they "
     "could write to him.",
     "A concern was raised in the session; the case manager has been told."),
]
STAGE_RATIONALES = {
    "precontemplation": "Sees no problem in their past actions and no reason to change; "
                        "attends to show good behaviour.",
    "contemplation": "Has started to question some of the ideas and talks about the cost to "
                     "the family, but is not ready to act.",
    "preparation": "Asks about courses and contact with the family; has made small plans for "
                   "release.",
    "action": "Attends regularly, practises new ways of handling conflict and has distanced "
              "themselves from old contacts.",
    "maintenance": "Has kept up the changes for months and speaks of them without prompting.",
}
RATINGS = ["never", "rarely", "sometimes", "often", "always"]
ALLIANCE_ITEMS = ["G1", "G2", "G3", "T1", "T2", "T3", "B1", "B2", "B3"]

# Engagement profiles: the share of attended, refused, cancelled and not produced sessions.
PROFILES = {
    "engaged": (86, 4, 7, 3),
    "ambivalent": (66, 18, 10, 6),
    "refuser": (60, 25, 10, 5),  # and refuses everything in the last weeks: a refusal pattern
    "drifting": (70, 10, 12, 8),  # and attends nothing in the last four weeks
}
PLANNED_PEOPLE = 16  # of the prison's people (those with an assessment), most of them


# --- the history of one person -------------------------------------------------------------------

def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Story:
    """One person's history, played through the services in date order."""

    def __init__(self, person, users, catalogue, rng, profile, *, ngo_on_team,
                 alliance_version):
        self.person, self.rng, self.profile = person, rng, profile
        self.treatment, self.manager, self.ngo = (users["demo.treatment"], users["demo.manager"],
                                                  users["demo.ngo"])
        self.catalogue, self.ngo_on_team = catalogue, ngo_on_team
        self.alliance_version = alliance_version
        self.today = timezone.localdate()
        self.refusal_days: list[datetime.date] = []
        self.mark = TimelineEvent.objects.aggregate(m=Max("id"))["m"] or 0

    def dated(self, when) -> None:
        """Move the timeline entries the last service calls wrote back to `when`."""
        if isinstance(when, datetime.date) and not isinstance(when, datetime.datetime):
            when = _at(when, 12)
        TimelineEvent.objects.filter(person=self.person, id__gt=self.mark).update(occurred_at=when)
        self.mark = TimelineEvent.objects.aggregate(m=Max("id"))["m"] or self.mark

    # -- the plan --

    def plan(self, signed_on, *, submit=True, countersign=True) -> Plan:
        """The first plan, built on the latest assessment (plan_start), trimmed to three or
        four of its needs, with steps and the person's position."""
        plan = services.plan_start(actor=self.treatment, person=self.person)
        goals = list(plan.goals.all())
        known = [g for g in goals if g.need_area in GOALS]
        chosen = self.rng.sample(known, min(len(known), self.rng.choice([3, 3, 4])))
        keep = [g for g in known if g in chosen]
        for goal in goals:
            if goal not in keep:
                services.goal_remove(actor=self.treatment, plan=plan, expected_version=None,
                                     goal=goal)
        for goal in keep:
            services.goal_save(actor=self.treatment, plan=plan, expected_version=None, goal=goal,
                               text=GOALS[goal.need_area], need_area=goal.need_area)
            self._steps(plan, goal, signed_on)
        if self.rng.random() < 0.4:
            goal = services.goal_save(
                actor=self.treatment, plan=plan, expected_version=None, protective_item="PF5",
                text="Keep hold of the hope for a life after release: name what they want it "
                     "to be.")
            services.step_save(actor=self.treatment, plan=plan, expected_version=None, goal=goal,
                               text="Write down three things to do in the first month outside.",
                               actor_kind=StepActor.PRISONER,
                               target_on=signed_on + datetime.timedelta(days=60))
        position = "agreed" if self.profile in ("engaged", "drifting") else self.rng.choice(
            ["agreed", "disagrees", "could_not_answer"])
        words = self.rng.choice(POSITIONS[position]) if position in POSITIONS else ""
        services.plan_update(actor=self.treatment, plan=plan, expected_version=None,
                             summary="Plan built with the person from the assessment's needs; "
                                     "reviewed every three months.",
                             position=position, position_words=words)
        if submit:
            plan = services.plan_submit(actor=self.treatment, plan=plan, expected_version=None)
        if countersign:
            plan = services.plan_countersign(actor=self.manager, plan=plan, expected_version=None)
        self._date_plan(plan, signed_on)
        return plan

    def _steps(self, plan, goal, start):
        intervention = self.intervention_for(goal.need_area)
        target = start + datetime.timedelta(days=self.rng.choice([60, 90, 120]))
        if intervention is not None:
            agency = intervention.provider if intervention.code == "EXIT" else None
            services.step_save(actor=self.treatment, plan=plan, expected_version=None, goal=goal,
                               text=f"Take part in: {intervention.name}.",
                               actor_kind=StepActor.AGENCY if agency else StepActor.PRISONER,
                               actor_agency=agency, intervention=intervention, target_on=target)
        if goal.need_area in STAFF_STEPS or intervention is None:
            services.step_save(actor=self.treatment, plan=plan, expected_version=None, goal=goal,
                               text=STAFF_STEPS.get(goal.need_area,
                                                    "Discuss progress at each review."),
                               actor_kind=StepActor.STAFF, actor_user=self.treatment,
                               target_on=start + datetime.timedelta(days=21))

    def intervention_for(self, need):
        options = [i for i in self.catalogue.values() if need in i.need_areas
                   and (i.code != "EXIT" or self.ngo_on_team)]
        exit_first = [i for i in options if i.code == "EXIT"]
        return exit_first[0] if exit_first else self.rng.choice(options) if options else None

    def _date_plan(self, plan, signed_on):
        """Demo only: the plan was written, submitted and countersigned around `signed_on`."""
        when = _at(signed_on, 11)
        fields = {"created_at": when - datetime.timedelta(days=6),
                  "position_recorded_at": when - datetime.timedelta(days=2)}
        if plan.status != PlanStatus.DRAFT:
            fields["submitted_at"] = when - datetime.timedelta(days=2)
        if plan.status == PlanStatus.COUNTERSIGNED:
            fields.update(countersigned_at=when, next_review_on=add_months(
                signed_on, plan.review_every_months))
        Plan.objects.filter(pk=plan.pk).update(**fields)
        plan.refresh_from_db()
        self.dated(when)

    def review(self, plan, on) -> Plan:
        services.plan_review(actor=self.treatment, plan=plan, expected_version=None,
                             note="Reviewed with the person and the case manager: steady "
                                  "attendance, goals still right; next review in three months.",
                             reviewed_on=on, next_review_on=add_months(on, 3))
        self.dated(on)
        plan.refresh_from_db()
        return plan

    def revise(self, plan, on) -> Plan:
        """The next version after a review: an achieved goal closed, a family goal added."""
        new = services.plan_revise(
            actor=self.treatment, plan=plan,
            reason="After the review: the first goal is achieved and family contact has resumed; "
                   "goals brought up to date.")
        goals = list(new.goals.all())
        if goals:
            services.goal_save(actor=self.treatment, plan=new, expected_version=None,
                               goal=goals[0], text=goals[0].text, need_area=goals[0].need_area,
                               status=GoalStatus.ACHIEVED)
        goal = services.goal_save(
            actor=self.treatment, plan=new, expected_version=None, protective_item="PF3",
            text="Strengthen the relationships that support a life without violence.")
        services.step_save(actor=self.treatment, plan=new, expected_version=None, goal=goal,
                           text="Monthly supported visit with the family.",
                           actor_kind=StepActor.STAFF, actor_user=self.treatment,
                           target_on=on + datetime.timedelta(days=90))
        services.plan_update(actor=self.treatment, plan=new, expected_version=None,
                             position="agreed",
                             position_words="Yes. The family visits are what keeps me going.")
        new = services.plan_submit(actor=self.treatment, plan=new, expected_version=None)
        new = services.plan_countersign(actor=self.manager, plan=new, expected_version=None)
        self._date_plan(new, on)
        return new

    # -- engagement --

    def enrol(self, intervention, practitioner, started_on, step=None, *, weeks_ahead=3,
              count=None):
        services.offer_record(actor=self.treatment, person=self.person,
                              offered_on=started_on - datetime.timedelta(days=3),
                              response="accepted", intervention=intervention)
        first = started_on + datetime.timedelta(days=self.rng.randint(1, 4))
        if (self.today - first).days % 7 == 0:  # today's sessions are planned apart
            first += datetime.timedelta(days=1)
        count = max(1, min(count or (self.today - first).days // 7 + 1 + weeks_ahead,
                           MAX_SERIES))
        # A programme that runs on past its typical length is planned for as long as it runs.
        enrolment = services.enrolment_create(
            actor=self.treatment, person=self.person, intervention=intervention,
            practitioner=practitioner, started_on=started_on, step=step,
            planned_sessions=max(count, intervention.typical_sessions))
        self.dated(started_on)
        hour = 10 if intervention.format == "individual" else 14
        planned = services.sessions_schedule(
            actor=self.treatment, enrolment=enrolment, first_at=_at(first, hour), count=count,
            duration_minutes=60 if intervention.format == "individual" else 90)
        return enrolment, planned

    def outcome(self, day, last_weeks: bool) -> str:
        attended, refused, cancelled, _not_produced = PROFILES[self.profile]
        window = [d for d in self.refusal_days if (day - d).days < 30]
        if last_weeks and self.profile == "refuser":
            return Attendance.REFUSED if self.rng.random() < 0.85 else Attendance.NOT_PRODUCED
        if last_weeks and self.profile == "drifting":
            return Attendance.REFUSED if len(window) < 2 and self.rng.random() < 0.4 \
                else Attendance.NOT_PRODUCED
        roll = self.rng.randint(1, 100)
        if roll <= attended:
            return Attendance.ATTENDED
        if roll <= attended + refused:
            # Outside the last weeks no one refuses often enough to make a pattern.
            return Attendance.REFUSED if len(window) < 2 else Attendance.ATTENDED
        if roll <= attended + refused + cancelled:
            return Attendance.CANCELLED
        return Attendance.NOT_PRODUCED

    def record(self, session, attendance, *, concern=False, rupture=False):
        day = timezone.localtime(session.scheduled_at).date()
        ngo = session.facilitator_id == self.ngo.pk
        actor = self.ngo if ngo else self.treatment
        fields = {}
        if attendance == Attendance.ATTENDED:
            if concern:
                fields["note"], fields["shared_summary"] = self.rng.choice(CONCERNS)
                if ngo:
                    del fields["note"]
            elif ngo:
                fields["shared_summary"] = self.rng.choice(NGO_SUMMARIES)
            else:
                fields["note"] = self.rng.choice(NOTES)
                fields["shared_summary"] = self.rng.choice(SUMMARIES)
        elif attendance == Attendance.REFUSED:
            reason, words, strategy, note = self.rng.choice(
                [r for r in REFUSALS if not ngo or r[2] != "different_provider"])
            fields.update(reason=reason, reason_words=words, strategy=strategy,
                          strategy_note=note, shared_summary="Refused to come out for the "
                                                             "session.")
            self.refusal_days.append(day)
        elif attendance == Attendance.CANCELLED:
            fields["shared_summary"] = self.rng.choice([
                "Cancelled: the facilitator was ill.", "Cancelled: lockdown on the wing.",
                "Cancelled: the room was needed for court video links."])
        else:
            fields["shared_summary"] = "Not brought to the session (staff shortage on the wing)."
        services.session_record(actor=actor, session=session, expected_version=None,
                                attendance=attendance, concern=concern,
                                rupture_suspected=rupture, **fields)
        if attendance == Attendance.REFUSED or concern:
            self.dated(session.scheduled_at)

    def measure(self, enrolment, day, quality: float, occasion="scheduled"):
        ratings = {}
        for code in ALLIANCE_ITEMS:
            level = quality + self.rng.uniform(-0.8, 0.8) + (0.4 if code[0] == "B" else 0)
            ratings[code] = RATINGS[max(0, min(4, round(level)))]
        services.alliance_record(
            actor=self.treatment, person=self.person, instrument_version=self.alliance_version,
            practitioner=enrolment.practitioner, enrolment=enrolment, occasion=occasion,
            taken_on=day, ratings=ratings,
            note="Completed after the session; talked through the answers together."
            if self.rng.random() < 0.5 else "")

    def stage(self, stage, on):
        services.stage_record(actor=self.treatment, person=self.person, stage=stage,
                              assessed_on=on, rationale=STAGE_RATIONALES[stage])
        self.dated(on)


def _play_sessions(story, runs, *, leave_unrecorded=False):
    """Record every past session of the person's enrolments in date order, with working-alliance
    measures every few attended sessions, and return how many were recorded."""
    now = timezone.now()
    drift_from = story.today - datetime.timedelta(days=27)
    past = sorted(((s, e) for e, sessions in runs for s in sessions if s.scheduled_at < now),
                  key=lambda pair: pair[0].scheduled_at)
    if leave_unrecorded and past:
        past = past[:-1]
    last_of = {e.pk: max(s.scheduled_at for s in sessions) for e, sessions in runs if sessions}
    attended = {}
    concern_at = len(past) - 3 if story.rng.random() < 0.25 else -1
    recorded = 0
    for n, (session, enrolment) in enumerate(past):
        day = timezone.localtime(session.scheduled_at).date()
        if enrolment.status != EnrolmentStatus.ACTIVE:
            continue
        outcome = story.outcome(day, day >= drift_from)
        story.record(session, outcome, concern=n == concern_at and outcome == "attended")
        recorded += 1
        if outcome == Attendance.ATTENDED:
            count = attended[enrolment.pk] = attended.get(enrolment.pk, 0) + 1
            if count == 3 or (count > 3 and (count - 3) % 5 == 0):
                trend = {"engaged": 3.0 + min(count, 15) / 15, "ambivalent": 2.4,
                         "refuser": 3.0 - min(count, 15) / 10, "drifting": 2.6}[story.profile]
                story.measure(enrolment, day, trend)
        if enrolment.intervention.code == "EDU-LIT" and session.scheduled_at == last_of[enrolment.pk]:
            services.enrolment_end(actor=story.treatment, enrolment=enrolment,
                                   expected_version=None, status=EnrolmentStatus.COMPLETED,
                                   ended_on=day)
            story.dated(day)
            enrolment.status = EnrolmentStatus.COMPLETED
    return recorded


def _history(story, plan, signed_on, n):
    """Enrolments in the plan's interventions, a few months of sessions, stages of change and
    working-alliance measures, a review and (for some) the plan's next version."""
    steps = [s for g in plan.goals.all() for s in g.steps.all() if s.intervention_id]
    runs, seen = [], set()
    for k, step in enumerate(steps):
        intervention = step.intervention
        if intervention.pk in seen or len(runs) == 2:
            continue
        seen.add(intervention.pk)
        practitioner = story.ngo if intervention.code == "EXIT" else story.treatment
        started = signed_on + datetime.timedelta(days=7 + 21 * k + story.rng.randint(0, 6))
        if started >= story.today - datetime.timedelta(days=14):
            continue
        count = intervention.typical_sessions if intervention.code == "EDU-LIT" else None
        enrolment, planned = story.enrol(intervention, practitioner, started, step, count=count)
        runs.append((enrolment, planned))
    if n % 4 == 1:  # an earlier offer refused, and the strategy that followed
        dialogue = story.catalogue.get("DIALOGUE")
        services.offer_record(actor=story.treatment, person=story.person,
                              offered_on=signed_on + datetime.timedelta(days=3),
                              response="refused", intervention=dialogue, reason="ideological",
                              reason_words="I won't discuss my faith with people from the state.",
                              strategy="different_provider",
                              strategy_note="Offered the community organisation's programme "
                                            "instead.")
        story.refusal_days.append(signed_on + datetime.timedelta(days=3))
    stages = {"engaged": ["contemplation", "preparation", "action"],
              "ambivalent": ["precontemplation", "contemplation", "contemplation"],
              "refuser": ["contemplation", "preparation", "precontemplation"],
              "drifting": ["contemplation", "preparation", "contemplation"]}[story.profile]
    span = (story.today - signed_on).days
    stage_days = [signed_on + datetime.timedelta(days=5), signed_on + datetime.timedelta(
        days=span // 2), story.today - datetime.timedelta(days=story.rng.randint(3, 12))]
    # Stages and sessions interleave in time; recording stages first keeps each call simple.
    for stage, on in zip(stages, stage_days, strict=True):
        story.stage(stage, on)
    _play_sessions(story, runs, leave_unrecorded=n % 5 == 3)
    review_on = add_months(signed_on, plan.review_every_months)
    if review_on <= story.today and n % 6 != 4:  # some reviews are left overdue
        plan = story.review(plan, review_on)
        if n % 3 == 0 and review_on + datetime.timedelta(days=7) <= story.today:
            plan = story.revise(plan, review_on + datetime.timedelta(days=7))
    _progress(story, plan, runs)
    plan_work.sync_plan_review(plan, today=story.today)
    return runs


def _progress(story, plan, runs) -> None:
    """The progress of the current plan's steps and goals, as its planners would record it:
    a step whose intervention is under way is in progress (done once completed), a staff step
    past its target date is done, an achieved goal's steps are done."""
    plan = Plan.objects.prefetch_related("goals__steps").get(pk=plan.pk)
    enrolled = {e.intervention_id: e for e, _sessions in runs}
    for goal in plan.goals.all():
        moved = False
        for step in goal.steps.all():
            enrolment = enrolled.get(step.intervention_id)
            if goal.status == GoalStatus.ACHIEVED:
                status = StepStatus.DONE
            elif enrolment is not None:
                status = StepStatus.DONE if enrolment.status == EnrolmentStatus.COMPLETED \
                    else StepStatus.IN_PROGRESS
            elif step.actor == StepActor.STAFF and step.target_on and \
                    step.target_on <= story.today:
                status = StepStatus.DONE
            else:
                continue
            if step.status != status:
                services.progress_record(actor=story.treatment, plan=plan,
                                         expected_version=None, step=step, status=status)
                moved = True
        if moved and goal.status == GoalStatus.OPEN:
            services.progress_record(actor=story.treatment, plan=plan, expected_version=None,
                                     goal=goal, status=GoalStatus.IN_PROGRESS)


def _assessment_of(person):
    return (Assessment.objects.filter(person=person, status=AssessmentStatus.COUNTERSIGNED)
            .order_by("-countersigned_at").first())


def seed_plans(users, agencies, catalogue, assess) -> int:
    """Plans and their history for most people of the home prison A; `assess(person, n)` gives
    a person without one a countersigned assessment (seed.py). Returns how many plans were
    started."""
    from .seed import HOME

    home_a = agencies[(HOME, "prison_a")]
    people = list(Person.objects.filter(responsible_agency=home_a).exclude(pk__in=_monitoring_people())
                  .order_by("id")[:24])
    alliance_version = (InstrumentVersion.objects.filter(
        instrument__kind=InstrumentKind.ALLIANCE, is_active=True).order_by("-id").first())
    ngo_team = set(Person.objects.filter(
        cases__team__user=users["demo.ngo"], cases__status="open",
        pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    planned = set(Plan.objects.filter(person__in=people).values_list("person_id", flat=True))
    started = 0
    candidates = []
    for n, person in enumerate(people):
        if n % 3 == 2 and n < 12:
            continue  # waiting for their first assessment (seed_assessments)
        candidates.append((n, person))
    candidates = candidates[:PLANNED_PEOPLE]
    for k, (n, person) in enumerate(candidates):
        if person.pk in planned:
            continue
        rng = random.Random(3000 + n)  # noqa: S311 - fictional data, reproducible on purpose
        with transaction.atomic():
            assessment = _assessment_of(person) or assess(person, n)
            signed_on = max(assessment.countersigned_at.date() + datetime.timedelta(days=10),
                            timezone.localdate() - datetime.timedelta(days=110))
            profile = ("refuser" if k in (2, 9) else "drifting" if k == 5 else
                       "ambivalent" if k % 4 == 3 else "engaged")
            story = _Story(person, users, catalogue, rng, profile,
                           ngo_on_team=person.pk in ngo_team, alliance_version=alliance_version)
            if k == len(candidates) - 1:  # a draft in progress
                story.plan(timezone.localdate() - datetime.timedelta(days=1), submit=False,
                           countersign=False)
            elif k == len(candidates) - 2:  # waiting for the manager's countersignature
                story.plan(timezone.localdate() - datetime.timedelta(days=2), countersign=False)
            else:
                plan = story.plan(signed_on)
                _history(story, plan, signed_on, k)
        started += 1
    _read_countersigned(users["demo.manager"])
    sessions_today(users)
    return started


def _read_countersigned(manager) -> None:
    """The plans were submitted and countersigned in one go: the manager has read the notices
    that they were waiting."""
    done = Plan.objects.exclude(status=PlanStatus.SUBMITTED).values("uuid")
    for note in Notification.objects.filter(recipient=manager, read_at__isnull=True,
                                            kind=plan_work.PLAN_COUNTERSIGNATURE,
                                            target_uuid__in=done):
        work_services.notification_read(actor=manager, notification=note)


TODAY_AT = [(9, 0), (10, 30), (13, 0), (15, 30)]


def sessions_today(users) -> int:
    """A few sessions today for demo.treatment (for "My sessions today"), unless there are."""
    treatment = users["demo.treatment"]
    today = timezone.localdate()
    if Session.objects.filter(facilitator=treatment, scheduled_at__date=today).exists():
        return 0
    active = list(Enrolment.objects.filter(practitioner=treatment, status=EnrolmentStatus.ACTIVE,
                                           started_on__lte=today)
                  .select_related("person", "intervention").order_by("person_id", "pk"))
    chosen, people = [], set()
    for enrolment in active:
        if enrolment.person_id not in people and enrolment.intervention.format == "individual":
            chosen.append(enrolment)
            people.add(enrolment.person_id)
    for enrolment in active:
        if len(chosen) >= len(TODAY_AT):
            break
        if enrolment.person_id not in people:
            chosen.append(enrolment)
            people.add(enrolment.person_id)
    for enrolment, (hour, minute) in zip(chosen, TODAY_AT, strict=False):
        services.sessions_schedule(actor=treatment, enrolment=enrolment,
                                   first_at=_at(today, hour, minute))
    return len(chosen[:len(TODAY_AT)])


def _monitoring_people():
    """The monitoring history's people (seeded last): never picked for the stories above, so
    that a second run picks the same people as the first."""
    from alliance.demo.monitoring import history  # the history's module imports this one

    return history()
