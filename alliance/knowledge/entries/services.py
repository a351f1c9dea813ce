"""Every write to knowledge entries: atomic, the policy re-checked on the locked row, 409 on a
stale version, every text through the person-data check (screening.enforce) and the search
document recomputed after it (search.reindex), audited with the fields' values before and after
(never a file's bytes), with the reviewers' and coordinators' tasks and the author's
notifications (work.py).

The workflow: a draft (its author's) is submitted to the reviewers of its jurisdiction; a
reviewer (not the author) marks it reviewed, or returns it to the author with a note; a regional
coordinator publishes a reviewed entry for the region, or withdraws a reviewed or published one
with the reason. ALLOWED_TRANSITIONS is the status machine; a return keeps the entry a draft.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.core import audit
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.core.text import checked_text
from alliance.organisations.models import Agency

from ..models import (
    MAX_TEXT,
    ContentLanguage,
    EntryKind,
    EntryStatus,
    EntryText,
    EntryTheme,
    KnowledgeEntry,
    TargetGroup,
    Theme,
)
from . import attachments, screening, search, work
from .access import EntryAction, entries, knowledge_reach

ALLOWED_TRANSITIONS = {
    EntryStatus.DRAFT: {EntryStatus.REVIEWED},
    EntryStatus.REVIEWED: {EntryStatus.PUBLISHED, EntryStatus.WITHDRAWN},
    EntryStatus.PUBLISHED: {EntryStatus.WITHDRAWN},
    EntryStatus.WITHDRAWN: set(),
}

TEXT_FIELDS = ("title", "objectives", "description", "findings")
META_FIELDS = ("kind", "jurisdiction", "agency", "organisation", "target_group")
TITLE_MAX = 300
ORGANISATION_MAX = 200


# --- checks ------------------------------------------------------------------------------------

def _member(actor) -> None:
    if not knowledge_reach(actor).member:
        raise PermissionDenied(_("The knowledge base is for staff with a place in an agency."))


def _clean_text(*, title, objectives, description, findings) -> dict:
    """The four text fields, stripped and checked (title and description required)."""
    errors, values = {}, {}
    rules = {"title": (True, TITLE_MAX, _("Give the entry a title.")),
             "objectives": (False, MAX_TEXT, ""),
             "description": (True, MAX_TEXT, _("Describe the practice, lesson, weakness, "
                                               "recommendation or paper.")),
             "findings": (False, MAX_TEXT, "")}
    given = {"title": title, "objectives": objectives, "description": description,
             "findings": findings}
    for name, (required, limit, message) in rules.items():
        try:
            values[name] = checked_text(given[name], name, required=required, message=message,
                                        limit=limit)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def _clean_meta(actor, *, kind, jurisdiction, agency, organisation, target_group,
                themes) -> dict:
    """The entry's metadata, checked: a jurisdiction where the author works, or the regional
    programme (None); an organisation of that jurisdiction; at least one theme."""
    errors = {}
    if kind not in EntryKind.values:
        errors["kind"] = _("Choose what kind of entry this is.")
    if target_group not in TargetGroup.values:
        errors["target_group"] = _("Choose the group the entry is about.")
    themes = sorted(set(themes or []))
    if not themes:
        errors["themes"] = _("Choose at least one theme.")
    elif set(themes) - set(Theme.values):
        errors["themes"] = _("Choose themes from the list.")
    jurisdiction_id = jurisdiction.pk if jurisdiction is not None else None
    if jurisdiction_id is not None and jurisdiction_id not in knowledge_reach(actor).jurisdictions:
        errors["jurisdiction"] = _("Choose a jurisdiction where you work, or the regional "
                                   "programme.")
    if agency is not None and (agency.jurisdiction_id != jurisdiction_id or not agency.is_active):
        errors["agency"] = _("Choose an organisation of the entry's jurisdiction, or leave it "
                             "empty and name the organisation below.")
    try:
        organisation = checked_text(organisation, "organisation", limit=ORGANISATION_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "jurisdiction": jurisdiction, "agency": agency,
            "organisation": organisation, "target_group": target_group, "themes": themes}


def _lock(entry) -> KnowledgeEntry:
    """The entry's row, locked for the rest of the transaction. The caller checks the
    permission first, then the version (so that who may not act hears why, not "stale")."""
    return KnowledgeEntry.objects.select_for_update(of=("self",)).select_related(
        "jurisdiction", "agency", "author").get(pk=entry.pk)


REFUSALS = {
    EntryAction.EDIT: gettext_lazy("Only the author changes an entry, while it is a draft."),
    EntryAction.DELETE: gettext_lazy("Only the author deletes an entry, while it is a draft."),
    EntryAction.ATTACH: gettext_lazy("Only the author attaches files, while the entry is a "
                                     "draft."),
    EntryAction.TRANSLATE: gettext_lazy("Translations are added by the author, the reviewers "
                                        "of the entry's jurisdiction and the regional "
                                        "coordinators."),
    EntryAction.LINK: gettext_lazy("Interventions are linked by the author, the reviewers of "
                                   "the entry's jurisdiction and the regional coordinators."),
    EntryAction.SUBMIT: gettext_lazy("Only the author submits an entry for review."),
    EntryAction.REVIEW: gettext_lazy("Only a knowledge editor of the entry's jurisdiction "
                                     "reviews it."),
    EntryAction.PUBLISH: gettext_lazy("Only a regional coordinator publishes entries for the "
                                      "region."),
    EntryAction.WITHDRAW: gettext_lazy("Only a regional coordinator withdraws an entry."),
}


def _require(actor, entry, action: str) -> None:
    """Re-check on the locked row that `actor` may do `action` (the policy's rule), with the
    reason when not."""
    if not entries.grant(actor, entry).can(action):
        if action == EntryAction.REVIEW and entry.author_id == actor.pk:
            raise PermissionDenied(_("You wrote this entry: another reviewer of its "
                                     "jurisdiction reviews it."))
        raise PermissionDenied(str(REFUSALS.get(action, _("You may not do this with this entry."))))


def _check_move(entry, status: str) -> None:
    """Refuse, with the reason, a status change ALLOWED_TRANSITIONS does not allow."""
    current = EntryStatus(entry.status)
    if status not in ALLOWED_TRANSITIONS[current]:
        if status == EntryStatus.PUBLISHED and current == EntryStatus.DRAFT:
            raise ValidationError(_(
                "This entry has not been reviewed: a knowledge editor of its jurisdiction "
                "reviews it before a regional coordinator publishes it."))
        raise ValidationError(_("This entry is %(status)s: it cannot be %(to)s.") % {
            "status": entry.get_status_display().lower(),
            "to": EntryStatus(status).label.lower()})


def _move(entry, status: str) -> None:
    _check_move(entry, status)
    entry.status = status


def _screen(actor, fields: dict, confirmed: bool) -> None:
    screening.enforce({name: value for name, value in fields.items() if value},
                      actor=actor, confirmed=confirmed)


def _snapshot(entry, themes=None) -> dict:
    """The entry's metadata as the audit trail records it."""
    return {"kind": entry.kind, "status": entry.status,
            "jurisdiction": entry.jurisdiction.code if entry.jurisdiction_id else None,
            "agency": str(entry.agency.uuid) if entry.agency_id else None,
            "organisation": entry.organisation, "target_group": entry.target_group,
            "themes": themes if themes is not None else sorted(
                entry.themes.values_list("theme", flat=True))}


def _text_values(text) -> dict:
    return {name: getattr(text, name) for name in TEXT_FIELDS} if text else {}


def _lengths(values: dict) -> dict:
    """What the audit trail keeps of free text: its length, never its words. The trail is
    append-only and exported whole to the DPO: a draft's text, or a name the author confirmed
    past the person-data check and then removed, would stay there for ever."""
    return {name: len(value or "") for name, value in values.items()}


def _text_changes(before: dict, after: dict) -> dict:
    """Which texts changed, with their lengths before and after."""
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {"texts_changed": changed,
            "text_lengths": {k: [len(before.get(k) or ""), len(after.get(k) or "")]
                             for k in changed}}


def _changes(before: dict, after: dict) -> dict:
    """{"before": ..., "after": ...} of the fields whose value changed."""
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {"before": {k: before.get(k) for k in changed},
            "after": {k: after.get(k) for k in changed}}


def _audit(actor, entry, action=AuditAction.CHANGE, **details) -> None:
    audit.record(actor=actor, action=action, obj=entry,
                 details={"status": entry.status, **details})


def _save_themes(entry, themes) -> None:
    entry.themes.exclude(theme__in=themes).delete()
    existing = set(entry.themes.values_list("theme", flat=True))
    EntryTheme.objects.bulk_create([EntryTheme(entry=entry, theme=t) for t in themes
                                    if t not in existing])


def _bump(entry, *fields: str) -> None:
    entry.version += 1
    entry.save(update_fields=[*fields, "version", "updated_at"])


# --- writing -----------------------------------------------------------------------------------

@transaction.atomic
def entry_create(*, actor, kind: str, jurisdiction, target_group: str, language: str,
                 title: str, description: str, objectives: str = "", findings: str = "",
                 themes=(), agency: Agency | None = None, organisation: str = "",
                 confirmed: bool = False) -> KnowledgeEntry:
    """A draft entry by `actor`, with its text in the original `language` (every text passes
    the person-data check; a warning needs `confirmed`)."""
    _member(actor)
    meta = _clean_meta(actor, kind=kind, jurisdiction=jurisdiction, agency=agency,
                       organisation=organisation, target_group=target_group, themes=themes)
    if language not in ContentLanguage.values:
        raise ValidationError({"language": _("Choose the language the entry is written in.")})
    texts = _clean_text(title=title, objectives=objectives, description=description,
                        findings=findings)
    _screen(actor, texts, confirmed)
    themes = meta.pop("themes")
    entry = KnowledgeEntry.objects.create(author=actor, original_language=language, **meta)
    EntryText.objects.create(entry=entry, language=language, written_by=actor, **texts)
    _save_themes(entry, themes)
    search.reindex(entry)
    _audit(actor, entry, AuditAction.CREATE, language=language,
           after=_snapshot(entry, themes), text_lengths=_lengths(texts))
    return entry


@transaction.atomic
def entry_update(*, actor, entry: KnowledgeEntry, expected_version: int | None, kind: str,
                 jurisdiction, target_group: str, title: str, description: str,
                 objectives: str = "", findings: str = "", themes=(),
                 agency: Agency | None = None, organisation: str = "",
                 confirmed: bool = False) -> KnowledgeEntry:
    """The author changes a draft: its metadata and its text in the original language. A
    submitted draft whose jurisdiction changes goes to the new jurisdiction's reviewers."""
    entry = _lock(entry)
    _require(actor, entry, EntryAction.EDIT)
    check_version(entry, expected_version)
    meta = _clean_meta(actor, kind=kind, jurisdiction=jurisdiction, agency=agency,
                       organisation=organisation, target_group=target_group, themes=themes)
    texts = _clean_text(title=title, objectives=objectives, description=description,
                        findings=findings)
    _screen(actor, texts, confirmed)
    themes = meta.pop("themes")
    before_meta = _snapshot(entry)
    text = entry.texts.filter(language=entry.original_language).first()
    before_text = _text_values(text)
    moved = meta["jurisdiction"] != entry.jurisdiction
    for name, value in meta.items():
        setattr(entry, name, value)
    _bump(entry, *META_FIELDS)
    _save_themes(entry, themes)
    if text is None:
        text = EntryText(entry=entry, language=entry.original_language)
    for name, value in texts.items():
        setattr(text, name, value)
    text.written_by = actor
    text.save()
    search.reindex(entry)
    changes = _changes(before_meta, _snapshot(entry, themes))
    _audit(actor, entry, **changes, **_text_changes(before_text, texts))
    if moved and entry.submitted_at is not None:
        work.on_submitted(entry, actor)
    return entry


@transaction.atomic
def entry_delete(*, actor, entry: KnowledgeEntry, expected_version: int | None = None) -> None:
    """The author deletes a draft (with its texts and attachments); its review task, if any,
    is cancelled."""
    entry = _lock(entry)
    _require(actor, entry, EntryAction.DELETE)
    check_version(entry, expected_version)
    text = entry.texts.filter(language=entry.original_language).first()
    _audit(actor, entry, AuditAction.DELETE,
           before={**_snapshot(entry),
                   "title_length": len(text.title) if text else 0,
                   "languages": sorted(entry.texts.values_list("language", flat=True)),
                   "attachments": entry.attachments.count()})
    work.on_deleted(entry, actor)
    entry.delete()


@transaction.atomic
def translation_save(*, actor, entry: KnowledgeEntry, language: str, title: str,
                     description: str, objectives: str = "", findings: str = "",
                     confirmed: bool = False, expected_version: int | None = None
                     ) -> KnowledgeEntry:
    """Add or change the entry's text in one language other than the original (which changes
    only through entry_update)."""
    entry = _lock(entry)
    _require(actor, entry, EntryAction.TRANSLATE)
    check_version(entry, expected_version)
    if language not in ContentLanguage.values:
        raise ValidationError({"language": _("Choose the language of the translation.")})
    if language == entry.original_language:
        raise ValidationError({"language": _(
            "This is the entry's original language: change that text with “Edit”.")})
    texts = _clean_text(title=title, objectives=objectives, description=description,
                        findings=findings)
    _screen(actor, texts, confirmed)
    text = entry.texts.filter(language=language).first()
    before = _text_values(text)
    if text is None:
        text = EntryText(entry=entry, language=language)
    for name, value in texts.items():
        setattr(text, name, value)
    text.written_by = actor
    text.save()
    _bump(entry)
    search.reindex(entry)
    _audit(actor, entry, translation=language, added=not before,
           **_text_changes(before, texts))
    return entry


@transaction.atomic
def translation_delete(*, actor, entry: KnowledgeEntry, language: str,
                       expected_version: int | None = None) -> KnowledgeEntry:
    """Remove the entry's text in one language (never the original)."""
    entry = _lock(entry)
    _require(actor, entry, EntryAction.TRANSLATE)
    check_version(entry, expected_version)
    if language == entry.original_language:
        raise ValidationError({"language": _(
            "The text in the original language cannot be removed.")})
    text = entry.texts.filter(language=language).first()
    if text is None:
        raise ValidationError({"language": _("This entry has no version in that language.")})
    before = _text_values(text)
    text.delete()
    _bump(entry)
    search.reindex(entry)
    _audit(actor, entry, translation=language, removed=True, text_lengths=_lengths(before))
    return entry


@transaction.atomic
def entry_link_interventions(*, actor, entry: KnowledgeEntry, interventions,
                             expected_version: int | None = None) -> KnowledgeEntry:
    """Set the interventions of the catalogue the entry supports. A newly linked one must be
    offered now; one linked before and no longer offered may stay."""
    entry = _lock(entry)
    _require(actor, entry, EntryAction.LINK)
    check_version(entry, expected_version)
    wanted = {i.pk: i for i in interventions}
    current = {i.pk: i for i in entry.interventions.select_related("jurisdiction")}
    inactive = [i for pk, i in wanted.items() if pk not in current and not i.is_active]
    if inactive:
        raise ValidationError({"interventions": _(
            "%(names)s is not offered any more: link interventions the catalogue offers now.")
            % {"names": ", ".join(sorted(i.name for i in inactive))}})
    entry.interventions.set(list(wanted.values()))
    _bump(entry)
    _audit(actor, entry, **_changes(
        {"interventions": sorted(str(i.uuid) for i in current.values())},
        {"interventions": sorted(str(i.uuid) for i in wanted.values())}))
    return entry


# --- attachments -------------------------------------------------------------------------------

@transaction.atomic
def attachment_add(*, actor, entry: KnowledgeEntry, upload, confirmed: bool = False):
    """Attach a file to a draft (the author): checked for size and type, scanned, encrypted at
    rest (attachments.store). The file's name joins the search document, so it passes the
    person-data check ("Marko Petrović.pdf"); the content is the author's to vouch for."""
    entry = _lock(entry)
    _require(actor, entry, EntryAction.ATTACH)
    screening.enforce({"file": getattr(upload, "name", "") or ""}, actor=actor,
                      confirmed=confirmed)
    attachment = attachments.store(entry=entry, upload=upload, actor=actor)
    search.reindex(entry)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=attachment,
                 details={"entry": str(entry.uuid), "after": {
                     "content_type": attachment.content_type,
                     "size": attachment.size, "sha256": attachment.sha256}})
    return attachment


