"""Scoped reads for the assessment pages, the person page and other modules (plans).

What an assessment says in brief (its answers, judgements, needs) is in summary.py; how it
compares with the one before it in changes.py; the assessment's own pages in assessment.py; the
person page's section and the worklist in person.py; instruments and staff in config.py.
Every name is re-exported here, so callers keep writing `selectors.comparison(...)`. No module
is named after one of its functions, so that `selectors.<name>` is always the function.
"""

from .assessment import (
    assessment_page,
    dom_key,
    factor_of,
    factor_section,
    item_rating,
    item_response,
    item_view,
    rating_page,
)
from .changes import change_counts, comparison, previous_of, profile_chart, readable_previous
from .config import co_assessor_candidates, instrument_version, instrument_versions
from .person import (
    awaiting_countersignature,
    drafts_of,
    due_worklist,
    person_section,
    trend,
    worklist,
)
from .summary import (
    domain_judgement_labels,
    formulation_only,
    judgement_label,
    judgement_options,
    latest_needs,
    needs_of,
    ratings_map,
    strengths_of,
)

__all__ = [
    "assessment_page",
    "awaiting_countersignature",
    "change_counts",
    "co_assessor_candidates",
    "comparison",
    "dom_key",
    "domain_judgement_labels",
    "drafts_of",
    "due_worklist",
    "factor_of",
    "factor_section",
    "formulation_only",
    "instrument_version",
    "instrument_versions",
    "item_rating",
    "item_response",
    "item_view",
    "judgement_label",
    "judgement_options",
    "latest_needs",
    "needs_of",
    "person_section",
    "previous_of",
    "profile_chart",
    "rating_page",
    "ratings_map",
    "readable_previous",
    "strengths_of",
    "trend",
    "worklist",
]
