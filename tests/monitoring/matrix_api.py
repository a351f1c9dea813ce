"""Authorization matrix rows of the monitoring API (tests/matrix.py), for
tests/test_authorization_matrix.py to add to MATRIX (test_api.py here runs them too).

The definitions: whoever sees a level of figures (the managers of a prison or probation
service, the regional coordinators), 403 for the rest. The statistics: an agency's exact figures
for its managers only (manager_a for prison A); the region for the regional coordinators only.
The anonymous visitor gets 401."""

from django.urls import reverse

from ..matrix import Row, only

SEES_FIGURES = only({"manager_a": 200, "manager_other": 200, "regional_coordinator": 200}, 403,
                    401)

ROWS = {
    "api:indicator-list": Row(lambda w: reverse("api:indicator-list"), SEES_FIGURES),
    "api:indicator-detail": Row(lambda w: reverse("api:indicator-detail", args=["screened"]),
                                SEES_FIGURES),
    "api:statistics": Row(lambda w: f"{reverse('api:statistics')}?level=facility&period=2025"
                                    f"&agency={w.prison_a.uuid}",
                          only({"manager_a": 200}, 403, 401)),
    "api:statistics (region)": Row(lambda w: reverse("api:statistics"),
                                   only({"regional_coordinator": 200}, 403, 401),
                                   data={"level": "region", "period": "2025"}),
}
