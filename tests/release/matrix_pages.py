"""Authorization matrix rows of the release pages (alliance/release/urls.py). See tests/matrix.py.

Every row first brings person A up to `releasing` (released in two months; probation and a
ministry division on the case team; in the matrix the NGO worker is on it too, with the case
team's share only). Release records are the case team's share: whoever holds it reads them —
prison A's staff, the probation officer and the NGO worker (200); everyone else does not see
person A (404). Work (steps, the support plan, supervision, sending a handover) is for prison A's
treatment staff and record keepers and for the case team's members from probation or a ministry
division: the security officer and the NGO worker, who only read, are refused (403).

Writes are sent without a body: a persona who passes the access check gets the form back with
its errors (200), nothing is saved. Starting the support plan needs no input: a worker is sent
back to the plan (302). Recording the release is the people app's MANAGE_CUSTODY: prison A's
record keeper alone. The handover waits for probation: only probation may acknowledge it (its
empty form comes back, 200). The follow-up rows come after the release (forty days ago):
probation is responsible then and works; prison A keeps read access only (403 for work).
"""

from django.urls import reverse

from alliance.release import services

from ..matrix import Row, only
from . import builders

READERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "probation_officer": 200,
           "ngo_worker": 200}
READ = only(READERS, 404)
WORK = only({"treatment_a": 200, "security_a": 403, "manager_a": 200, "probation_officer": 200,
             "ngo_worker": 403}, 404)
START = {**WORK, "treatment_a": 302, "manager_a": 302, "probation_officer": 302}
CASEWORKERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "treatment_b": 200,
               "probation_officer": 200, "ngo_worker": 200, "manager_other": 200}
KEEPER = only({"treatment_a": 403, "security_a": 403, "manager_a": 200,
               "probation_officer": 403, "ngo_worker": 403}, 404)
ACKNOWLEDGE = only({"treatment_a": 403, "security_a": 403, "manager_a": 403,
                    "probation_officer": 200, "ngo_worker": 403}, 404)
# After the release: probation works; prison A reads for a while; the NGO worker reads.
AFTER_RELEASE_WORK = only({"treatment_a": 403, "security_a": 403, "manager_a": 403,
                           "probation_officer": 200, "ngo_worker": 403}, 404)


def person(w):
    return builders.ensure_releasing(w).person_a.uuid


def step(w):
    builders.ensure_releasing(w)
    return builders.steps_by_code(w)["release_day"]


def plan(w):
    return builders.support_plan_started(w)


def entry(w):
    return plan(w).pathways.get(pathway="accommodation")


def action(w):
    if not hasattr(w, "support_action"):
        w.support_action = services.action_add(actor=w.probation_officer, entry=entry(w),
                                               description="Find a room", agency=w.ministry)
    return w.support_action


def condition(w):
    if not hasattr(w, "condition"):
        w.condition = services.condition_add(actor=w.probation_officer, plan=plan(w),
                                             kind="reporting", detail="Weekly",
                                             starts_on=w.episode_a.expected_release)
    return w.condition


def handover(w):
    return builders.handover_waiting(w)


def follow_up(w):
    return builders.released_a_while_ago(w)["1w"]


def url(name, obj=None):
    """The release page `name`, for the object `obj(w)` (by its UUID), or for person A."""
    if obj is None:
        return lambda w: reverse(f"release:{name}", args=[person(w)])
    return lambda w: reverse(f"release:{name}", args=[obj(w).uuid])


ROWS = {
    "release:worklist": Row(lambda w: (builders.ensure_releasing(w),
                                       reverse("release:worklist"))[1], only(CASEWORKERS, 403)),
    "release:person": Row(url("person"), READ),
    "release:release_record": Row(url("release_record"), KEEPER),
    "release:pdf": Row(url("pdf"), READ),
    "release:step": Row(url("step", step), READ),
    "release:step_not_applicable": Row(url("step_not_applicable", step), WORK, method="post"),
    "release:step_reopen": Row(url("step_reopen", step), WORK, method="post"),
    "release:step_agency": Row(url("step_agency", step), WORK),
    "release:support_plan": Row(url("support_plan"), READ),
    "release:support_plan_start": Row(url("support_plan_start"), START, method="post"),
    "release:support_plan_edit": Row(url("support_plan_edit", plan), WORK),
    "release:pathway_edit": Row(url("pathway_edit", entry), WORK),
    "release:action_add": Row(url("action_add", entry), WORK),
    "release:action_edit": Row(url("action_edit", action), WORK),
    "release:condition_add": Row(url("condition_add", plan), WORK),
    "release:condition_end": Row(url("condition_end", condition), WORK),
    "release:contact_add": Row(url("contact_add", plan), WORK),
    "release:breach_add": Row(url("breach_add", plan), WORK),
    "release:handover_new": Row(url("handover_new"), WORK),
    "release:handover": Row(url("handover", handover), READ),
    "release:handover_acknowledge": Row(url("handover_acknowledge", handover), ACKNOWLEDGE,
                                        method="post", data={"version": "x"}),
    # the sending side withdraws; the receiving probation officer may not (403)
    "release:handover_withdraw": Row(url("handover_withdraw", handover),
                                     {**WORK, "probation_officer": 403}, method="post"),
    "release:follow_up": Row(url("follow_up", follow_up), READ),
    "release:follow_up_missed": Row(url("follow_up_missed", follow_up), AFTER_RELEASE_WORK,
                                    method="post"),
}
