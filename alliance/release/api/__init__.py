"""REST API of release and post-release support: a person's pre-release steps and readiness, a
step and its completion, the support plan, follow-ups and their outcomes, handovers and their
acknowledgement. The same access functions, services and audit as the pages, so a client can do
nothing here that the pages would refuse.

Every read goes through release.access (a getter for one record, `policy.visible` for a list)
and is noted for the response's one audit event; a write answers with the record as saved, read
back through its getter. Everything here is the case team's share, whole: whoever holds the
person's case-team compartment reads all of it. People appear by reference and uuid, never by
name.

Steps are in steps.py, the support plan in support.py, follow-ups in follow_ups.py, handovers in
handovers.py, their answers in serializers.py, what they share in common.py.
"""

from .follow_ups import FollowUpDetail, PersonFollowUps
from .handovers import HandoverAcknowledge, HandoverDetail, HandoverList, HandoverWithdraw
from .steps import PersonReleaseSteps, ReleaseStepDetail
from .support import PersonSupportPlan

__all__ = [
    "FollowUpDetail",
    "HandoverAcknowledge",
    "HandoverDetail",
    "HandoverList",
    "HandoverWithdraw",
    "PersonFollowUps",
    "PersonReleaseSteps",
    "PersonSupportPlan",
    "ReleaseStepDetail",
]
