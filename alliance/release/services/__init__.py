"""Every write of the release module: atomic, permission re-checked, audited, on the timeline.
The modules: steps (the pre-release programme), support (the support plan and supervision),
handover (the handover and the release), follow_ups (after release)."""

from .follow_ups import follow_up_missed, follow_up_record, follow_ups_ensure
from .handover import (
    handover_acknowledge,
    handover_send,
    handover_withdraw,
    live_handover,
    receiving_agencies,
    release_record,
    transfer_if_due,
)
from .steps import (
    step_complete,
    step_not_applicable,
    step_reassign,
    step_reopen,
    sync_steps,
)
from .support import (
    action_add,
    action_update,
    breach_add,
    condition_add,
    condition_end,
    contact_add,
    current_plan,
    pathway_update,
    support_plan_start,
    support_plan_update,
)

__all__ = [
    "action_add", "action_update", "breach_add", "condition_add", "condition_end",
    "contact_add", "current_plan", "follow_up_missed", "follow_up_record", "follow_ups_ensure",
    "handover_acknowledge", "handover_send", "handover_withdraw", "live_handover",
    "pathway_update", "receiving_agencies", "release_record", "step_complete",
    "step_not_applicable", "step_reassign", "step_reopen", "support_plan_start",
    "support_plan_update", "sync_steps", "transfer_if_due",
]
