"""Authorization matrix rows of the methodology pages and API (tests/matrix.py), for
tests/test_authorization_matrix.py to add to MATRIX (test_matrix.py here runs them too).

In the matrix's world every persona has a place, so every one reads the approved version 1;
the regional coordinator alone (there is no knowledge editor among the personas) reads and
writes the draft version 2, which is 404 to everyone else. Writes carry no body (the API
answers 400 with the reason, the move page goes back with it: 302) or a stale version (409).
Starting a version while version 2 is a draft is refused with the reason (302 back to the
methodology; 400 in the API); creating and starting are 403 to all but the coordinator.
"""

from django.urls import reverse

from alliance.knowledge.methodology import services

from ...matrix import Row, only
from .builders import methodology

ALL = only({"*": 200}, 200)
ALL_API = only({"*": 200}, 200, 401)
COORDINATOR = only({"regional_coordinator": 200}, 403)
DRAFT_PAGE = only({"regional_coordinator": 200}, 404)


def common(w):
    """Version 1 approved, version 2 a draft (once per test)."""
    if not hasattr(w, "methodology"):
        w.methodology = methodology(w.regional_coordinator)
        services.version_start(actor=w.regional_coordinator, methodology=w.methodology)
    return w.methodology


def approved(w):
    return common(w).versions.get(number=1)


def draft(w):
    return common(w).versions.get(number=2)


def chapter(w):
    return draft(w).chapters.get(key="principles")


def page(name, *objects):
    return lambda w: reverse(f"knowledge:{name}", args=[o(w).uuid for o in objects])


def api(name, *objects, query=""):
    return lambda w: reverse(f"api:{name}", args=[o(w).uuid for o in objects]) + query


ROWS = {
    "knowledge:methodology_list": Row(lambda w: reverse("knowledge:methodology_list"), ALL),
    "knowledge:methodology_new": Row(lambda w: reverse("knowledge:methodology_new"),
                                     COORDINATOR),
    "knowledge:methodology_detail": Row(page("methodology_detail", common), ALL),
    "knowledge:methodology_version_start": Row(
        page("methodology_version_start", common),
        only({"regional_coordinator": 302}, 403), method="post"),
    "knowledge:methodology_changes": Row(page("methodology_changes", common), ALL),
    "knowledge:methodology_version": Row(page("methodology_version", draft), DRAFT_PAGE),
    "knowledge:methodology_version_pdf": Row(page("methodology_version_pdf", approved), ALL),
    "knowledge:methodology_version_approve": Row(page("methodology_version_approve", draft),
                                                 DRAFT_PAGE),
    "knowledge:methodology_chapter_new": Row(page("methodology_chapter_new", draft),
                                             DRAFT_PAGE),
    "knowledge:methodology_chapter_edit": Row(page("methodology_chapter_edit", chapter),
                                              DRAFT_PAGE),
    "knowledge:methodology_chapter_move": Row(page("methodology_chapter_move", chapter),
                                              only({"regional_coordinator": 302}, 404),
                                              method="post"),
    "knowledge:methodology_chapter_delete": Row(page("methodology_chapter_delete", chapter),
                                                only({"regional_coordinator": 409}, 404),
                                                method="post", data={"version": 0}),
    "api:methodology-list": Row(api("methodology-list"), ALL_API),
    "api:methodology-detail": Row(api("methodology-detail", common), ALL_API),
    "api:methodology-version-start": Row(api("methodology-version-start", common),
                                         only({"regional_coordinator": 400}, 403, 401),
                                         method="post"),
    "api:methodology-version": Row(api("methodology-version", draft),
                                   only({"regional_coordinator": 200}, 404, 401)),
    "api:methodology-version-changes": Row(api("methodology-version-changes", approved),
                                           ALL_API),
    "api:methodology-chapter-list": Row(api("methodology-chapter-list", draft),
                                        only({"regional_coordinator": 400}, 404, 401),
                                        method="post"),
    "api:methodology-chapter": Row(api("methodology-chapter", draft, chapter),
                                   only({"regional_coordinator": 400}, 404, 401),
                                   method="patch", data=""),
    "api:methodology-chapter (delete)": Row(
        api("methodology-chapter", draft, chapter, query="?version=0"),
        only({"regional_coordinator": 409}, 404, 401), method="delete", data=""),
    "api:methodology-chapter-move": Row(api("methodology-chapter-move", draft, chapter),
                                        only({"regional_coordinator": 400}, 404, 401),
                                        method="post"),
    "api:methodology-version-approve": Row(api("methodology-version-approve", draft),
                                           only({"regional_coordinator": 400}, 404, 401),
                                           method="post"),
}
