"""Authorization matrix rows of the training pages and API (tests/matrix.py), for
tests/test_authorization_matrix.py to add to MATRIX (test_matrix.py here runs them too).

The session here is planned by a trainer of Jurisdiction One's prison administration (the common
world has none: builders.trainer_of adds one), a week ago, and treatment A attends it. Manager A
oversees treatment A's training: they read it (200) and may not change it (403); everyone else
gets 404 — treatment A too (an attendee sees their own record on "My training", not the
session). Staff training and the sessions list are for the managers (403 for others); "My
training" for everyone; /training/ shows each their first page (200). Writes are sent without a
body; a trainer's rows are in test_pages.py and test_api.py (the trainer is no persona here).
"""

from django.urls import reverse

from ...matrix import Row, only
from . import builders

MANAGERS = only({"manager_a": 200, "manager_other": 200}, 403)
MANAGERS_API = only({"manager_a": 200, "manager_other": 200}, 403, 401)
OVERSEES = only({"manager_a": 200}, 404)
OVERSEES_BUT_MAY_NOT = only({"manager_a": 403}, 404)


def planned(w):
    if not hasattr(w, "training_session"):
        w.training_session = builders.session(w, attendees=[w.treatment_a])
    return w.training_session


def _page(name, *args):
    return lambda w: reverse(f"training:{name}", args=[a(w).uuid for a in args])


def _api(name, *args):
    return lambda w: reverse(f"api:{name}", args=[a(w).uuid for a in args])


ROWS = {
    "training:home": Row(_page("home"), only({"*": 200}, 200)),
    "training:staff": Row(_page("staff"), MANAGERS),
    "training:staff_export": Row(_page("staff_export"), MANAGERS),
    "training:mine": Row(_page("mine"), only({"*": 200}, 200)),
    "training:session_list": Row(_page("session_list"), MANAGERS),
    "training:session_new": Row(_page("session_new"), only({}, 403)),
    "training:session_detail": Row(_page("session_detail", planned), OVERSEES),
    "training:session_edit": Row(_page("session_edit", planned), OVERSEES_BUT_MAY_NOT),
    "training:session_cancel": Row(_page("session_cancel", planned), OVERSEES_BUT_MAY_NOT,
                                   method="post"),
    "training:session_attendees": Row(_page("session_attendees", planned),
                                      OVERSEES_BUT_MAY_NOT),
    "training:session_results": Row(_page("session_results", planned), OVERSEES_BUT_MAY_NOT),
    "api:training-session-list": Row(_api("training-session-list"), MANAGERS_API),
    "api:training-session-detail": Row(_api("training-session-detail", planned),
                                       only({"manager_a": 200}, 404, 401)),
    "api:training-session-attendees": Row(_api("training-session-attendees", planned),
                                          only({"manager_a": 403}, 404, 401), method="put",
                                          data=""),
    "api:training-session-results": Row(_api("training-session-results", planned),
                                        only({"manager_a": 403}, 404, 401), method="post"),
    "api:training-me": Row(_api("training-me"), only({"*": 200}, 200, 401)),
}
