"""Authorization matrix rows of the recommendation pages and API (tests/matrix.py), for
tests/test_authorization_matrix.py to add to MATRIX (test_matrix.py here runs them too).

Every persona with a place reads the adoption matrix, its CSV and the API list (200); the
anonymous visitor is sent to sign in (302; the API answers 401). A jurisdiction's status is set
by its knowledge editors (none in the common world) and by the regional coordinator: the others
get 403. Writes are sent without a body (the form comes back with its errors: 200; the API
answers 400).
"""

from django.urls import reverse

from ...matrix import Row, only
from . import builders

EVERYONE = only({"*": 200}, 200)
API_EVERYONE = only({"*": 200}, 200, 401)
SETTER = only({"regional_coordinator": 200}, 403)


def recommendation(w):
    if not hasattr(w, "recommendation"):
        w.recommendation = builders.recommendation(w)
    return w.recommendation


def _edit(w):
    return reverse("knowledge:adoption_edit", args=[recommendation(w).uuid, w.j1.code])


def _api(w):
    return reverse("api:recommendation-adoption", args=[recommendation(w).uuid, w.j1.code])


ROWS = {
    "knowledge:recommendation_matrix": Row(
        lambda w: reverse("knowledge:recommendation_matrix"), EVERYONE),
    "knowledge:recommendation_export": Row(
        lambda w: reverse("knowledge:recommendation_export"), EVERYONE),
    "knowledge:adoption_edit": Row(_edit, SETTER),
    "knowledge:adoption_edit (post)": Row(_edit, SETTER, method="post"),
    "api:recommendation-list": Row(lambda w: reverse("api:recommendation-list"), API_EVERYONE),
    "api:recommendation-adoption": Row(_api, only({"regional_coordinator": 400}, 403, 401),
                                       method="put", data=""),
}
