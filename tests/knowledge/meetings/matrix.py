"""Authorization matrix rows of the meeting pages and API (tests/matrix.py), for
tests/test_authorization_matrix.py to add to MATRIX (test_matrix.py here runs them too).

Every persona with a place reads every meeting (200); the anonymous visitor is sent to sign in
(302; the API answers 401). Recording and changing a meeting is the regional coordinator's (in
the common world there is no knowledge editor of the regional programme): the others get 403.
Writes are sent without a body (the form comes back with its errors: 200; the API answers 400),
or with a stale version (409) where an empty body would already do the work (deleting).
"""

from django.urls import reverse

from ...matrix import Row, only
from . import builders

EVERYONE = only({"*": 200}, 200)
API_EVERYONE = only({"*": 200}, 200, 401)
RECORDER = only({"regional_coordinator": 200}, 403)
STALE = {"version": 999}


def meeting(w):
    if not hasattr(w, "meeting"):
        w.meeting = builders.meeting(w)
    return w.meeting


def _page(name, *args):
    return lambda w: reverse(f"knowledge:{name}", args=[a(w) for a in args])


def _detail(w):
    return reverse("knowledge:meeting_detail", args=[meeting(w).uuid])


def _api(w):
    return reverse("api:meeting-detail", args=[meeting(w).uuid])


def _uuid(w):
    return meeting(w).uuid


ROWS = {
    "knowledge:meeting_list": Row(_page("meeting_list"), EVERYONE),
    "knowledge:meeting_new": Row(_page("meeting_new"), RECORDER),
    "knowledge:meeting_detail": Row(_detail, EVERYONE),
    "knowledge:meeting_edit": Row(_page("meeting_edit", _uuid), RECORDER),
    "knowledge:meeting_edit (post)": Row(_page("meeting_edit", _uuid), RECORDER,
                                         method="post"),
    "knowledge:meeting_delete": Row(_page("meeting_delete", _uuid),
                                    only({"regional_coordinator": 409}, 403), method="post",
                                    data=STALE),
    "api:meeting-list": Row(lambda w: reverse("api:meeting-list"), API_EVERYONE),
    "api:meeting-list (post)": Row(lambda w: reverse("api:meeting-list"),
                                   only({"regional_coordinator": 400}, 403, 401),
                                   method="post"),
    "api:meeting-detail": Row(_api, API_EVERYONE),
    "api:meeting-detail (patch)": Row(_api, only({"regional_coordinator": 400}, 403, 401),
                                      method="patch", data=""),
    "api:meeting-detail (delete)": Row(lambda w: _api(w) + "?version=999",
                                       only({"regional_coordinator": 409}, 403, 401),
                                       method="delete", data=""),
}
