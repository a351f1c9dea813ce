"""Every write of dynamic security: atomic, permission re-checked with the policy's grant on the
locked row, validated with reasons a user can act on, audited (never with the texts, which are
security material: the audit names the fields that changed). What follows from a write (an
escalation's task, notifications and reassessment trigger; the observer told their entry was
read) happens in the same transaction through work.py and the assessments' trigger.

The package: common.py (settings, checks, the status machine), observations.py (recording,
review, links, archiving, escalation), sharing.py (analyses, shared summaries).
"""

from .common import GRADING_FIELDS, indicators_for, scheme_for, settings_for
from .observations import (
    addendum_add,
    observation_archive,
    observation_link,
    observation_record,
    observation_review,
    observation_unlink,
    observation_update,
)
from .sharing import analysis_save, reached_users, share_create, share_withdraw

__all__ = [
    "GRADING_FIELDS", "addendum_add", "analysis_save", "indicators_for", "observation_archive",
    "observation_link",
    "observation_record", "observation_review", "observation_unlink", "observation_update",
    "reached_users", "scheme_for", "settings_for", "share_create", "share_withdraw",
]
