"""Authorization matrix rows of the conference pages and API (alliance/coordination/conferences).
See tests/matrix.py; the lead adds `ROWS` to tests/test_authorization_matrix.py.

In the matrix the NGO worker is on person A's case team (the case team's share, under the
agreement). Manager A (the case manager) schedules a conference with treatment A and the
probation officer, who is not on the team but attends under the agreement: they see that
conference and its actions (200), not person A's list of conferences (404). Managing (minutes,
moving, cancelling, scheduling) is the case manager's, the chair's and the record keepers': the
others who see it are refused (403); everyone else gets 404. Writes are sent without a body: a
persona who passes the access check gets the form back with its errors (200).
"""

from django.urls import reverse

from ...matrix import Row, only
from . import builders

TEAM = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "ngo_worker": 200}
READ_PERSON = only(TEAM, 404)
READ_CONFERENCE = only({**TEAM, "probation_officer": 200}, 404)
SCHEDULE = only({"treatment_a": 403, "security_a": 403, "manager_a": 200, "ngo_worker": 403},
                404)
MANAGE = only({"treatment_a": 403, "security_a": 403, "manager_a": 200, "ngo_worker": 403,
               "probation_officer": 403}, 404)
# An action of treatment A: its owner and manager A close it; the other readers may not.
CLOSE = only({"treatment_a": 200, "security_a": 403, "manager_a": 200, "ngo_worker": 403,
              "probation_officer": 403}, 404)
API_READ_PERSON = only(TEAM, 404, 401)
API_READ_CONFERENCE = only({**TEAM, "probation_officer": 200}, 404, 401)
API_SCHEDULE = only({"treatment_a": 403, "security_a": 403, "manager_a": 400,
                     "ngo_worker": 403}, 404, 401)


def person(w):
    return w.person_a.uuid


def conference(w):
    return builders.scheduled(w).uuid


def action(w):
    return builders.held_with_action(w).uuid


ROWS = {
    "coordination:conference_list": Row(lambda w: reverse(
        "coordination:conference_list", args=[person(w)]), READ_PERSON),
    "coordination:conference_new": Row(lambda w: reverse(
        "coordination:conference_new", args=[person(w)]), SCHEDULE),
    "coordination:conference_detail": Row(lambda w: reverse(
        "coordination:conference_detail", args=[conference(w)]), READ_CONFERENCE),
    "coordination:conference_minutes": Row(lambda w: reverse(
        "coordination:conference_minutes", args=[conference(w)]), MANAGE, method="post"),
    "coordination:conference_edit": Row(lambda w: reverse(
        "coordination:conference_edit", args=[conference(w)]), MANAGE, method="post"),
    "coordination:conference_cancel": Row(lambda w: reverse(
        "coordination:conference_cancel", args=[conference(w)]), MANAGE, method="post"),
    "coordination:conference_pdf": Row(lambda w: reverse(
        "coordination:conference_pdf", args=[conference(w)]), READ_CONFERENCE),
    "coordination:action_close": Row(lambda w: reverse(
        "coordination:action_close", args=[action(w)]), CLOSE, method="post"),
    "api:person-conferences": Row(lambda w: reverse(
        "api:person-conferences", args=[person(w)]), API_READ_PERSON),
    "api:conference-detail": Row(lambda w: reverse(
        "api:conference-detail", args=[conference(w)]), API_READ_CONFERENCE),
}
# Scheduling through the API with an empty body: 400 for who may, after the access check.
API_ROWS = {
    "api:person-conferences POST": Row(lambda w: reverse(
        "api:person-conferences", args=[person(w)]), API_SCHEDULE, method="post"),
}
