"""Authorization matrix rows of the retention pages (/retention/). See tests/matrix.py.

Only data protection officers work on retention: the DPO of jurisdiction One (the `dpo`
persona) reads its worklist, periods and erasure register, opens a review of person A and
changes a period of J1. Everyone else is refused (403) the lists; a review is not found (404)
for anyone but the DPO of the person's jurisdiction, and a period of a jurisdiction the DPO
does not handle is not found either.
"""

from django.urls import reverse

from ..matrix import Row, only
from . import builders

DPO_ONLY = only({"dpo": 200}, 403)

ROWS = {
    "retention:worklist": Row(lambda w: reverse("retention:worklist"), DPO_ONLY),
    "retention:review": Row(lambda w: reverse("retention:review",
                                              args=[builders.review_item(w).uuid]),
                            only({"dpo": 200}, 404)),
    "retention:periods": Row(lambda w: reverse("retention:periods"), DPO_ONLY),
    "retention:period_edit": Row(lambda w: reverse("retention:period_edit",
                                                   args=[w.j1.code, "security"]), DPO_ONLY),
    "retention:erasures": Row(lambda w: reverse("retention:erasures"), DPO_ONLY),
}

# Beyond one row per pattern: the DPO of J1 does not find a period of J2.
VARIANTS = {
    "retention:period_edit (J2)": Row(lambda w: reverse("retention:period_edit",
                                                        args=[w.j2.code, "security"]),
                                      only({"dpo": 404}, 403)),
}
