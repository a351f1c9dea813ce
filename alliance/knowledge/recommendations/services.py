"""The one write of adoption tracking: where a jurisdiction stands on a published
recommendation. Atomic, the permission re-checked, 409 on a stale version, audited with the
status before and after; the note passes the person-data check (entries/screening.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.errors import Conflict
from alliance.core.models import AuditAction
from alliance.core.text import checked_text as _text

from ..entries.screening import enforce
from ..models import (
    MAX_TEXT,
    AdoptionStatus,
    EntryKind,
    EntryStatus,
    KnowledgeEntry,
    RecommendationAdoption,
)
from .access import editable_jurisdictions


def _check_version(adoption, expected_version) -> None:
    """`expected_version` is the version read, 0 when the jurisdiction had no status yet (so a
    status someone set meanwhile is not silently overwritten); None skips the check."""
    if expected_version is None:
        return
    if int(expected_version) != (adoption.version if adoption else 0):
        raise Conflict()


@transaction.atomic
def adoption_set(*, actor, entry: KnowledgeEntry, jurisdiction, status: str, note: str = "",
                 expected_version: int | None, confirmed: bool = False
                 ) -> RecommendationAdoption:
    """Record where `jurisdiction` stands on the published recommendation `entry` (adopted,
    in progress or not adopted, with a note): that jurisdiction's knowledge editors, or a
    regional coordinator. Creates the row the first time; unchanged, nothing is written."""
    # Locking the entry serialises the writes of its adoption table (two first statuses of
    # one jurisdiction cannot both be created) and reads its status as it is now.
    entry = KnowledgeEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind != EntryKind.RECOMMENDATION or entry.status != EntryStatus.PUBLISHED:
        raise ValidationError(_("Adoption is tracked for published recommendations only."))
    if jurisdiction.pk not in editable_jurisdictions(actor):
        raise PermissionDenied(_(
            "Only the knowledge editors of %(jurisdiction)s and the regional coordinators "
            "record where %(jurisdiction)s stands.") % {"jurisdiction": jurisdiction})
    adoption = (RecommendationAdoption.objects.select_for_update()
                .filter(entry=entry, jurisdiction=jurisdiction).first())
    _check_version(adoption, expected_version)
    errors = {}
    if status not in AdoptionStatus.values:
        errors["status"] = [_("Choose adopted, in progress or not adopted.")]
    try:
        note = _text(note, "note", limit=MAX_TEXT)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if note:
        enforce({"note": note}, actor=actor, confirmed=confirmed)
    before = {"status": adoption.status if adoption else None}
    if adoption is not None and adoption.status == status and adoption.note == note:
        return adoption
    note_changed = (adoption.note if adoption else "") != note
    if adoption is None:
        adoption = RecommendationAdoption.objects.create(
            entry=entry, jurisdiction=jurisdiction, status=status, note=note, updated_by=actor)
        action = AuditAction.CREATE
    else:
        adoption.status, adoption.note, adoption.updated_by = status, note, actor
        adoption.version += 1
        adoption.save()
        action = AuditAction.CHANGE
    audit.record(actor=actor, action=action, obj=adoption, details={
        "recommendation": str(entry.uuid), "jurisdiction": jurisdiction.code,
        "before": before, "after": {"status": status}, "note_changed": note_changed})
    return adoption
