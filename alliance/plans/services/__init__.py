"""Every write of the plans module (STYLE.md): the plan and the catalogue (plans.py), and the
engagement the plan organises (engagement.py)."""

from .engagement import (
    alliance_record,
    alliance_scores,
    enrolment_create,
    enrolment_end,
    offer_record,
    refusals_in_window,
    session_record,
    sessions_schedule,
    stage_record,
)
from .plans import (
    goal_remove,
    goal_save,
    intervention_save,
    need_codes,
    needs_status,
    plan_countersign,
    plan_return,
    plan_review,
    plan_revise,
    plan_start,
    plan_submit,
    plan_update,
    progress_record,
    protective_codes,
    step_remove,
    step_save,
    submission_problems,
)

__all__ = [
    "alliance_record", "alliance_scores", "enrolment_create", "enrolment_end", "offer_record",
    "refusals_in_window", "session_record", "sessions_schedule", "stage_record", "goal_remove",
    "goal_save", "intervention_save", "need_codes", "needs_status", "plan_countersign",
    "plan_return", "plan_review", "plan_revise", "plan_start", "plan_submit", "plan_update",
    "progress_record", "protective_codes", "step_remove", "step_save", "submission_problems",
]
