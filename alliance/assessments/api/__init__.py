"""REST API for instruments, screenings and assessments: the same access functions, services and
audit as the pages, so a client can do nothing here that the pages would refuse.

Every person-level read goes through assessments.access (or people.access) and is audited: a
full assessment by get_assessment_for_user, the lists below explicitly. Writes answer with the
record as saved; the service's own audit event covers that read.

Every code in a response (a rating, a change, a judgement, a need area) has its label in the
request's language beside it, from assessments.labels, so the API says what the pages and the
PDF say.

The instruments are in instruments.py, screenings in screenings.py; an assessment's views are in
assessments.py and its additional factors' in factors.py, what an assessment shows in shown.py
(the serializers) and reading.py (the parts computed for a reader); what all use in common.py.
"""

from .assessments import (
    AssessmentCountersign,
    AssessmentDetail,
    AssessmentItem,
    AssessmentReturn,
    AssessmentSubmit,
    PersonAssessments,
)
from .common import RatingField, VersionSerializer
from .factors import AssessmentFactor, AssessmentFactors
from .instruments import InstrumentDetail, InstrumentList
from .screenings import PersonScreenings

__all__ = [
    "AssessmentCountersign",
    "AssessmentDetail",
    "AssessmentFactor",
    "AssessmentFactors",
    "AssessmentItem",
    "AssessmentReturn",
    "AssessmentSubmit",
    "InstrumentDetail",
    "InstrumentList",
    "PersonAssessments",
    "PersonScreenings",
    # used by plans.api
    "RatingField",
    "VersionSerializer",
]
