"""Authorization matrix rows of the agreement pages, the disclosure log and the agreements API
(alliance/coordination/agreements/urls.py and api.py). See tests/matrix.py.

The DPO (admin_hq, J1) and the system administrator read agreements; everyone else is refused
(403: their role works with no agreement). Signing and terminating are the DPO's. Writes are sent
without a body: the sign of a draft needs none (302); terminate and reviewed come back with their
errors (200). The disclosure log is the DPO's alone.
"""

from django.urls import reverse

from tests.factories import agreement
from tests.matrix import Row, only

READ = only({"dpo": 200, "admin": 200}, 403)
DPO_ONLY = only({"dpo": 200, "admin": 403}, 403)
API_READ = only({"dpo": 200, "admin": 200}, 403, 401)


def draft(w):
    """A draft between prison A and the NGO, once per test."""
    if not hasattr(w, "draft_agreement"):
        w.draft_agreement = agreement(w.prison_a, w.ngo, status="draft", title="Draft pact",
                                      created_by=w.admin)
    return w.draft_agreement


def _on(name, obj=lambda w: w.agreement):
    return lambda w: reverse(f"coordination:{name}", args=[obj(w).uuid])


ROWS = {
    "coordination:agreement_list": Row(lambda w: reverse("coordination:agreement_list"), READ),
    "coordination:agreement_new": Row(lambda w: reverse("coordination:agreement_new"), READ),
    "coordination:agreement_detail": Row(_on("agreement_detail"), READ),
    "coordination:agreement_edit": Row(_on("agreement_edit"), READ),
    "coordination:agreement_sign": Row(_on("agreement_sign", draft),
                                       only({"dpo": 302, "admin": 403}, 403), method="post",
                                       version_of=draft),
    "coordination:agreement_terminate": Row(_on("agreement_terminate"), DPO_ONLY,
                                            method="post"),
    "coordination:agreement_reviewed": Row(_on("agreement_reviewed"), READ, method="post"),
    "coordination:disclosures": Row(lambda w: reverse("coordination:disclosures"), DPO_ONLY),
    "coordination:disclosures_export": Row(lambda w: reverse("coordination:disclosures_export"),
                                           DPO_ONLY),
    "api:agreement-list": Row(lambda w: reverse("api:agreement-list"), API_READ),
    "api:agreement-detail": Row(lambda w: reverse("api:agreement-detail",
                                                  args=[w.agreement.uuid]), API_READ),
}
