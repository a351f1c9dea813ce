"""One person's records in the monitoring history, built in date order: the person, the
custody and the case; screenings and assessments; the plan and the work it organises; the
release, its steps, support plan and follow-ups; referrals."""

import datetime
import random

from alliance.accounts.models import Role
from alliance.assessments.models import (
    Assessment,
    AssessmentDue,
    AssessmentParticipant,
    AssessmentStatus,
    DueReason,
    ItemRating,
    ParticipantRole,
    Screening,
    ScreeningOccasion,
)
from alliance.cases.models import (
    Case,
    CaseStatus,
    CaseTeamMember,
    ManagementLevel,
    ManagementLevelChange,
)
from alliance.coordination.models import (
    DeclineReason,
    DesiredResult,
    Referral,
    ReferralKind,
    ReferralStatus,
    ResultOutcome,
)
from alliance.core.compartments import DataCategory
from alliance.monitoring.periods import month_start
from alliance.people.key_dates import add_months
from alliance.people.models import (
    Classification,
    ClassificationChange,
    CustodyEpisode,
    DataSubjectCategory,
    Disclosure,
    DisclosureChannel,
    KeyDateOverride,
    KeyDateSource,
    LegalStatus,
    Person,
    ReleaseType,
    RetainedAccess,
    TimelineEvent,
)
from alliance.plans.models import (
    AllianceMeasure,
    AllianceOccasion,
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Goal,
    GoalStatus,
    Offer,
    OfferResponse,
    Plan,
    PlanStatus,
    PrisonerPosition,
    RefusalReason,
    Session,
    Step,
    StepActor,
    StepStatus,
    Strategy,
)
from alliance.release import dates as release_dates
from alliance.release.models import (
    ContactKind,
    Engagement,
    FollowUp,
    FollowUpStatus,
    Housing,
    Pathway,
    PathwayEntry,
    PathwayStatus,
    Reengagement,
    ReleaseStep,
    SupportPlan,
    Work,
    YesNoUnknown,
)
from alliance.release.models import StepStatus as ReleaseStepStatus
from alliance.release.services.steps import resolve_agency

from .jurisdictions import Area, Life, key_dates
from .rows import Rows, at, plus_days, weekday

REFERENCE_CHARS = 7  # seed_people's references have six
ALLIANCE_RATINGS = ["never", "rarely", "sometimes", "often", "always"]
REFUSALS = [(RefusalReason.NOT_RELEVANT, Strategy.MOTIVATIONAL_INTERVIEWING),
            (RefusalReason.DISTRUST, Strategy.DIFFERENT_PROVIDER),
            (RefusalReason.PEER_PRESSURE, Strategy.DIFFERENT_TIME),
            (RefusalReason.PRACTICAL, Strategy.DIFFERENT_TIME),
            (RefusalReason.IDEOLOGICAL, Strategy.DIFFERENT_FORMAT),
            (RefusalReason.NO_REASON, Strategy.WAIT_AND_REOFFER)]
REFERRED_TO = [("ngo", ReferralKind.MENTORING), ("municipality", ReferralKind.SUPPORT_SERVICE),
               ("reintegration", ReferralKind.SUPPORT_SERVICE)]


