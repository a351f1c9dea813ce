"""Authorization matrix rows of the plans module (plan). See tests/matrix.py.

Person A's plans. Treatment A (treatment sector of prison A) and manager A (prison and case
manager there) plan; manager A also countersigns what someone else wrote and submitted. The
security officer and the NGO worker on the case team read the countersigned plan but plan
nothing; drafts and submitted plans are the planners' and reviewers' alone (404 to them). Staff
who do not see person A get 404. The personas run in tests/matrix.py's order, on one database:
treatment A acts before manager A, who acts before the NGO worker.
"""

import datetime

from django.urls import reverse

from alliance.plans import services

from ..matrix import Row, only
from . import builders

TODAY = datetime.date.today()
# The planners of a draft; everyone else, including who sees the final plan, gets 404.
DRAFT = only({"treatment_a": 200, "manager_a": 200}, 404)
DRAFT_POSTS = only({"treatment_a": 302, "manager_a": 302}, 404)
# The countersigned plan: the case team reads it; its planners review and revise it.
CURRENT = only({"treatment_a": 200, "security_a": 200, "manager_a": 200, "ngo_worker": 200}, 404)
CURRENT_POSTS = only({"treatment_a": 302, "security_a": 403, "manager_a": 302,
                      "ngo_worker": 403}, 404)


def person(w):
    return builders.ensure_planning(w).person_a.uuid


def draft(w):
    return builders.draft_plan(w)


def current(w):
    return builders.current_plan(w)


def complete_draft(w):
    """The draft (version 2) with the person's position recorded: ready to be submitted."""
    if not hasattr(w, "complete_draft"):
        w.complete_draft = services.plan_update(
            actor=w.treatment_a, plan=draft(w), expected_version=None, position="agreed",
            position_words="Yes.")
    return w.complete_draft


def submitted(w):
    """The draft, submitted by treatment A (its author)."""
    if not hasattr(w, "submitted_plan"):
        w.submitted_plan = services.plan_submit(actor=w.treatment_a, plan=complete_draft(w),
                                                expected_version=None)
    return w.submitted_plan


def draft_goal(w):
    return draft(w).goals.first()


def draft_step(w):
    """A step of the draft (any: each planner removes one in the step_remove row)."""
    return next(step for goal in draft(w).goals.all() for step in goal.steps.all())


def url(name, obj, *more):
    return lambda w: reverse(f"plans:{name}", args=[obj(w).uuid, *(m(w).uuid for m in more)])


ROWS = {
    # Treatment A starts the plan (302 to it); manager A is a planner too, but a plan is now in
    # preparation: refused with the reason, back to the person page (302).
    "plans:plan_start": Row(lambda w: reverse("plans:plan_start", args=[person(w)]),
                            only({"treatment_a": 302, "security_a": 403, "manager_a": 302,
                                  "ngo_worker": 403}, 404), method="post"),
    "plans:plan": Row(url("plan", draft), DRAFT),
    "plans:plan_update": Row(url("plan_update", draft), DRAFT_POSTS, method="post",
                             data={"summary": "Work towards release.",
                                   "review_every_months": 3}, version_of=draft),
    "plans:plan_position": Row(url("plan_position", draft), DRAFT_POSTS, method="post",
                               data={"position": "agreed", "position_words": "I will try."},
                               version_of=draft),
    "plans:goal_add": Row(url("goal_add", draft), DRAFT_POSTS, method="post",
                          data={"text": "Find work after release"}, version_of=draft),
    "plans:goal_edit": Row(url("goal_edit", draft, draft_goal), DRAFT_POSTS, method="post",
                           data={"text": "Reframe beliefs", "status": "in_progress"}, version_of=draft),
    # Each planner removes a goal (the draft has one per assessed need).
    "plans:goal_remove": Row(url("goal_remove", draft, draft_goal), DRAFT_POSTS,
                             method="post", version_of=draft),
    "plans:step_add": Row(url("step_add", draft, draft_goal), DRAFT_POSTS, method="post",
                          data={"text": "Meet the mentor", "actor": "prisoner",
                                "status": "planned"}, version_of=draft),
    "plans:step_edit": Row(url("step_edit", draft, draft_step), DRAFT_POSTS, method="post",
                           data={"text": "Meet the mentor weekly", "actor": "prisoner",
                                 "status": "in_progress"}, version_of=draft),
    "plans:step_remove": Row(url("step_remove", draft, draft_step), DRAFT_POSTS,
                             method="post", version_of=draft),
    # Sent without naming a goal or step: a planner gets the page back with the error (200).
    "plans:progress": Row(url("progress", current), {**CURRENT_POSTS, "treatment_a": 200,
                                                      "manager_a": 200},
                          method="post", data={"status": "achieved"}),
    # Treatment A submits; the submitted plan is manager A's to countersign, not to edit (403).
    "plans:plan_submit": Row(url("plan_submit", complete_draft),
                             only({"treatment_a": 302, "manager_a": 403}, 404), method="post",
                             version_of=complete_draft),
    # Its author may not countersign (403); manager A does; the plan is then the current one,
    # which the NGO worker reads but may not countersign (403).
    "plans:plan_countersign": Row(url("plan_countersign", submitted),
                                  only({"treatment_a": 403, "manager_a": 302,
                                        "ngo_worker": 403}, 404), method="post", version_of=submitted),
    # Manager A returns it to draft: a draft is not the NGO worker's to see (404).
    "plans:plan_return": Row(url("plan_return", submitted),
                             only({"treatment_a": 403, "manager_a": 302}, 404), method="post",
                             data={"comments": "Add target dates."}, version_of=submitted),
    # Treatment A opens version 2; manager A's attempt finds it open: the form again (200).
    "plans:plan_revise": Row(url("plan_revise", current),
                             {**CURRENT_POSTS, "manager_a": 200}, method="post",
                             data={"reason": "New assessment"}),
    "plans:plan_review": Row(url("plan_review", current), CURRENT_POSTS, method="post",
                             data={"note": "On track.", "reviewed_on": TODAY.isoformat(),
                                   "next_review_on": (TODAY + datetime.timedelta(days=90))
                                   .isoformat()}, version_of=current),
    "plans:plan_pdf": Row(url("plan_pdf", current), CURRENT),
    "plans:interventions": Row(lambda w: reverse("plans:interventions"), only(
        {"treatment_a": 200, "security_a": 200, "manager_a": 200, "treatment_b": 200,
         "probation_officer": 200, "ngo_worker": 200, "manager_other": 200}, 403)),
}