@transaction.atomic
def attachment_remove(*, actor, entry: KnowledgeEntry, attachment) -> None:
    """Remove a file from a draft (the author)."""
    entry = _lock(entry)
    _require(actor, entry, EntryAction.ATTACH)
    if attachment.entry_id != entry.pk:
        raise ValidationError({"attachment": _("This file is not attached to this entry.")})
    audit.record(actor=actor, action=AuditAction.DELETE, obj=attachment,
                 details={"entry": str(entry.uuid), "before": {
                     "content_type": attachment.content_type,
                     "size": attachment.size, "sha256": attachment.sha256}})
    attachment.delete()
    search.reindex(entry)


# --- the workflow ------------------------------------------------------------------------------

@transaction.atomic
def entry_submit(*, actor, entry: KnowledgeEntry, expected_version: int | None
                 ) -> KnowledgeEntry:
    """The author submits a draft to the reviewers of its jurisdiction (their task)."""
    entry = _lock(entry)
    if entry.status == EntryStatus.DRAFT and entry.submitted_at is not None:
        raise ValidationError(_("This entry is already waiting for review."))
    if entry.status != EntryStatus.DRAFT:
        raise ValidationError(_("Only a draft is submitted for review."))
    _require(actor, entry, EntryAction.SUBMIT)
    check_version(entry, expected_version)
    entry.submitted_at = timezone.now()
    _bump(entry, "submitted_at")
    _audit(actor, entry, event="submitted")
    work.on_submitted(entry, actor)
    return entry


