"""Authorization matrix rows of the monitoring pages (tests/matrix.py), for
tests/test_authorization_matrix.py to add to MATRIX (test_pages.py runs them too).

In the common world, `manager_a` manages prison A (its exact figures) and `manager_other` the
prison of J2; the regional coordinator sees the anonymous levels. The home page sends each of
them on (302) and refuses everyone else (403). An agency's pages are its managers'; the region,
a jurisdiction and the donors' report the regional coordinator's; the definitions anyone's who
sees a level. Recomputing (a POST without a period: the current year) sends the manager back to
the dashboard (302). The anonymous visitor is sent to sign in (302).
"""

from django.urls import reverse

from ..matrix import Row, only

MANAGER_A = only({"manager_a": 200}, 403)
COORDINATOR = only({"regional_coordinator": 200}, 403)
SEES_A_LEVEL = only({"manager_a": 200, "manager_other": 200, "regional_coordinator": 200}, 403)


def _agency(name, *extra):
    return lambda w: reverse(f"monitoring:{name}", args=[w.prison_a.uuid, *extra])


ROWS = {
    "monitoring:home": Row(lambda w: reverse("monitoring:home"), only(
        {"manager_a": 302, "manager_other": 302, "regional_coordinator": 302}, 403)),
    "monitoring:agency": Row(_agency("agency"), MANAGER_A),
    "monitoring:agency_export": Row(_agency("agency_export", "csv"), MANAGER_A),
    "monitoring:recompute": Row(_agency("recompute"), only({"manager_a": 302}, 403),
                                method="post"),
    "monitoring:region": Row(lambda w: reverse("monitoring:region"), COORDINATOR),
    "monitoring:region_export": Row(lambda w: reverse("monitoring:region_export", args=["xlsx"]),
                                    COORDINATOR),
    "monitoring:report": Row(lambda w: reverse("monitoring:report"), COORDINATOR),
    "monitoring:jurisdiction": Row(lambda w: reverse("monitoring:jurisdiction", args=[w.j1.code]),
                                   COORDINATOR),
    "monitoring:jurisdiction_export": Row(
        lambda w: reverse("monitoring:jurisdiction_export", args=[w.j1.code, "csv"]), COORDINATOR),
    "monitoring:indicators": Row(lambda w: reverse("monitoring:indicators"), SEES_A_LEVEL),
    "monitoring:indicator": Row(lambda w: reverse("monitoring:indicator", args=["screened"]),
                                SEES_A_LEVEL),
}
