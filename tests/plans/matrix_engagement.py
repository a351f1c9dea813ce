"""Authorization matrix rows of the plans module (engagement). See tests/matrix.py.

Person A's engagement: the prison A staff and the NGO worker on the team (no scope) read the
case team's share; the planners (treatment A, manager A as case manager) enrol, plan, record
offers and sessions; the working alliance is treatment A's alone. Everyone else: 404.
"""

from django.urls import reverse

from ..matrix import Row, only
from . import builders

CASEWORKERS = {"treatment_a": 200, "security_a": 200, "manager_a": 200, "treatment_b": 200,
               "probation_officer": 200, "ngo_worker": 200, "manager_other": 200}
READ_A = only({"treatment_a": 200, "security_a": 200, "manager_a": 200, "ngo_worker": 200}, 404)
PLANNERS_A = only({"treatment_a": 200, "security_a": 403, "manager_a": 200, "ngo_worker": 403},
                  404)
TREATMENT_A = only({"treatment_a": 200, "security_a": 403, "manager_a": 403, "ngo_worker": 403},
                   404)


def _person(w):
    return w.person_a.uuid


def _enrolment(w):
    return builders.enrolment(w).uuid


def _session(w):
    builders.enrolment(w)
    return w.sessions[0].uuid


ROWS = {
    "plans:enrol": Row(lambda w: (builders.ensure_planning(w),
                                  reverse("plans:enrol", args=[_person(w)]))[1], PLANNERS_A),
    "plans:enrolment": Row(lambda w: reverse("plans:enrolment", args=[_enrolment(w)]), READ_A),
    "plans:schedule": Row(lambda w: reverse("plans:schedule", args=[_enrolment(w)]), PLANNERS_A),
    "plans:enrolment_end": Row(lambda w: reverse("plans:enrolment_end", args=[_enrolment(w)]),
                               PLANNERS_A),
    "plans:session": Row(lambda w: reverse("plans:session", args=[_session(w)]), READ_A),
    # Recorders: the planners, and the session's facilitator (treatment A here).
    "plans:session_record": Row(lambda w: reverse("plans:session_record", args=[_session(w)]),
                                PLANNERS_A),
    "plans:person_sessions": Row(lambda w: reverse("plans:person_sessions", args=[_person(w)]),
                                 READ_A),
    "plans:offers": Row(lambda w: reverse("plans:offers", args=[_person(w)]), READ_A),
    # The stage is the case team's; its form and rationale the treatment staff's (same page).
    "plans:stage": Row(lambda w: reverse("plans:stage", args=[_person(w)]), READ_A),
    "plans:alliance_record": Row(lambda w: (builders.load_instruments(w), reverse(
        "plans:alliance_record", args=[_person(w)]))[1], TREATMENT_A),
    # A measure exists only for the treatment compartment: to everyone else it is not there.
    "plans:alliance_measure": Row(lambda w: reverse(
        "plans:alliance_measure", args=[builders.alliance_measure(w).uuid]),
        only({"treatment_a": 200}, 404)),
    # Whoever holds the treatment compartment for anyone (prison B's treatment officer too).
    "plans:alliance_trends": Row(lambda w: reverse("plans:alliance_trends"),
                                 only({"treatment_a": 200, "treatment_b": 200}, 403)),
    "plans:sessions_today": Row(lambda w: reverse("plans:sessions_today"),
                                only(CASEWORKERS, 403)),
    "plans:not_engaging": Row(lambda w: reverse("plans:not_engaging"), only(CASEWORKERS, 403)),
}