def _waiting_for_review(entry) -> None:
    if entry.status != EntryStatus.DRAFT or entry.submitted_at is None:
        raise ValidationError(_(
            "This entry is not waiting for review: its author has not submitted it, or it was "
            "reviewed already."))


@transaction.atomic
def entry_review(*, actor, entry: KnowledgeEntry, expected_version: int | None,
                 note: str = "", confirmed: bool = False) -> KnowledgeEntry:
    """A reviewer of the entry's jurisdiction (not its author) marks a submitted draft reviewed,
    with an optional note; the regional coordinators get the task to publish it."""
    entry = _lock(entry)
    _waiting_for_review(entry)
    _require(actor, entry, EntryAction.REVIEW)
    check_version(entry, expected_version)
    note = checked_text(note, "note", limit=MAX_TEXT)
    _screen(actor, {"note": note}, confirmed)
    _move(entry, EntryStatus.REVIEWED)
    entry.reviewed_by, entry.reviewed_at, entry.review_note = actor, timezone.now(), note
    _bump(entry, "status", "reviewed_by", "reviewed_at", "review_note")
    _audit(actor, entry, event="reviewed", note_length=len(note))
    work.on_reviewed(entry, actor)
    return entry


@transaction.atomic
def entry_return(*, actor, entry: KnowledgeEntry, expected_version: int | None, note: str,
                 confirmed: bool = False) -> KnowledgeEntry:
    """A reviewer returns a submitted draft to its author with a note (what to change); the
    author changes it and submits it again."""
    entry = _lock(entry)
    _waiting_for_review(entry)
    _require(actor, entry, EntryAction.REVIEW)
    check_version(entry, expected_version)
    note = checked_text(note, "note", required=True, limit=MAX_TEXT,
                        message=_("Say what the author should change."))
    _screen(actor, {"note": note}, confirmed)
    entry.submitted_at = None
    entry.reviewed_by, entry.reviewed_at, entry.review_note = actor, timezone.now(), note
    _bump(entry, "submitted_at", "reviewed_by", "reviewed_at", "review_note")
    _audit(actor, entry, event="returned", note_length=len(note))
    work.on_returned(entry, actor)
    return entry