class Story:
    """The records of one person, built in date order."""

    def __init__(self, area: Area, life: Life, rows: Rows, rng: random.Random):
        self.area, self.life, self.rows, self.rng = area, life, rows, rng
        self.common = area.common
        self.today = self.common.today
        self.prison = life.prison
        self.key = "prison_a" if life.prison == area.agencies["prison_a"] else "prison_b"
        self.treatment = area.one(self.key, Role.TREATMENT_OFFICER, rng)
        self.manager = area.one(self.key, Role.PRISON_MANAGER, rng)
        # The last day in custody (the history's records in prison end there).
        self.out = life.release if life.released else None
        self.until = self.out or plus_days(self.today, -1)
        # Data-rich from here: earlier records exist only where a later one needs them.
        self.from_day = plus_days(self.common.first, -40)
        self.team = []  # the case team places the referrals gave

    def event(self, kind, when, params=None, actor=None):
        self.rows.add(TimelineEvent(person=self.person, kind=kind, compartment="case_team",
                                    params=params or {}, occurred_at=when,
                                    actor=actor or self.treatment))

    # -- the person, the custody, the case --

    def register(self, references: set):
        area, rng, life = self.area, self.rng, self.life
        given_names, family_names = rng.choice(area.names)
        while True:
            ref = f"{area.code}-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                                            for _ in range(REFERENCE_CHARS))
            if ref not in references:
                references.add(ref)
                break
        self.classification = rng.choices([Classification.VEP, Classification.AT_RISK,
                                           Classification.OTHER], weights=[30, 50, 20])[0]
        registered = at(life.admitted, 9)
        category = (DataSubjectCategory.REMAND if life.remand else
                    DataSubjectCategory.RELEASED_SUPERVISED if life.released and life.conditional
                    else DataSubjectCategory.RELEASED if life.released
                    else DataSubjectCategory.CONVICTED)
        probation = area.agencies["probation"]
        self.person = self.rows.add(Person(
            reference=ref, jurisdiction=area.jurisdiction,
            responsible_agency=probation if life.released and life.conditional else self.prison,
            given_name=rng.choice(given_names), family_name=rng.choice(family_names),
            date_of_birth=datetime.date(rng.randint(1968, 2004), rng.randint(1, 12),
                                        rng.randint(1, 28)),
            national_id="".join(str(rng.randint(0, 9)) for _ in range(13)),
            data_subject_category=category, classification=self.classification,
            created_at=registered, updated_at=at(self.out, 12) if self.out else registered))
        self.rows.add(ClassificationChange(
            person=self.person, previous="", new=self.classification, changed_by=self.manager,
            changed_at=registered, reason="Screening at admission (fictional demo record)."))
        self.event("person_registered", registered, {"reference": ref}, self.manager)
        self.event("custody_started", registered, {"facility": self.prison.name}, self.manager)
        self.rows.events.append((self.manager, self.person, self.prison))

    def custody(self):
        life, area, rng = self.life, self.area, self.rng
        episode = CustodyEpisode(
            person=self.person, facility=self.prison,
            unit=rng.choice(area.units.get(self.prison.pk) or [None]), admitted_on=life.admitted,
            legal_status=LegalStatus.REMAND if life.remand else LegalStatus.SENTENCED,
            offences="Fictional offence for demonstration (Art. 394-b)"
            if self.classification == Classification.VEP else "Fictional offence for demonstration",
            terrorism_related=self.classification == Classification.VEP,
            created_at=at(life.admitted, 9))
        if not life.remand:
            episode.sentence_years, episode.sentence_months = life.years, life.months
            episode.remand_credit_days = life.credit
            episode.sentence_start = life.admitted
            episode.sentence_start_source = KeyDateSource.COURT_JUDGMENT
            for kd, value in key_dates(life, area.fraction).items():
                setattr(episode, kd, value)
                setattr(episode, f"{kd}_source", KeyDateSource.COMPUTED)
            if life.conditional:
                granted_on = min(max(life.admitted,
                                     plus_days(life.release, -rng.randint(60, 150))), self.until)
                self.rows.add(KeyDateOverride(
                    episode=episode, key_date="expected_release",
                    previous_value=episode.expected_release, new_value=life.release,
                    actor=self.manager, at=at(granted_on, 11),
                    reason="Conditional release granted by the court (fictional)."))
                episode.expected_release = life.release
                episode.expected_release_source = KeyDateSource.MANUAL_OVERRIDE
        if life.released:
            episode.is_current, episode.ended_on = False, life.release
            episode.release_type = ReleaseType.CONDITIONAL if life.conditional \
                else ReleaseType.END_OF_SENTENCE
        episode.updated_at = at(self.out, 12) if self.out else episode.created_at
        self.episode = self.rows.add(episode)
        opened = at(life.admitted, 10)
        level = ManagementLevel.MULTI_AGENCY if self.classification == Classification.VEP \
            else ManagementLevel.SINGLE_AGENCY
        self.case = self.rows.add(Case(
            person=self.person, opened_at=opened, management_level=level,
            case_manager=self.manager, created_at=opened))
        self.rows.add(ManagementLevelChange(case=self.case, level=level, decided_by=self.manager,
                                            decided_at=opened,
                                            reason="Case opened (fictional demo record)."))
        self.event("case_opened", opened, actor=self.manager)
        self.rows.events.append((self.manager, self.case, self.prison))

    def release(self):
        """Released during the history: custody ended; supervised, probation took over and the
        prison kept read access; otherwise the case closed a month later."""
        life, area = self.life, self.area
        if not life.released:
            return
        when = at(life.release, 11)
        self.event("custody_ended", when, {"facility": self.prison.name}, self.manager)
        if life.conditional:
            probation = area.agencies["probation"]
            until = plus_days(life.release, area.retain_days)
            self.rows.add(RetainedAccess(
                person=self.person, agency=self.prison, until=until, granted_at=when,
                granted_by=self.manager, ended_at=at(plus_days(until, 1), 0)
                if until < self.today else None))
            self.event("responsibility_transferred", when,
                       {"previous_agency": self.prison.name, "agency": probation.name},
                       self.manager)
        elif plus_days(life.release, 30) < self.today:
            self.case.status = CaseStatus.CLOSED
            self.case.closed_at = at(plus_days(life.release, 30), 12)
            self.case.closing_reason = "Released at the end of the sentence, no supervision " \
                                       "(fictional)."

    # -- screenings and assessments --

    def screenings(self):
        """At admission, then every six months in custody (the records of the history)."""
        definition = self.common.screening.parsed
        day, occasion = self.life.admitted, ScreeningOccasion.INTAKE
        questions = [q.code for q in definition.bias_check.questions] \
            if definition.bias_check else []
        while day <= self.until:
            if day >= self.from_day:
                present = {item.code for item in definition.items
                           if self.rng.random() < (0.35 if occasion == "intake" else 0.15)}
                ratings = {item.code: "present" if item.code in present else "absent"
                           for item in definition.items}
                if occasion == ScreeningOccasion.INTAKE:
                    outcome = "refer_full_assessment" if self.rng.random() < 0.85 else "monitor"
                else:
                    outcome = "monitor" if present and self.rng.random() < 0.4 else "no_concern"
                when = at(day, self.rng.choice([9, 10, 11, 14]))
                self.rows.add(Screening(
                    person=self.person, instrument_version=self.common.screening,
                    occasion=occasion, ratings=ratings,
                    evidence={code: "Observed on the wing (fictional)." for code in present},
                    bias_answers={q: {"answer": "no", "note": ""} for q in questions},
                    outcome=outcome,
                    review_on=plus_days(day, 90) if outcome == "monitor" else None,
                    rationale="Fictional rationale for the demo.",
                    screened_by=self.treatment, screened_at=when, created_at=when))
                label = definition.outcomes.option(outcome).label.get("en")
                self.event("screening_recorded", when,
                           {"outcome": label, "outcome_code": outcome,
                            "instrument": self.common.screening.instrument.code})
            day = weekday(add_months(day, 6) + datetime.timedelta(days=self.rng.randint(-10, 10)))
            occasion = ScreeningOccasion.REVIEW

    def assessments(self):
        """The first within weeks of admission, then reassessments at the jurisdiction's
        interval, on time or late as the jurisdiction's trend has it. Of those before the
        history only the last is written (the one the first of the history follows)."""
        interval = self.area.jurisdiction.reassessment_interval_months
        version, definition = self.common.risk_needs, self.common.risk_needs.parsed
        options = [o.code for o in definition.overall_judgement.options]
        day = weekday(plus_days(self.life.admitted, self.rng.randint(20, 45)))
        chain, concern = [], self.rng.choice([2, 1, 1, 0])
        while day < self.until:
            chain.append((day, concern))
            due = add_months(day, interval)
            if self.rng.random() < self.area.rate("reassessed_on_time", due):
                day = weekday(plus_days(due, -self.rng.randint(0, 20)))
            else:
                day = weekday(plus_days(due, self.rng.randint(10, 75)))
            concern = max(0, concern - (self.rng.random() < 0.3))
        written = [self.assessment(day, version, definition, options, concern)
                   for n, (day, concern) in enumerate(chain)
                   if day >= self.from_day or n + 1 == len(chain)
                   or chain[n + 1][0] >= self.from_day]
        for old in written[:-1]:
            old.status = AssessmentStatus.SUPERSEDED
        self.assessed = written
        if written and not self.life.released:
            last = written[-1].countersigned_at.date()
            self.rows.add(AssessmentDue(person=self.person, due_on=add_months(last, interval),
                                        reason=DueReason.INTERVAL))

    def assessment(self, day, version, definition, options, concern):
        submitted = at(day, 15)
        countersigned = at(min(plus_days(day, self.rng.randint(0, 3)), self.until), 16)
        assessment = self.rows.add(Assessment(
            person=self.person, instrument_version=version,
            status=AssessmentStatus.COUNTERSIGNED, lead_assessor=self.treatment,
            sources=[{"kind": "interview", "description": "Two interviews (fictional)",
                      "on": day.isoformat()},
                     {"kind": "file", "description": "Prison file", "on": ""}],
            formulation="Fictional formulation for the demonstration.",
            overall_judgement=options[min(concern, len(options) - 1)],
            judgement_rationale="Fictional rationale for the demonstration.",
            submitted_at=submitted, submitted_by=self.treatment,
            countersigned_at=countersigned, countersigned_by=self.manager,
            created_at=at(plus_days(day, -7), 10), updated_at=countersigned))
        self.rows.add(AssessmentParticipant(assessment=assessment, user=self.treatment,
                                            role=ParticipantRole.LEAD, added_by=self.treatment,
                                            added_at=assessment.created_at))
        for item in definition.items:
            codes = [p.code for p in definition.scale_of(item).points]
            pick = min(len(codes) - 1, max(0, concern + self.rng.choice([-1, 0, 0, 1])))
            rating = "unknown" if item.unknown_allowed and self.rng.random() < 0.05 \
                else codes[pick]
            self.rows.add(ItemRating(assessment=assessment, item_code=item.code, rating=rating,
                                     evidence="Fictional evidence for the demo.",
                                     rated_by=self.treatment, rated_at=submitted))
        judgement = definition.overall_judgement.option(assessment.overall_judgement)
        self.event("assessment_countersigned", countersigned,
                   {"judgement": judgement.label.get("en"),
                    "judgement_code": assessment.overall_judgement,
                    "instrument": version.instrument.code}, self.manager)
        return assessment

    # -- the plan and the work it organises --

    def plan(self):
        """Countersigned a few weeks after the first assessment (most people: some are still
        waiting, and few on remand have one); two goals, each with its intervention."""
        if not self.assessed or (self.life.remand and self.rng.random() < 0.7):
            return
        basis = self.assessed[0]
        signed_on = weekday(plus_days(basis.countersigned_at.date(), self.rng.randint(10, 40)))
        if signed_on >= self.until or self.rng.random() < 0.08:
            return
        signed = at(signed_on, 11)
        plan = self.rows.add(Plan(
            person=self.person, number=1, status=PlanStatus.COUNTERSIGNED, assessment=basis,
            summary="Plan built with the person from the assessment's needs (fictional).",
            position=self.rng.choice([PrisonerPosition.AGREED] * 3 +
                                     [PrisonerPosition.DISAGREES]),
            position_recorded_at=signed, review_every_months=3,
            next_review_on=self._next_review(signed_on), author=self.treatment,
            submitted_at=signed - datetime.timedelta(days=2), submitted_by=self.treatment,
            countersigned_at=signed, countersigned_by=self.manager,
            created_at=signed - datetime.timedelta(days=6), updated_at=signed))
        self.event("plan_countersigned", signed, {"number": 1}, self.manager)
        interventions = self.rng.sample(self.area.catalogue, min(3, len(self.area.catalogue)))
        self.steps = []
        for order, intervention in enumerate(interventions[:2]):
            need = intervention.need_areas[0] if intervention.need_areas else ""
            goal = self.rows.add(Goal(plan=plan, order=order, need_area=need,
                                      text="A goal of the plan (fictional).",
                                      status=GoalStatus.IN_PROGRESS,
                                      created_at=plan.created_at))
            self.steps.append(self.rows.add(Step(
                goal=goal, text=f"Take part in: {intervention.name}.",
                actor=StepActor.PRISONER, intervention=intervention,
                target_on=plus_days(signed_on, 120), status=StepStatus.IN_PROGRESS,
                created_at=plan.created_at)))
        self.signed_on = signed_on
        self.work(interventions)

    def _next_review(self, signed_on):
        review = add_months(signed_on, 3)
        while review <= plus_days(self.today, 14):
            review = add_months(review, 3)
        return review

    def work(self, interventions):
        """Enrolments one after another while in custody, with weekly sessions (recorded),
        refusals with their reason, and working-alliance measures on the jurisdiction's
        schedule."""
        rng, area = self.rng, self.area
        engaged = rng.uniform(-0.12, 0.1)  # the person's own engagement
        start = weekday(plus_days(max(self.signed_on, self.from_day), rng.randint(5, 20)))
        if rng.random() < 0.12 and start < self.until:  # refuses to take part for now
            reason, strategy = rng.choice(REFUSALS)
            self.rows.add(Offer(person=self.person, intervention=interventions[0],
                                offered_on=start, offered_by=self.treatment,
                                response=OfferResponse.REFUSED, reason=reason,
                                strategy=strategy, created_at=at(start, 12)))
            return
        first_after = area.jurisdiction.alliance_first_after_sessions
        every = area.jurisdiction.alliance_every_sessions
        quality = rng.uniform(-0.12, 0.12)
        k = 0
        while start < self.until:
            intervention = interventions[k % len(interventions)]
            step = self.steps[k] if k < len(self.steps) else None
            practitioner = self.treatment
            planned = min(intervention.typical_sessions, rng.randint(8, 14))
            hour = 10 if intervention.format == "individual" else 14
            enrolment = self.rows.add(Enrolment(
                person=self.person, intervention=intervention, step=step,
                practitioner=practitioner, planned_sessions=planned, started_on=start,
                created_by=self.treatment, created_at=at(plus_days(start, -3), 12)))
            attended, day, held = 0, start, 0
            for _n in range(planned):
                if day > self.until:
                    break
                held += 1
                scheduled = at(day, hour)
                p_attended = min(0.97, area.rate("attended", day) + engaged)
                p_refused = max(0.01, area.rate("refused", day) - engaged / 2)
                roll = rng.random()
                attendance = (Attendance.ATTENDED if roll < p_attended else
                              Attendance.REFUSED if roll < p_attended + p_refused else
                              Attendance.CANCELLED if rng.random() < 0.6 else
                              Attendance.NOT_PRODUCED)
                recorded = scheduled + datetime.timedelta(hours=2)
                session = self.rows.add(Session(
                    enrolment=enrolment, person=self.person, scheduled_at=scheduled,
                    duration_minutes=60 if hour == 10 else 90, facilitator=practitioner,
                    attendance=attendance, recorded_at=recorded, recorded_by=practitioner,
                    shared_summary="Attended and took part (fictional)."
                    if attendance == Attendance.ATTENDED else "",
                    created_at=enrolment.created_at, updated_at=recorded))
                if attendance == Attendance.REFUSED:
                    reason, strategy = rng.choice(REFUSALS)
                    self.rows.add(Offer(
                        person=self.person, intervention=intervention, session=session,
                        offered_on=day, offered_by=practitioner, response=OfferResponse.REFUSED,
                        reason=reason, strategy=strategy, created_at=recorded))
                elif attendance == Attendance.ATTENDED:
                    attended += 1
                    if attended == first_after or (attended > first_after
                                                   and (attended - first_after) % every == 0):
                        self.measure(enrolment, day, quality)
                day = plus_days(day, 7)
            last = plus_days(day, -7)
            if held == planned:  # every planned session held
                enrolment.status, enrolment.ended_on = EnrolmentStatus.COMPLETED, last
            elif self.life.released:
                enrolment.status, enrolment.ended_on = EnrolmentStatus.ENDED, self.until
                enrolment.end_reason = "Released (fictional)."
            if enrolment.ended_on:
                enrolment.updated_at = at(enrolment.ended_on, 17)
            if held < planned or k >= 40:
                break
            start = weekday(plus_days(day, rng.randint(7, 49)))
            k += 1

    def measure(self, enrolment, day, quality):
        level = self.area.rate("alliance", day) + quality
        ratings = {}
        for item in self.common.alliance.parsed.items:
            x = level * 4 + self.rng.uniform(-0.9, 0.9)
            ratings[item.code] = ALLIANCE_RATINGS[max(0, min(4, round(x)))]
        self.rows.add(AllianceMeasure(
            person=self.person, practitioner=enrolment.practitioner, enrolment=enrolment,
            instrument_version=self.common.alliance, occasion=AllianceOccasion.SCHEDULED,
            taken_on=day, ratings=ratings, scores=self.common.alliance_scores(ratings),
            recorded_by=self.treatment, created_at=at(day, 16)))

    # -- release --

    def prerelease(self):
        """The pre-release steps of a release within the horizon (or during the history), and
        the support plan: in place at the release or not, as the jurisdiction's trend has it."""
        life, area, rng = self.life, self.area, self.rng
        if life.remand or life.release is None:
            return
        if not life.released and life.release > add_months(self.today, area.horizon):
            return
        generated = at(max(life.admitted, add_months(life.release, -area.horizon)), 6)
        team = list({p.agency.pk: p.agency for p in self.team if p.ended_at is None}.values())
        for template in area.templates:
            due = release_dates.due_before(life.release, template.lead_months, template.lead_days)
            step = ReleaseStep(person=self.person, episode=self.episode, template=template,
                               agency=resolve_agency(template, self.episode, team), due_on=due,
                               created_at=generated)
            if due < self.today:
                roll = rng.random()
                if roll < 0.04:
                    step.status = ReleaseStepStatus.NOT_APPLICABLE
                    step.completed_on = max(plus_days(due, -rng.randint(0, 30)), life.admitted)
                    step.evidence = "Does not apply to this person (fictional)."
                else:
                    on_time = roll < area.rate("step_on_time", due)
                    done = plus_days(due, -rng.randint(0, 25) if on_time else rng.randint(3, 45))
                    step.status = ReleaseStepStatus.DONE
                    step.completed_on = max(min(done, self.until), life.admitted)
                    step.checklist_done = [item["code"] for item in template.checklist or []
                                           if isinstance(item, dict)]
                    if template.evidence_required:
                        step.evidence = "Fictional evidence for the demo."
                step.completed_by = self.manager
                step.updated_at = at(step.completed_on, 16)
            elif rng.random() < 0.1:
                step.status = ReleaseStepStatus.DONE
                step.completed_on = plus_days(self.today, -rng.randint(1, 10))
                step.completed_by = self.treatment
            self.rows.add(step)

        in_place = rng.random() < area.rate("support_plan", life.release)
        if in_place:
            started = plus_days(life.release, -rng.randint(15, 150))
        elif life.released and rng.random() < 0.5:
            started = plus_days(life.release, rng.randint(3, 40))
        else:
            return
        if started >= self.today:
            return
        probation = area.agencies["probation"]
        worker = area.one("probation", Role.PROBATION_OFFICER, rng)
        plan = self.rows.add(SupportPlan(
            person=self.person, episode=self.episode, municipality=area.agencies["municipality"],
            supervising_agency=probation if life.conditional else None,
            supervision_ends_on=add_months(life.release, 12) if life.conditional else None,
            created_by=worker, updated_by=worker, created_at=at(started, 12)))
        for pathway in Pathway.values:
            self.rows.add(PathwayEntry(plan=plan, pathway=pathway, updated_by=worker,
                                       status=rng.choice([PathwayStatus.NO_NEED,
                                                          PathwayStatus.NEED,
                                                          PathwayStatus.IN_PROGRESS,
                                                          PathwayStatus.MET]),
                                       created_at=plan.created_at))
        self.event("support_plan_started", plan.created_at, actor=worker)

    def follow_ups(self):
        """After a release: the follow-ups at the jurisdiction's offsets, held (with their
        coded outcomes) or missed once due, scheduled after today."""
        life, area, rng = self.life, self.area, self.rng
        if not life.released:
            return
        if life.conditional:
            agency = area.agencies["probation"]
            worker = area.one("probation", Role.PROBATION_OFFICER, rng)
        else:
            agency, worker = self.prison, self.manager
        doing_well = rng.random() < 0.7
        for code in area.follow_up_offsets:
            due = release_dates.after(life.release, code)
            follow_up = self.rows.add(FollowUp(
                person=self.person, episode=self.episode, offset=code, due_on=due,
                agency=agency, created_at=at(life.release, 12)))
            if due >= self.today:
                continue
            if rng.random() < 0.1:
                follow_up.status = FollowUpStatus.MISSED
                follow_up.recorded_by, follow_up.recorded_at = worker, at(plus_days(due, 1), 12)
                follow_up.updated_at = follow_up.recorded_at
                continue
            held = min(plus_days(due, rng.randint(-3, 5)), plus_days(self.today, -1))
            follow_up.status, follow_up.held_on = FollowUpStatus.HELD, held
            follow_up.contact_kind = rng.choice([ContactKind.OFFICE, ContactKind.HOME_VISIT,
                                                 ContactKind.PHONE])
            follow_up.engagement = (Engagement.ENGAGED if doing_well else
                                    rng.choice([Engagement.PARTLY, Engagement.NOT_ENGAGED]))
            follow_up.housing = rng.choice([Housing.STABLE] * (3 if doing_well else 1)
                                           + [Housing.TEMPORARY])
            follow_up.work = rng.choice([Work.EMPLOYED, Work.EDUCATION, Work.UNEMPLOYED]
                                        if doing_well else [Work.UNEMPLOYED, Work.UNKNOWN])
            follow_up.new_offence = YesNoUnknown.NO if rng.random() < 0.95 else \
                YesNoUnknown.UNKNOWN
            follow_up.reengagement = Reengagement.NONE if doing_well or rng.random() < 0.7 \
                else Reengagement.CONCERN
            follow_up.notes = "Follow-up held (fictional)."
            follow_up.recorded_by, follow_up.recorded_at = worker, at(held, 16)
            follow_up.updated_at = follow_up.recorded_at

    # -- referrals --

    def referrals(self):
        """Now and then a referral to one of the community agencies, while the case is open:
        answered on time or late (or not yet), accepted or declined, some withdrawn."""
        rng = self.rng
        month = max(month_start(self.life.admitted), month_start(self.from_day))
        busy_until = self.life.admitted
        end = self.today if not self.case.closed_at else self.case.closed_at.date()
        if self.life.released and not self.life.conditional:
            end = min(end, self.until)
        while month <= end:
            day = plus_days(month, rng.randint(0, 27))
            month = add_months(month, 1)
            if day < busy_until or day >= end or rng.random() > 0.11:
                continue
            busy_until = self.referral(day)

    def referral(self, day) -> datetime.date:
        rng, area = self.rng, self.area
        held = day < self.until or not self.life.released
        source = self.prison if held else area.agencies["probation"]
        sender = self.manager if held else area.one("probation", Role.PROBATION_OFFICER, rng)
        key, kind = rng.choice(REFERRED_TO)
        to_agency = area.agencies[key]
        role = Role.REINTEGRATION_OFFICER if key == "reintegration" else Role.COMMUNITY_PROVIDER
        worker = area.one(key, role, rng)
        sent = at(day, rng.choice([9, 10, 13, 15]))
        referral = Referral(
            person=self.person, from_agency=source, to_agency=to_agency, kind=kind,
            reason="What is asked, and why (fictional demo referral).",
            respond_by=plus_days(day, 10), status=ReferralStatus.SENT, created_by=sender,
            sent_at=sent, sent_by=sender, created_at=sent - datetime.timedelta(hours=1))
        self.rows.add(Disclosure(
            occurred_at=sent, person=self.person, from_agency=source, recipient_agency=to_agency,
            categories=[DataCategory.CASE_TEAM], purpose="Referral (fictional demo record)",
            channel=DisclosureChannel.REFERRAL, object_type="coordination.referral",
            object_uuid=str(referral.uuid)))
        self.event("referral_sent", sent, {"agency": to_agency.name,
                                           "referral_kind": kind}, sender)
        busy = plus_days(day, 14)
        if rng.random() < 0.04:
            referral.status = ReferralStatus.WITHDRAWN
            referral.withdrawn_at = sent + datetime.timedelta(days=rng.randint(1, 8))
            referral.withdrawn_by = sender
            referral.withdrawal_reason = "No longer needed (fictional)."
        else:
            on_time = rng.random() < area.rate("referral_on_time", day)
            answered = sent + datetime.timedelta(days=rng.randint(1, 10) if on_time
                                                 else rng.randint(11, 35),
                                                 hours=rng.randint(0, 5))
            if answered < self.common.now:
                referral.responded_at, referral.responded_by = answered, worker
                if rng.random() < 0.25:
                    referral.status = ReferralStatus.DECLINED
                    referral.decline_reason = rng.choice([DeclineReason.NO_CAPACITY,
                                                          DeclineReason.NOT_ELIGIBLE,
                                                          DeclineReason.PERSON_REFUSED])
                    busy = answered.date()
                else:
                    busy = self.accepted(referral, worker, to_agency, answered, kind)
            else:
                busy = self.today
        self.rows.add(referral)
        for n, text in enumerate(["A first meeting held", "Regular contact in the first months"]):
            self.rows.add(DesiredResult(
                referral=referral, description=f"{text} (fictional).", position=n,
                outcome=ResultOutcome.ACHIEVED if referral.status == ReferralStatus.COMPLETED
                and n == 0 else ResultOutcome.PARTLY
                if referral.status == ReferralStatus.COMPLETED else ResultOutcome.PENDING))
        referral.updated_at = referral.withdrawn_at or referral.completed_at or \
            referral.responded_at or sent
        return busy

    def accepted(self, referral, worker, to_agency, answered, kind) -> datetime.date:
        rng = self.rng
        referral.status = ReferralStatus.ACCEPTED
        referral.worker = worker
        place = self.rows.add(CaseTeamMember(
            case=self.case, user=worker, agency=to_agency, team_role="Worker of the referral",
            scopes=[], added_at=answered, added_by=worker, created_at=answered))
        referral.team_place = place
        self.team.append(place)
        self.event("referral_accepted", answered, {"agency": to_agency.name,
                                                   "referral_kind": kind}, worker)
        started = answered + datetime.timedelta(days=rng.randint(2, 10))
        completed = started + datetime.timedelta(days=rng.randint(45, 120))
        closed = self.case.closed_at
        if completed < self.common.now and (closed is None or completed < closed):
            referral.status = ReferralStatus.COMPLETED
            referral.started_at, referral.completed_at = started, completed
            referral.completed_by = worker
            referral.outcome_note = "Completed (fictional)."
            place.ended_at, place.ended_by = completed, worker
            return completed.date()
        if closed is not None:
            place.ended_at, place.ended_by = closed, self.manager
            referral.status = ReferralStatus.WITHDRAWN
            referral.withdrawn_at, referral.withdrawn_by = closed, self.manager
            referral.withdrawal_reason = "The case was closed (fictional)."
            return closed.date()
        if started < self.common.now:
            referral.status = ReferralStatus.IN_PROGRESS
            referral.started_at = started
        return self.today


def story(area: Area, life: Life, rows: Rows, rng: random.Random, references: set) -> None:
    """Add one person's records to `rows`."""
    told = Story(area, life, rows, rng)
    told.register(references)
    told.custody()
    told.release()
    told.screenings()
    told.assessments()
    told.plan()
    told.referrals()  # before the steps: an agency a referral put on the team takes its steps
    told.prerelease()
    told.follow_ups()
