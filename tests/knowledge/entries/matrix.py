"""Authorization matrix rows of the knowledge base's entry pages and API (tests/matrix.py), for
tests/test_authorization_matrix.py to add to MATRIX (test_matrix.py here runs them too).

Everyone in the matrix has a place, so everyone reads the knowledge base and a published entry.
The entries here are treatment A's (Jurisdiction One): a draft (treatment A's alone: 404 for the
rest), a reviewed entry (read in Jurisdiction One and by the regional coordinator, 404 for the
officer of Jurisdiction Two), a published one with an attachment, and a regional entry
submitted for review (the regional coordinator reviews it). Writes carry a stale version (409
for who may act, after the permission check: 403 for who sees the entry but may not).
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.knowledge.entries import attachments, services
from alliance.knowledge.models import EntryStatus

from ...matrix import Row, only
from ..builders import entry as built

STALE = {"version": 999}
PDF = b"%PDF-1.4\n%%EOF\n"
EVERYONE = only({"*": 200}, 200)
EVERYONE_API = only({"*": 200}, 200, 401)
J1 = ("treatment_a", "security_a", "analyst_a", "manager_a", "treatment_b",
      "probation_officer", "ngo_worker", "dpo", "admin")


def _once(w, name, make):
    if not hasattr(w, name):
        setattr(w, name, make())
    return getattr(w, name)


def draft(w):
    def make():
        entry = services.entry_create(actor=w.treatment_a, kind="good_practice",
                                      jurisdiction=w.j1, target_group="vep", language="en",
                                      title="A draft", description="Text.",
                                      themes=["motivation"])
        services.attachment_add(actor=w.treatment_a, entry=entry, upload=SimpleUploadedFile(
            "notes.pdf", PDF, content_type="application/pdf"))
        return entry
    return _once(w, "kb_draft", make)


def reviewed(w):
    def make():
        entry = built(w.treatment_a, status=EntryStatus.REVIEWED, jurisdiction=w.j1,
                      title="Reviewed")
        services.translation_save(actor=w.treatment_a, entry=entry, language="sq", title="T",
                                  description="D")
        entry.refresh_from_db()
        return entry
    return _once(w, "kb_reviewed", make)


def published(w):
    def make():
        entry = built(w.treatment_a, status=EntryStatus.PUBLISHED, jurisdiction=w.j1)
        # Attached while it was a draft (the store itself, as the service did then).
        attachments.store(entry=entry, actor=w.treatment_a, upload=SimpleUploadedFile(
            "report.pdf", PDF, content_type="application/pdf"))
        return entry
    return _once(w, "kb_published", make)


def regional_submitted(w):
    return _once(w, "kb_regional", lambda: services.entry_submit(
        actor=w.treatment_a, entry=services.entry_create(
            actor=w.treatment_a, kind="paper", jurisdiction=None, target_group="staff",
            language="en", title="A regional paper", description="Text.", themes=["staff"]),
        expected_version=None))


def page(name, obj, *args):
    return lambda w: reverse(f"knowledge:{name}", args=[obj(w).uuid, *args])


def api(name, obj, *args):
    return lambda w: reverse(f"api:{name}", args=[obj(w).uuid, *args])


def attachment(name, obj, namespace="knowledge"):
    """The URL of the entry's one attachment (kept: the author's removal comes before the
    other personas' tries)."""
    def url(w):
        entry = obj(w)
        uuid = _once(w, f"kb_attachment_{entry.pk}", lambda: entry.attachments.get().uuid)
        return reverse(f"{namespace}:{name}", args=[entry.uuid, uuid])
    return url


AUTHOR = only({"treatment_a": 200}, 404)
AUTHOR_STALE = only({"treatment_a": 409}, 404)
# The reviewed J1 entry: its author and the coordinator may translate and link; the others of
# Jurisdiction One read it (403); Jurisdiction Two's officer does not see it.
REVIEWED_WRITERS = only({**{p: 403 for p in J1}, "treatment_a": 200,
                         "regional_coordinator": 200, "manager_other": 404}, 404)