@transaction.atomic
def entry_publish(*, actor, entry: KnowledgeEntry, expected_version: int | None
                  ) -> KnowledgeEntry:
    """A regional coordinator publishes a reviewed entry for everyone in the region. An entry
    not reviewed is refused, with the reason."""
    entry = _lock(entry)
    if not knowledge_reach(actor).coordinator:
        raise PermissionDenied(str(REFUSALS[EntryAction.PUBLISH]))
    _check_move(entry, EntryStatus.PUBLISHED)
    _require(actor, entry, EntryAction.PUBLISH)
    check_version(entry, expected_version)
    _move(entry, EntryStatus.PUBLISHED)
    entry.published_by, entry.published_at = actor, timezone.now()
    _bump(entry, "status", "published_by", "published_at")
    _audit(actor, entry, event="published")
    work.on_published(entry, actor)
    return entry


@transaction.atomic
def entry_withdraw(*, actor, entry: KnowledgeEntry, expected_version: int | None, reason: str,
                   confirmed: bool = False) -> KnowledgeEntry:
    """A regional coordinator withdraws a reviewed or published entry, with the reason; it
    stays readable to its author, its reviewers and the coordinators."""
    entry = _lock(entry)
    if not knowledge_reach(actor).coordinator:
        raise PermissionDenied(str(REFUSALS[EntryAction.WITHDRAW]))
    _check_move(entry, EntryStatus.WITHDRAWN)
    _require(actor, entry, EntryAction.WITHDRAW)
    check_version(entry, expected_version)
    reason = checked_text(reason, "reason", required=True, limit=MAX_TEXT,
                          message=_("Say why the entry is withdrawn."))
    _screen(actor, {"reason": reason}, confirmed)
    was = entry.status
    _move(entry, EntryStatus.WITHDRAWN)
    entry.withdrawn_by, entry.withdrawn_at = actor, timezone.now()
    entry.withdrawal_reason = reason
    _bump(entry, "status", "withdrawn_by", "withdrawn_at", "withdrawal_reason")
    _audit(actor, entry, event="withdrawn", previous=was, reason_length=len(reason))
    work.on_withdrawn(entry, actor)
    return entry
