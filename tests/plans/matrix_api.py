"""Authorization matrix rows of the plans module (api). See tests/matrix.py.

The API of person A's plans and engagement answers as the pages do, in its own statuses: 401
without credentials, 404 to staff who do not see person A (and for a draft or submitted plan, to
whoever is not its planner or reviewer), 403 to those who see it but may not act. Writes are sent
without a body: a persona who passes the access check gets 400 (nothing is saved). The personas
run in tests/matrix.py's order on one database; only person-plans' POST succeeds (treatment A
starts the plan; manager A then finds it started: 400).

Rows whose key ends in "(method)" cover a second method of a URL.
"""

from django.urls import reverse

from alliance.plans import services

from ..matrix import Row, only
from . import builders

# Who sees person A with the case team's share: treatment A, the security officer, manager A
# and the NGO worker on the case team; the rest do not see person A (404).
READ = only({"treatment_a": 200, "security_a": 200, "manager_a": 200, "ngo_worker": 200}, 404,
            401)
# Planners (treatment A, manager A) may act; the others who see person A may not.
PLANNERS = only({"treatment_a": 400, "security_a": 403, "manager_a": 400, "ngo_worker": 403},
                404, 401)
# A draft exists only for its planners; a submitted plan for them and its countersigner, but
# its author (treatment A) may not countersign or return it.
DRAFT = only({"treatment_a": 400, "manager_a": 400}, 404, 401)
SUBMITTED = only({"treatment_a": 403, "manager_a": 400}, 404, 401)
# The treatment compartment: treatment A only.
TREATMENT = only({"treatment_a": 200, "security_a": 403, "manager_a": 403, "ngo_worker": 403},
                 404, 401)
TREATMENT_POSTS = {**TREATMENT, "treatment_a": 400}
# The catalogues: staff who work with people read their jurisdictions'; manager A keeps J1's.
CASEWORKERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "treatment_b": 200,
               "probation_officer": 200, "ngo_worker": 200, "manager_other": 200}


def person(w):
    return builders.ensure_planning(w).person_a.uuid


def submitted_plan(w):
    """The draft of version 2, with the person's position, submitted by treatment A."""
    if not hasattr(w, "api_submitted_plan"):
        draft = services.plan_update(actor=w.treatment_a, plan=builders.draft_plan(w),
                                     expected_version=None, position="agreed",
                                     position_words="Yes.")
        w.api_submitted_plan = services.plan_submit(actor=w.treatment_a, plan=draft,
                                                    expected_version=None)
    return w.api_submitted_plan


def api(name, *objects):
    return lambda w: reverse(f"api:{name}", args=[obj(w).uuid for obj in objects])


def on_person(name):
    return lambda w: reverse(f"api:{name}", args=[person(w)])


def mentoring(w):
    return builders.ensure_planning(w).mentoring


def draft_goal(w):
    return builders.draft_plan(w).goals.first()


ROWS = {
    "api:intervention-list": Row(lambda w: reverse("api:intervention-list"),
                                 only(CASEWORKERS, 403, 401)),
    "api:intervention-list (post)": Row(lambda w: reverse("api:intervention-list"),
                                        only({"manager_a": 400, "manager_other": 400}, 403, 401),
                                        method="post"),
    # J1's mentoring: manager_other (J2) does not read J1's catalogue.
    "api:intervention-detail": Row(api("intervention-detail", mentoring),
                                   only({**CASEWORKERS, "manager_other": 404}, 403, 401)),
    "api:intervention-detail (patch)": Row(api("intervention-detail", mentoring),
                                           only({"manager_a": 400, "manager_other": 404}, 403,
                                                401), method="patch", data=""),
    "api:person-plans": Row(on_person("person-plans"), READ),
    "api:person-plans (post)": Row(on_person("person-plans"),
                                   {**PLANNERS, "treatment_a": 201}, method="post"),
    "api:plan-detail": Row(api("plan-detail", builders.current_plan), READ),
    "api:plan-detail (patch)": Row(api("plan-detail", builders.draft_plan), DRAFT,
                                   method="patch", data=""),
    "api:plan-goals": Row(api("plan-goals", builders.draft_plan), DRAFT, method="post"),
    "api:plan-steps": Row(api("plan-steps", builders.draft_plan, draft_goal), DRAFT,
                          method="post"),
    "api:plan-submit": Row(api("plan-submit", builders.draft_plan), DRAFT, method="post"),
    "api:plan-countersign": Row(api("plan-countersign", submitted_plan), SUBMITTED,
                                method="post"),
    "api:plan-return": Row(api("plan-return", submitted_plan), SUBMITTED, method="post"),
    "api:plan-revise": Row(api("plan-revise", builders.current_plan), PLANNERS, method="post"),
    "api:plan-review": Row(api("plan-review", builders.current_plan), PLANNERS, method="post"),
    "api:person-enrolments": Row(lambda w: (builders.enrolment(w),
                                            on_person("person-enrolments")(w))[1], READ),
    "api:person-enrolments (post)": Row(on_person("person-enrolments"), PLANNERS,
                                        method="post"),
    "api:enrolment-sessions": Row(api("enrolment-sessions", builders.enrolment), PLANNERS,
                                  method="post"),
    "api:person-sessions": Row(lambda w: (builders.recorded_session(w),
                                          on_person("person-sessions")(w))[1], READ),
    "api:session-detail": Row(api("session-detail", builders.recorded_session), READ),
    "api:session-detail (patch)": Row(api("session-detail", builders.recorded_session),
                                      PLANNERS, method="patch", data=""),
    "api:person-refusals": Row(on_person("person-refusals"), READ),
    "api:person-refusals (post)": Row(on_person("person-refusals"), PLANNERS, method="post"),
    "api:person-motivation": Row(on_person("person-motivation"), READ),
    "api:person-motivation (post)": Row(on_person("person-motivation"), TREATMENT_POSTS,
                                        method="post"),
    "api:person-alliance-measures": Row(lambda w: (builders.alliance_measure(w),
                                                   on_person("person-alliance-measures")(w))[1],
                                        TREATMENT),
    "api:person-alliance-measures (post)": Row(on_person("person-alliance-measures"),
                                               TREATMENT_POSTS, method="post"),
}
