"""Every write of an information-sharing agreement: atomic, permission re-checked with the
policy, validated with messages in the user's language, audited with what changed (before and
after). The status machine: draft → in force ("signed") → terminated; a signed agreement lapses
by its dates alone (organisations.agreements reads them), with no write."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.compartments import DataCategory
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.organisations.models import AgreementParty, AgreementStatus, SharingAgreement
from alliance.work.models import TaskStatus

from . import work as agreement_work
from .access import (
    AgreementAction,
    agreement_reach,
    agreements,
    can_edit_agreements,
    editable_fields,
)
from .selectors import REVIEW_WITHIN, people_relying_on

__all__ = ["agreement_create", "agreement_update", "agreement_sign", "agreement_terminate",
           "agreement_reviewed", "people_relying_on"]

TEXT_FIELDS = {"title": 200, "reference": 60, "legal_basis": 5000, "purpose": 5000,
               "retention": 200, "termination_reason": 5000}
REQUIRED_TEXT = ("title", "legal_basis", "purpose", "retention")
FIELDS = ("title", "reference", "legal_basis", "purpose", "retention", "consent_required",
          "valid_from", "valid_until", "review_due")

# The status machine (STYLE.md rule 5).
ALLOWED_TRANSITIONS = {
    AgreementStatus.DRAFT: {AgreementStatus.IN_FORCE},
    AgreementStatus.IN_FORCE: {AgreementStatus.TERMINATED},
    AgreementStatus.TERMINATED: set(),
}


def _require(actor, agreement, action: str) -> None:
    if not agreements.grant(actor, agreement).can(action):
        raise PermissionDenied(_("You may not do that with this agreement."))


def _clean_text(field: str, value) -> str:
    value = (value or "").strip()
    if field in REQUIRED_TEXT and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > TEXT_FIELDS[field]:
        raise ValidationError({field: _("Keep this under %(max)d characters.") % {
            "max": TEXT_FIELDS[field]}})
    return value


def _check_dates(valid_from, valid_until, review_due) -> None:
    errors = {}
    for field, value in (("valid_from", valid_from), ("valid_until", valid_until),
                         ("review_due", review_due)):
        if value is None:
            errors[field] = _("Enter a date.")
    if errors:
        raise ValidationError(errors)
    if valid_until < valid_from:
        raise ValidationError({"valid_until": _(
            "The agreement cannot end before it starts: enter a date on or after %(day)s.") % {
            "day": valid_from.isoformat()}})
    if review_due > valid_until:
        raise ValidationError({"review_due": _(
            "Review the agreement before it ends: enter a date on or before %(day)s.") % {
            "day": valid_until.isoformat()}})


def _clean_parties(parties) -> list[tuple]:
    """[(agency, categories)] checked: active agencies, each once, known categories, at least
    two parties."""
    known = set(DataCategory.values)
    cleaned, seen = [], set()
    for agency, categories in parties:
        if not agency.is_active:
            raise ValidationError({"parties": _(
                "%(agency)s is no longer active and cannot be a party.") % {"agency": agency}})
        if agency.pk in seen:
            raise ValidationError({"parties": _("%(agency)s is named twice: name each party "
                                                "once.") % {"agency": agency}})
        seen.add(agency.pk)
        unknown = sorted(set(categories) - known)
        if unknown:
            raise ValidationError({"parties": _("Unknown data category: %(category)s.") % {
                "category": ", ".join(unknown)}})
        cleaned.append((agency, [c for c in DataCategory.values if c in set(categories)]))
    if len(cleaned) < 2:
        raise ValidationError({"parties": _(
            "An agreement is between at least two agencies: choose the parties.")})
    return cleaned


def _as_text(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _lock(agreement, expected_version) -> SharingAgreement:
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    check_version(locked, expected_version)
    return locked


def _parties_of(agreement) -> dict[str, list[str]]:
    return {str(p.agency.uuid): list(p.categories)
            for p in agreement.parties.select_related("agency").order_by("id")}


@transaction.atomic
def agreement_create(*, actor, title: str, legal_basis: str, purpose: str, retention: str,
                     valid_from: datetime.date, valid_until: datetime.date,
                     review_due: datetime.date, parties, reference: str = "",
                     consent_required: bool = False) -> SharingAgreement:
    """Draft an agreement between `parties` ([(agency, categories)]): a DPO or an
    administrator, with at least one party where their grants reach. Nothing crosses under it
    until a DPO signs it."""
    if not can_edit_agreements(actor):
        raise PermissionDenied(_("Only a data protection officer or a system administrator "
                                 "drafts information-sharing agreements."))
    values = {field: _clean_text(field, value) for field, value in (
        ("title", title), ("reference", reference), ("legal_basis", legal_basis),
        ("purpose", purpose), ("retention", retention))}
    _check_dates(valid_from, valid_until, review_due)
    parties = _clean_parties(parties)
    if not agreement_reach(actor).covers({a.jurisdiction_id for a, _c in parties}):
        raise ValidationError({"parties": _(
            "Include at least one agency of your jurisdiction: you could not see the agreement "
            "otherwise.")})
    agreement = SharingAgreement.objects.create(
        **values, consent_required=bool(consent_required), valid_from=valid_from,
        valid_until=valid_until, review_due=review_due, created_by=actor)
    AgreementParty.objects.bulk_create([AgreementParty(agreement=agreement, agency=agency,
                                                       categories=categories)
                                        for agency, categories in parties])
    audit.record(actor=actor, action=AuditAction.CREATE, obj=agreement,
                 details={"title": agreement.title, "parties": _parties_of(agreement),
                          "valid_from": valid_from.isoformat(),
                          "valid_until": valid_until.isoformat()})
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement, expected_version: int | None, parties=None,
                     **changes) -> SharingAgreement:
    """Change an agreement: a draft, anything; a signed one, the review date, an extension of
    its end, the retention and the parties' categories (not who the parties are); a terminated
    one, nothing. Audited with the values before and after."""
    agreement = _lock(agreement, expected_version)
    _require(actor, agreement, AgreementAction.EDIT)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    allowed = editable_fields(agreement)
    signed = allowed is not None
    new = {field: getattr(agreement, field) for field in FIELDS}
    for field, value in changes.items():
        if field in TEXT_FIELDS:
            value = _clean_text(field, value)
        elif field == "consent_required":
            value = bool(value)
        if value == new[field]:
            continue
        if signed and field not in allowed:
            raise ValidationError({field: _(
                "This cannot change once the agreement is signed: terminate it and draft a new "
                "one.")})
        new[field] = value
    _check_dates(new["valid_from"], new["valid_until"], new["review_due"])
    if signed and new["valid_until"] < agreement.valid_until:
        raise ValidationError({"valid_until": _(
            "A signed agreement can be extended, not shortened: to end it sooner, terminate "
            "it.")})
    before_parties = _parties_of(agreement)
    if parties is not None:
        parties = _clean_parties(parties)
        if signed and {str(a.uuid) for a, _c in parties} != set(before_parties):
            raise ValidationError({"parties": _(
                "The parties of a signed agreement cannot change: terminate it and draft a new "
                "one.")})
        if signed and any(not categories for _a, categories in parties):
            raise ValidationError({"parties": _(
                "Every party of a signed agreement receives at least one category.")})
    changed = [field for field in FIELDS if new[field] != getattr(agreement, field)]
    before = {field: _as_text(getattr(agreement, field)) for field in changed}
    for field in changed:
        setattr(agreement, field, new[field])
    parties_changed = False
    if parties is not None:
        after_parties = {str(a.uuid): c for a, c in parties}
        if after_parties != before_parties:
            parties_changed = True
            agreement.parties.all().delete()
            AgreementParty.objects.bulk_create([AgreementParty(
                agreement=agreement, agency=agency, categories=categories)
                for agency, categories in parties])
    if not changed and not parties_changed:
        return agreement
    agreement.version += 1
    agreement.save()
    details = {"fields": changed, "before": before,
               "after": {field: _as_text(getattr(agreement, field)) for field in changed}}
    if parties_changed:
        details["fields"].append("parties")
        details["before"]["parties"] = before_parties
        details["after"]["parties"] = _parties_of(agreement)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=agreement, details=details)
    if signed and "review_due" in changed:
        # The review task follows the new date (the daily job opens one within 30 days).
        agreement_work.review_close(agreement, actor=actor, status=TaskStatus.CANCELLED)
        if agreement.review_due <= timezone.localdate() + REVIEW_WITHIN:
            agreement_work.review_ensure(agreement, actor=actor)
    return agreement


def _move(agreement, status: str) -> None:
    if status not in ALLOWED_TRANSITIONS[AgreementStatus(agreement.status)]:
        raise ValidationError(_("This agreement is %(status)s: that is not possible now.") % {
            "status": agreement.get_status_display().lower()})
    agreement.status = status


@transaction.atomic
def agreement_sign(*, actor, agreement, expected_version: int | None) -> SharingAgreement:
    """A DPO signs a draft: from `valid_from`, data crosses under it. Needs at least two
    parties, each receiving at least one category, and an end date not yet past."""
    agreement = _lock(agreement, expected_version)
    _require(actor, agreement, AgreementAction.SIGN)
    _move(agreement, AgreementStatus.IN_FORCE)
    parties = list(agreement.parties.select_related("agency"))
    if len(parties) < 2:
        raise ValidationError(_("An agreement is between at least two agencies: add the "
                                "parties before signing."))
    empty = [str(p.agency) for p in parties if not p.categories]
    if empty:
        raise ValidationError(_("Choose what each party may receive before signing (nothing "
                                "chosen for: %(agencies)s).") % {"agencies": ", ".join(empty)})
    if agreement.valid_until < timezone.localdate():
        raise ValidationError(_("This agreement ended on %(day)s: change its dates before "
                                "signing.") % {"day": agreement.valid_until.isoformat()})
    agreement.signed_at = timezone.now()
    agreement.signed_by = actor
    agreement.version += 1
    agreement.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=agreement,
                 details={"fields": ["status"], "before": {"status": AgreementStatus.DRAFT},
                          "after": {"status": AgreementStatus.IN_FORCE},
                          "parties": _parties_of(agreement)})
    return agreement


@transaction.atomic
def agreement_terminate(*, actor, agreement, expected_version: int | None,
                        reason: str) -> SharingAgreement:
    """A DPO terminates a signed agreement, with the reason: from the next request, nothing
    crosses under it (the people who relied on it stay listed for the DPO)."""
    agreement = _lock(agreement, expected_version)
    _require(actor, agreement, AgreementAction.TERMINATE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the agreement is terminated.")})
    reason = _clean_text("termination_reason", reason)
    _move(agreement, AgreementStatus.TERMINATED)
    agreement.terminated_at = timezone.now()
    agreement.terminated_by = actor
    agreement.termination_reason = reason
    agreement.version += 1
    agreement.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=agreement,
                 details={"fields": ["status"], "before": {"status": AgreementStatus.IN_FORCE},
                          "after": {"status": AgreementStatus.TERMINATED},
                          "people": people_relying_on(agreement).count()})
    agreement_work.review_close(agreement, actor=actor, status=TaskStatus.CANCELLED)
    return agreement


@transaction.atomic
def agreement_reviewed(*, actor, agreement, expected_version: int | None,
                       review_due: datetime.date | None) -> SharingAgreement:
    """A DPO or an administrator records that a signed agreement was reviewed, with the date of
    the next review (after today, on or before its end). Closes the review task."""
    agreement = _lock(agreement, expected_version)
    _require(actor, agreement, AgreementAction.REVIEW)
    today = timezone.localdate()
    if review_due is None:
        raise ValidationError({"review_due": _("Enter the date of the next review.")})
    if review_due <= today:
        raise ValidationError({"review_due": _("The next review is after today: enter a later "
                                               "date.")})
    if review_due > agreement.valid_until:
        raise ValidationError({"review_due": _(
            "Review the agreement before it ends: enter a date on or before %(day)s, or extend "
            "the agreement first.") % {"day": agreement.valid_until.isoformat()}})
    before = agreement.review_due
    agreement.review_due = review_due
    agreement.version += 1
    agreement.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=agreement,
                 details={"fields": ["review_due"], "reviewed": True,
                          "before": {"review_due": before.isoformat()},
                          "after": {"review_due": review_due.isoformat()}})
    agreement_work.review_close(agreement, actor=actor)
    return agreement
