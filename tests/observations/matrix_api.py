"""Authorization matrix rows of the dynamic-security API. See tests/matrix.py.

Raw material (a person's observations, an observation, the summaries drawing on it) is the
security compartment's: security A and analyst A read it (stating a purpose: the GET rows send
one); the others who see person A (treatment A, manager A, the NGO worker on the case team) are
refused (403); the rest do not see person A (404); without credentials, 401. The observation
here is treatment A's own, not yet reviewed: its observer may correct it (an empty PATCH: 400)
but not read it here (403), and it does not exist for manager A or the NGO worker (404).

Writes are sent without a body: a persona who passes the access check gets 400 (nothing is
saved). Anyone on the staff of prison A records observations, whatever their sector; only the
analyst shares. Shared summaries: every caseworker lists what is shared with them (200, maybe
nothing); roles that do not work with individual people are refused (403).

Rows whose key ends in "(method)" cover a second method of a URL.
"""

from django.urls import reverse

from ..matrix import Row, only
from . import builders

PURPOSE = {"purpose": "review"}
RAW = only({"security_a": 200, "analyst_a": 200, "treatment_a": 403, "manager_a": 403,
            "ngo_worker": 403}, 404, 401)
RECORDERS = only({"security_a": 400, "analyst_a": 400, "treatment_a": 400, "manager_a": 400,
                  "ngo_worker": 403}, 404, 401)
# treatment A's own observation: the security side reads it; its observer only corrects it.
OWN = only({"security_a": 200, "analyst_a": 200, "treatment_a": 403}, 404, 401)
OWN_CORRECTED = only({"security_a": 403, "analyst_a": 403, "treatment_a": 400}, 404, 401)
SHARERS = only({"security_a": 403, "analyst_a": 400, "treatment_a": 403}, 404, 401)
CASEWORKERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "treatment_b": 200,
               "probation_officer": 200, "ngo_worker": 200, "manager_other": 200}


def on_person(w):
    return reverse("api:person-observations", args=[w.person_a.uuid])


def on_own(name):
    return lambda w: reverse(f"api:{name}", args=[builders.own_new(w).uuid])


def shared_list(w):
    builders.summary(w)  # a summary in force, shared with treatment A
    return reverse("api:shared-summary-list")


ROWS = {
    "api:person-observations": Row(lambda w: (builders.security_new(w), on_person(w))[1], RAW,
                                   data=PURPOSE),
    "api:person-observations (post)": Row(on_person, RECORDERS, method="post"),
    "api:observation-detail": Row(on_own("observation-detail"), OWN, data=PURPOSE),
    "api:observation-detail (patch)": Row(on_own("observation-detail"), OWN_CORRECTED,
                                          method="patch", data=""),
    "api:observation-shares": Row(on_own("observation-shares"), OWN, data=PURPOSE),
    "api:observation-shares (post)": Row(on_own("observation-shares"), SHARERS, method="post"),
    "api:shared-summary-list": Row(shared_list, only(CASEWORKERS, 403, 401)),
}
