"""The assessments module's pages: screenings (screening.py), the assessment and its actions
(assessment.py), the rating page with its domain judgements and additional factors (rating.py),
instruments (config.py); what the assessment and rating pages share is in
common.py. Views are short: fetch through access.py, call a service, render.

Every view is re-exported here for urls.py (`views.rate_item`). No module is named after one of
its views, so that `views.<name>` is always the view.
"""

from .assessment import (
    add_source,
    assessment_detail,
    assessment_start,
    compare,
    correct,
    countersign,
    invite_co_assessor,
    pdf,
    remove_source,
    return_assessment,
    submit,
    update_summary,
    worklist,
)
from .config import instrument_load, instruments
from .rating import (
    domain_judgement,
    factor_add,
    factor_remove,
    factor_update,
    rate_domain,
    rate_item,
    rate_start,
)
from .screening import screening_create, screening_detail

__all__ = [
    "add_source",
    "assessment_detail",
    "assessment_start",
    "compare",
    "correct",
    "countersign",
    "domain_judgement",
    "factor_add",
    "factor_remove",
    "factor_update",
    "instrument_load",
    "instruments",
    "invite_co_assessor",
    "pdf",
    "rate_domain",
    "rate_item",
    "rate_start",
    "remove_source",
    "return_assessment",
    "screening_create",
    "screening_detail",
    "submit",
    "update_summary",
    "worklist",
]