REVIEWED_WRITERS_STALE = {**REVIEWED_WRITERS, "treatment_a": 409, "regional_coordinator": 409}
# The regional entry submitted for review: its author (403: not their own review) and the
# coordinator who reviews it (409: stale).
REGIONAL_REVIEW = only({"treatment_a": 403, "regional_coordinator": 409}, 404)
PUBLISHERS = only({**{p: 403 for p in J1}, "regional_coordinator": 409}, 404)
WITHDRAWERS = only({"regional_coordinator": 409}, 403)

ROWS = {
    "knowledge:entry_list": Row(lambda w: reverse("knowledge:entry_list"), EVERYONE),
    "knowledge:entry_new": Row(lambda w: reverse("knowledge:entry_new"), EVERYONE),
    "knowledge:entry_detail": Row(page("entry_detail", published), EVERYONE),
    "knowledge:entry_edit": Row(page("entry_edit", draft), AUTHOR),
    "knowledge:entry_delete": Row(page("entry_delete", draft), AUTHOR_STALE, method="post",
                                  data=STALE),
    "knowledge:entry_translate": Row(page("entry_translate", reviewed), REVIEWED_WRITERS),
    "knowledge:translation_delete": Row(page("translation_delete", reviewed, "sq"),
                                        REVIEWED_WRITERS_STALE, method="post", data=STALE),
    "knowledge:entry_link": Row(page("entry_link", reviewed), REVIEWED_WRITERS),
    "knowledge:entry_submit": Row(page("entry_submit", draft), AUTHOR_STALE, method="post",
                                  data=STALE),
    "knowledge:entry_review": Row(page("entry_review", regional_submitted), REGIONAL_REVIEW,
                                  method="post", data=STALE),
    "knowledge:entry_return": Row(page("entry_return", regional_submitted), REGIONAL_REVIEW,
                                  method="post", data={**STALE, "note": "Shorter, please."}),
    "knowledge:entry_publish": Row(page("entry_publish", reviewed), PUBLISHERS, method="post",
                                   data=STALE),
    "knowledge:entry_withdraw": Row(page("entry_withdraw", published), WITHDRAWERS,
                                    method="post", data={**STALE, "reason": "Outdated."}),
    # No file: the author's form comes back with the error (200).
    "knowledge:attachment_add": Row(page("attachment_add", draft), AUTHOR, method="post"),
    "knowledge:attachment_download": Row(attachment("attachment_download", published),
                                         EVERYONE),
    "knowledge:attachment_remove": Row(attachment("attachment_remove", draft),
                                       only({"treatment_a": 302}, 404), method="post"),
    "api:knowledge-entry-list": Row(lambda w: reverse("api:knowledge-entry-list"),
                                    EVERYONE_API),
    "api:knowledge-entry-detail": Row(api("knowledge-entry-detail", published), EVERYONE_API),
    "api:knowledge-entry-detail (patch)": Row(api("knowledge-entry-detail", draft),
                                              only({"treatment_a": 400}, 404, 401),
                                              method="patch", data=""),
    "api:knowledge-entry-translation": Row(
        api("knowledge-entry-translation", reviewed, "sq"),
        {**REVIEWED_WRITERS, "anonymous": 401, "treatment_a": 400,
         "regional_coordinator": 400}, method="put", data=""),
    "api:knowledge-entry-submit": Row(api("knowledge-entry-submit", draft),
                                      only({"treatment_a": 409}, 404, 401), method="post",
                                      data=STALE),
    "api:knowledge-entry-review": Row(api("knowledge-entry-review", regional_submitted),
                                      {**REGIONAL_REVIEW, "anonymous": 401}, method="post",
                                      data=STALE),
    "api:knowledge-entry-return": Row(api("knowledge-entry-return", regional_submitted),
                                      {**REGIONAL_REVIEW, "anonymous": 401}, method="post",
                                      data={**STALE, "note": "Shorter, please."}),
    "api:knowledge-entry-publish": Row(api("knowledge-entry-publish", reviewed),
                                       {**PUBLISHERS, "anonymous": 401}, method="post",
                                       data=STALE),
    "api:knowledge-entry-withdraw": Row(api("knowledge-entry-withdraw", published),
                                        {**WITHDRAWERS, "anonymous": 401}, method="post",
                                        data={**STALE, "reason": "Outdated."}),
    "api:knowledge-attachment": Row(attachment("knowledge-attachment", published, "api"),
                                    EVERYONE_API),
}
