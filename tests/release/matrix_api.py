"""Authorization matrix rows of the release API. See tests/matrix.py.

Every row first brings person A up to `releasing` (released in two months; probation and a
ministry division on the case team; the NGO worker is on it too in the matrix, with the case
team's share only). Release records are the case team's share: whoever holds it reads them
(prison A's staff, the probation officer, the NGO worker: 200); the rest do not see person A
(404); without credentials, 401. Work is for prison A's treatment staff and record keepers and
for the case team's members from probation or a ministry division: the security officer and
the NGO worker, who only read, are refused (403).

Writes are sent without a body: a persona who passes the access check gets 400 (nothing is
saved). Starting the support plan is the one write without input: the row's plan is started
already, so a worker gets it back (200). The follow-up rows come after the release (a while
ago): probation is responsible then, and prison A keeps read access only. The handover waits
for probation to acknowledge it; probation, on the receiving side, may not withdraw it (403).
The handover list is for everyone who works with people (maybe empty); roles that do not are
refused (403).

Rows whose key ends in "(method)" cover a second method of a URL.
"""

from django.urls import reverse

from ..matrix import Row, only
from . import builders

READERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "probation_officer": 200,
           "ngo_worker": 200}
READ = only(READERS, 404, 401)
WORK_EMPTY = only({"treatment_a": 400, "security_a": 403, "manager_a": 400,
                   "probation_officer": 400, "ngo_worker": 403}, 404, 401)
START = only({"treatment_a": 200, "security_a": 403, "manager_a": 200,
              "probation_officer": 200, "ngo_worker": 403}, 404, 401)
# After the release: probation works; prison A reads for a while; the NGO worker reads.
AFTER_RELEASE_EMPTY = only({"treatment_a": 403, "security_a": 403, "manager_a": 403,
                            "probation_officer": 400, "ngo_worker": 403}, 404, 401)
ACKNOWLEDGE_EMPTY = only({"treatment_a": 403, "security_a": 403, "manager_a": 403,
                          "probation_officer": 400, "ngo_worker": 403}, 404, 401)
WITHDRAW_EMPTY = only({"treatment_a": 400, "security_a": 403, "manager_a": 400,
                       "probation_officer": 403, "ngo_worker": 403}, 404, 401)
CASEWORKERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "treatment_b": 200,
               "probation_officer": 200, "ngo_worker": 200, "manager_other": 200}


def on_person(name, prepare=builders.ensure_releasing):
    return lambda w: (prepare(w), reverse(f"api:{name}", args=[w.person_a.uuid]))[1]


def step(w):
    builders.ensure_releasing(w)
    return reverse("api:release-step-detail", args=[builders.steps_by_code(w)["reassessment"]
                                                    .uuid])


def follow_up(w):
    builders.ensure_releasing(w)
    return reverse("api:follow-up-detail", args=[builders.released_a_while_ago(w)["1w"].uuid])


def handover(action=""):
    name = f"api:handover-{action}" if action else "api:handover-detail"
    return lambda w: reverse(name, args=[builders.handover_waiting(w).uuid])


def handover_list(w):
    builders.handover_waiting(w)
    return reverse("api:handover-list")


ROWS = {
    "api:person-release-steps": Row(on_person("person-release-steps"), READ),
    "api:release-step-detail": Row(step, READ),
    "api:release-step-detail (patch)": Row(step, WORK_EMPTY, method="patch", data=""),
    "api:person-support-plan": Row(on_person("person-support-plan"), READ),
    "api:person-support-plan (post)": Row(
        on_person("person-support-plan", builders.support_plan_started), START, method="post"),
    "api:person-support-plan (patch)": Row(
        on_person("person-support-plan", builders.support_plan_started), WORK_EMPTY,
        method="patch", data=""),
    "api:person-follow-ups": Row(on_person("person-follow-ups"), READ),
    "api:follow-up-detail": Row(follow_up, READ),
    "api:follow-up-detail (patch)": Row(follow_up, AFTER_RELEASE_EMPTY, method="patch",
                                        data=""),
    "api:handover-list": Row(handover_list, only(CASEWORKERS, 403, 401)),
    "api:handover-list (post)": Row(handover_list, only(
        {persona: 400 for persona in CASEWORKERS}, 403, 401), method="post"),
    "api:handover-detail": Row(handover(), READ),
    "api:handover-acknowledge": Row(handover("acknowledge"), ACKNOWLEDGE_EMPTY, method="post"),
    "api:handover-withdraw": Row(handover("withdraw"), WITHDRAW_EMPTY, method="post"),
}
