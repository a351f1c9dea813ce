"""For the demo (alliance/demo calls it; the product never does): each jurisdiction's periods
written out at their defaults by its DPO, so that the periods page shows them as set, and the
review run once so that the worklist shows what the demo's old records put on it."""

import datetime

from .access import can_manage_jurisdiction, jurisdictions_for
from .categories import CATEGORIES
from .review import effective_rules, list_due
from .services import rule_save


def seed(*, dpo, today: datetime.date | None = None) -> int:
    """Write the default periods of the jurisdictions `dpo` handles (audited, as the DPO),
    then run the daily review. Returns how many review items it listed."""
    for jurisdiction in jurisdictions_for(dpo):
        if not can_manage_jurisdiction(dpo, jurisdiction):
            continue
        for code, (months, counted_from, row) in effective_rules(jurisdiction).items():
            if row is None and code in CATEGORIES:
                rule_save(actor=dpo, jurisdiction=jurisdiction, category=code, months=months,
                          counted_from=counted_from)
    return list_due(today or datetime.date.today())
