"""Authorization matrix rows of the dynamic-security pages (/security/). See tests/matrix.py.

Person A's security material is the security compartment's: security A and analyst A (prison
A's security sector) read it; the analyst alone reviews, links, archives, analyses, shares,
withdraws and exports. Anyone on the staff of prison A records an observation, whatever their
sector. The others who see person A (treatment A, manager A, the NGO worker on the case team)
are refused (403) where the page is about person A, and do not see an observation, an analysis
or a summary that is not theirs (404). The rest do not see person A at all (404).

Treatment A is an observer outside the compartment: their own observation exists for them (they
correct it before review, add an addendum after) but its page is refused (403). A summary is
shared with treatment A by name: they read it, may not withdraw it.

The pages that show raw material ask for the purpose first (a 200 page); the rows fetch them
without one, so a 200 may be that chooser; what it shows is the canary walk's concern
(tests/security/test_canary_walk.py). POST rows are sent without a body: the review and the
unlink then succeed for the analyst (302), after whom every persona is one who never saw them.
"""

from django.urls import reverse

from ..matrix import Row, only
from . import builders

SECURITY_SIDE = only({"security_a": 200, "analyst_a": 200}, 403)
# About person A: the security side reads; the others who see person A are refused.
RECORD = only({"security_a": 200, "analyst_a": 200, "treatment_a": 403, "manager_a": 403,
               "ngo_worker": 403}, 404)
# Recording: prison A's staff of every sector; the NGO worker on the team may not.
RECORDERS = only({"security_a": 200, "analyst_a": 200, "treatment_a": 200, "manager_a": 200,
                  "ngo_worker": 403}, 404)
# The analyst's work on person A: the others who see person A are refused.
ANALYST_ON_PERSON = only({"security_a": 403, "analyst_a": 200, "treatment_a": 403,
                          "manager_a": 403, "ngo_worker": 403}, 404)
# The analyst's work on one observation (security A's, reviewed): security A reads it but may
# not; nobody else knows it exists.
ANALYST_ON_OBSERVATION = only({"security_a": 403, "analyst_a": 200}, 404)
CASEWORKERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "treatment_b": 200,
               "probation_officer": 200, "ngo_worker": 200, "manager_other": 200}


def _person(name):
    return lambda w: reverse(f"observations:{name}", args=[w.person_a.uuid])


def _object(name, build):
    return lambda w: reverse(f"observations:{name}", args=[build(w).uuid])


ROWS = {
    "observations:record": Row(_person("record"), RECORDERS),
    # treatment A's own new observation: its observer corrects it; the security side reads it
    # but may not correct it.
    "observations:observation_edit": Row(_object("observation_edit", builders.own_new), only(
        {"treatment_a": 200, "security_a": 403, "analyst_a": 403}, 404)),
    # treatment A's own reviewed observation: its observer and the analyst add addenda.
    "observations:addendum": Row(_object("addendum", builders.own_reviewed), only(
        {"treatment_a": 200, "security_a": 403, "analyst_a": 200}, 404)),
    # Everyone who works with people (an empty list for most); not the non-casework roles.
    "observations:mine": Row(lambda w: reverse("observations:mine"), only(
        {"regional_coordinator": 403, "dpo": 403, "admin": 403}, 200)),
    "observations:review": Row(_object("review", builders.security_new), only(
        {"security_a": 403, "analyst_a": 302}, 404), method="post",
        version_of=builders.security_new),
    "observations:link": Row(_object("link", builders.security_reviewed),
                             ANALYST_ON_OBSERVATION),
    "observations:unlink": Row(_object("unlink", builders.link), only(
        {"security_a": 403, "analyst_a": 302}, 404), method="post"),
    "observations:archive": Row(_object("archive", builders.security_reviewed),
                                ANALYST_ON_OBSERVATION),
    "observations:analysis_add": Row(_person("analysis_add"), ANALYST_ON_PERSON),
    "observations:analysis": Row(_object("analysis", builders.analysis), only(
        {"security_a": 200, "analyst_a": 200}, 404)),
    "observations:share": Row(_person("share"), ANALYST_ON_PERSON),
    # shared with treatment A by name: they read it but may not withdraw it
    "observations:withdraw": Row(_object("withdraw", builders.summary), only(
        {"security_a": 403, "analyst_a": 200, "treatment_a": 403}, 404)),
    "observations:export": Row(_person("export"), ANALYST_ON_PERSON),
    "observations:dashboard": Row(lambda w: reverse("observations:dashboard"), SECURITY_SIDE),
    "observations:queue": Row(lambda w: reverse("observations:queue"), SECURITY_SIDE),
    "observations:person_record": Row(_person("person_record"), RECORD),
    # treatment A's own observation: visible to its observer, but its page is not theirs
    "observations:observation": Row(_object("observation", builders.own_new), only(
        {"security_a": 200, "analyst_a": 200, "treatment_a": 403}, 404)),
    "observations:summary": Row(_object("summary", builders.summary), only(
        {"security_a": 200, "analyst_a": 200, "treatment_a": 200}, 404)),
    "observations:shared": Row(lambda w: reverse("observations:shared"),
                               only(CASEWORKERS, 403)),
}
