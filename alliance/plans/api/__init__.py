"""REST API for the intervention catalogue, plans, enrolments and sessions, offers and refusals,
the stage of change and working-alliance measures: the same access functions, services and
audit as the pages, so a client can do nothing here that the pages would refuse.

Every person-level read goes through plans.access (or people.access) and is audited: a record
by its getter, the lists below explicitly. Writes answer with the record as saved, read back
through the policy. The treatment compartment's parts (a session's note, a stage of change's
rationale) are left out of the answer, key and all, for anyone who does not hold it.

The catalogue and plans are in plan.py, the engagement they organise in engagement.py, what
both use in common.py.
"""

from .engagement import (
    EnrolmentSessions,
    PersonAllianceMeasures,
    PersonEnrolments,
    PersonMotivation,
    PersonRefusals,
    PersonSessions,
    SessionDetail,
)
from .plan import (
    InterventionDetail,
    InterventionList,
    PersonPlans,
    PlanCountersign,
    PlanDetail,
    PlanGoals,
    PlanReturn,
    PlanReview,
    PlanRevise,
    PlanSteps,
    PlanSubmit,
)

__all__ = [
    "EnrolmentSessions",
    "InterventionDetail",
    "InterventionList",
    "PersonAllianceMeasures",
    "PersonEnrolments",
    "PersonMotivation",
    "PersonPlans",
    "PersonRefusals",
    "PersonSessions",
    "PlanCountersign",
    "PlanDetail",
    "PlanGoals",
    "PlanReturn",
    "PlanReview",
    "PlanRevise",
    "PlanSteps",
    "PlanSubmit",
    "SessionDetail",
]
