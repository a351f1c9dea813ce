"""Lazy builders of the plans module's records on the suite's `world` (tests/conftest.py), for
fixtures, the authorization matrix and the canary walk: each builds once per world and returns
the same object after.

  ensure_planning(w)   reference instruments, a countersigned assessment of person A (needs),
                       interventions w.mentoring, w.cbt (J1) and w.elsewhere (J2)
  current_plan(w)      a countersigned plan of person A (by treatment A, countersigned by manager A)
  draft_plan(w)        the next version of it, a draft by treatment A
  enrolment(w)         person A in mentoring with treatment A, five weekly sessions: four past
                       (unrecorded, w.sessions[0..3]) and one tomorrow (w.sessions[4])
  recorded_session(w)  w.sessions[0], recorded as attended by treatment A with a note
  alliance_measure(w)  a working-alliance measure of person A about treatment A
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from alliance.assessments import services as assessment_services
from alliance.assessments.instruments import reference_definition_paths
from alliance.assessments.models import Certification
from alliance.plans import services
from alliance.plans.models import Intervention

from ..conftest import complete_ratings

ALLIANCE_RATINGS = {code: "often" for code in
                    ("G1", "G2", "G3", "T1", "T2", "T3", "B1", "B2", "B3")}


def _once(w, name, build):
    if not hasattr(w, name):
        setattr(w, name, build())
    return getattr(w, name)


def load_instruments(w):
    def build():
        loaded = {}
        for path in reference_definition_paths():
            version, _ = assessment_services.instrument_load(actor=None, text=path.read_text(),
                                                             filename=path.name)
            loaded.setdefault(version.instrument.kind, version)
        return SimpleNamespace(**loaded)
    return _once(w, "instruments", build)


def countersigned_assessment(w, rating="moderate"):
    """A new countersigned risk and needs assessment of person A (each call makes one)."""
    load_instruments(w)
    today = datetime.date.today()
    Certification.objects.get_or_create(
        user=w.treatment_a, instrument_code="alliance-risk-needs",
        defaults={"certified_on": today - datetime.timedelta(days=30),
                  "expires_on": today + datetime.timedelta(days=700)})
    a = assessment_services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                             instrument_version=w.instruments.risk_needs)
    complete_ratings(a, w.treatment_a, rating)
    a = assessment_services.assessment_update(
        actor=w.treatment_a, assessment=a, expected_version=None,
        sources=[{"kind": "file", "description": "Case file"}], overall_judgement="moderate",
        judgement_rationale="Rationale")
    a = assessment_services.assessment_submit(actor=w.treatment_a, assessment=a,
                                              expected_version=None)
    return assessment_services.assessment_countersign(actor=w.manager_a, assessment=a,
                                                      expected_version=None)


def ensure_planning(w):
    def build():
        w.assessment = countersigned_assessment(w)
        w.mentoring = Intervention.objects.create(
            jurisdiction=w.j1, code="MENTOR", name="Individual mentoring", type="exit_mentoring",
            format="individual", typical_sessions=12,
            need_areas=["ideology", "identity_belonging"])
        w.cbt = Intervention.objects.create(
            jurisdiction=w.j1, code="CBT", name="Thinking skills", type="cognitive_behavioural",
            format="group", typical_sessions=20, need_areas=["thinking_behaviour"])
        w.elsewhere = Intervention.objects.create(
            jurisdiction=w.j2, code="MENTOR", name="Mentoring in J2", type="exit_mentoring",
            format="individual")
        return True
    _once(w, "_planning", build)
    return w


def current_plan(w):
    def build():
        ensure_planning(w)
        plan = services.plan_start(actor=w.treatment_a, person=w.person_a)
        for goal in plan.goals.all():
            services.step_save(actor=w.treatment_a, plan=plan, expected_version=None,
                               goal=goal, text="Attend mentoring", actor_kind="prisoner",
                               intervention=w.mentoring)
        services.plan_update(actor=w.treatment_a, plan=plan, expected_version=None,
                             position="agreed", position_words="I want to try.")
        plan = services.plan_submit(actor=w.treatment_a, plan=plan, expected_version=None)
        return services.plan_countersign(actor=w.manager_a, plan=plan, expected_version=None)
    return _once(w, "plan", build)


def draft_plan(w):
    return _once(w, "draft_plan", lambda: services.plan_revise(
        actor=w.treatment_a, plan=current_plan(w), reason="New needs"))


def enrolment(w):
    def build():
        ensure_planning(w)
        e = services.enrolment_create(
            actor=w.treatment_a, person=w.person_a, intervention=w.mentoring,
            practitioner=w.treatment_a,
            started_on=datetime.date.today() - datetime.timedelta(days=40))
        w.sessions = services.sessions_schedule(
            actor=w.treatment_a, enrolment=e, count=5, every_days=7,
            first_at=timezone.now() - datetime.timedelta(days=27))
        return e
    return _once(w, "enrolment", build)


def recorded_session(w):
    def build():
        enrolment(w)
        return services.session_record(actor=w.treatment_a, session=w.sessions[0],
                                       expected_version=None, attendance="attended",
                                       note="Session note")
    return _once(w, "recorded_session", build)


def alliance_measure(w):
    return _once(w, "measure", lambda: services.alliance_record(
        actor=w.treatment_a, person=w.person_a, instrument_version=load_instruments(w).alliance,
        practitioner=w.treatment_a, enrolment=enrolment(w), occasion="scheduled",
        taken_on=datetime.date.today(), ratings=ALLIANCE_RATINGS))
