"""Every write of the retention app: the periods, and the decisions on review items (keep for
longer, erase, anonymise). Each is atomic, re-checks that the actor is the DPO of the person's
jurisdiction, and writes its audit events in the same transaction. Erasure records what it
erased (models and counts, never content); the audit events stay and keep the reference."""

import datetime
from collections import Counter

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.errors import Conflict
from alliance.core.models import AuditAction
from alliance.people import restriction
from alliance.people.key_dates import add_months
from alliance.people.models import (
    ClassificationChange,
    CustodyEpisode,
    KeyDateOverride,
    Person,
    PersonSearchToken,
)
from alliance.work import services as work
from alliance.work.models import Task, TaskStatus

from .access import can_manage_jurisdiction, review_items
from .categories import CATEGORIES, Part, blank_value, encrypted_fields
from .models import (
    ClockStart,
    ErasureRecord,
    PersonRetention,
    RetentionCategory,
    RetentionRule,
    ReviewItem,
    ReviewStatus,
)
from .review import cutoff_for, effective_rules, sync_task

MAX_MONTHS = 1200  # a hundred years: beyond it a period is a typing error
MAX_KEEP_MONTHS = 120


# --- periods -----------------------------------------------------------------------------------

@transaction.atomic
def rule_save(*, actor, jurisdiction, category: str, months: int, counted_from: str,
              expected_version: int | None = None) -> RetentionRule:
    """Set a jurisdiction's retention period for a category. Only a DPO of that jurisdiction
    (never the system-level DPO: access.py); a stale `expected_version` is a Conflict."""
    if not can_manage_jurisdiction(actor, jurisdiction):
        raise PermissionDenied(_("Only the data protection officer of %(jurisdiction)s can "
                                 "change its retention periods.") % {
            "jurisdiction": jurisdiction.display_name})
    if category not in RetentionCategory.values:
        raise ValidationError({"category": _("Unknown category.")})
    if counted_from not in ClockStart.values:
        raise ValidationError({"counted_from": _("Choose the event the period counts from.")})
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValidationError({"months": _("A period is between 1 and %(max)s months.") % {
            "max": MAX_MONTHS}})
    rule = (RetentionRule.objects.select_for_update()
            .filter(jurisdiction=jurisdiction, category=category).first())
    before = effective_rules(jurisdiction)[category][:2]
    if rule is None:
        if expected_version not in (None, 0):
            raise Conflict()
        rule = RetentionRule(jurisdiction=jurisdiction, category=category)
        action = AuditAction.CREATE
    else:
        if expected_version is not None and expected_version != rule.version:
            raise Conflict()
        rule.version += 1
        action = AuditAction.CHANGE
    rule.months, rule.counted_from, rule.updated_by = months, counted_from, actor
    rule.save()
    audit.record(actor=actor, action=action, obj=rule, details={
        "jurisdiction": jurisdiction.code, "category": category,
        "before": {"months": before[0], "counted_from": before[1]},
        "after": {"months": months, "counted_from": counted_from}})
    return rule


# --- decisions ---------------------------------------------------------------------------------

def _locked_open_item(actor, item) -> ReviewItem:
    locked = (ReviewItem.objects.select_for_update(of=("self",))
              .select_related("person", "person__jurisdiction").get(pk=item.pk))
    if not review_items.grant(actor, locked).can("decide"):
        raise PermissionDenied(_("Only the data protection officer of the person's "
                                 "jurisdiction decides on their retention review."))
    if locked.status != ReviewStatus.OPEN:
        raise ValidationError(_("This review was already decided: %(status)s.") % {
            "status": locked.get_status_display().lower()})
    return locked


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    return reason


def _decide(item, *, actor, status, reason, today, kept_until=None) -> None:
    item.status, item.reason, item.kept_until = status, reason, kept_until
    item.decided_by, item.decided_at = actor, timezone.now()
    item.save()
    details = {"category": item.category, "status": status}
    if kept_until:
        details["kept_until"] = kept_until.isoformat()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=item, person=item.person,
                 details=details)
    sync_task(item.person.jurisdiction, today)


@transaction.atomic
def review_keep(*, actor, item, months: int, reason: str,
                today: datetime.date | None = None) -> ReviewItem:
    """Keep the category for `months` more months (with the reason): the item is closed, and
    the daily job lists it again when that time is up."""
    today = today or timezone.localdate()
    item = _locked_open_item(actor, item)
    reason = _clean_reason(reason)
    if not isinstance(months, int) or not 1 <= months <= MAX_KEEP_MONTHS:
        raise ValidationError({"months": _("Keep for between 1 and %(max)s more months.") % {
            "max": MAX_KEEP_MONTHS}})
    _decide(item, actor=actor, status=ReviewStatus.RETAINED, reason=reason, today=today,
            kept_until=add_months(today, months))
    return item


def _refuse_if_restricted(person) -> None:
    # Restriction is what the law uses where erasure is not allowed (Directive 2016/680
    # art. 16(3)): a restricted record is kept as it is until the DPO lifts the restriction.
    if restriction.is_restricted(Person.objects.get(pk=person.pk)):
        raise ValidationError(_(
            "The record of %(reference)s is restricted: the law keeps it instead of erasing "
            "it. Lift the restriction first, or keep it for longer.") % {
            "reference": person.reference})


def _part_queryset(part: Part, person, cutoff: datetime.date | None):
    qs = part.queryset(person)
    if cutoff is not None and not part.dated:
        return qs.none()
    if cutoff is not None:
        # Only the records whose own root record is past a record-creation period.
        prefix = part.person[: -len("person")]
        start_of_next_day = timezone.make_aware(
            datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min))
        qs = qs.filter(**{f"{prefix}created_at__lt": start_of_next_day})
    return qs


def _cutoff(item, today) -> datetime.date | None:
    months, counted_from, _row = effective_rules(item.person.jurisdiction)[item.category]
    return cutoff_for(months, today) if counted_from == ClockStart.RECORD_CREATED else None


def _cancel_tasks(model, uuids, actor) -> None:
    """Open tasks that came from erased records are cancelled (their link would lead nowhere)."""
    label = model._meta.label_lower
    open_tasks = Task.objects.filter(source_type=label, source_uuid__in=list(uuids),
                                     status=TaskStatus.OPEN).values_list("source_uuid", flat=True)
    for obj in model.objects.filter(uuid__in=list(open_tasks)):
        work.task_close(source=obj, status=TaskStatus.CANCELLED, actor=actor)


def _erasure_record(item, *, actor, action, counts, reason) -> ErasureRecord:
    return ErasureRecord.objects.create(
        review_item=item, person=item.person, person_reference=item.person.reference,
        category=item.category, action=action, counts=counts, reason=reason,
        performed_by=actor, performed_at=timezone.now())


@transaction.atomic
def review_erase(*, actor, item, reason: str, today: datetime.date | None = None
                 ) -> ErasureRecord:
    """Delete the person's records of the item's category that are past their period (all of
    them when the period counts from release or case closure). Identity cannot be deleted —
    the audit trail points at the person — so it is anonymised instead (review_anonymise).
    One DELETE event per erased record keeps the reference; the ErasureRecord says what."""
    today = today or timezone.localdate()
    item = _locked_open_item(actor, item)
    reason = _clean_reason(reason)
    if item.category == RetentionCategory.IDENTITY:
        raise ValidationError(_("A person's identity is not deleted (the audit trail points "
                                "to the record): anonymise it."))
    person = item.person
    _refuse_if_restricted(person)
    with restriction.bypass():  # refused above if restricted; the bypass covers a race
        counts, events = _delete_parts(item, actor=actor, cutoff=_cutoff(item, today))
    record = _erasure_record(item, actor=actor, action=ReviewStatus.ERASED,
                             counts=dict(counts), reason=reason)
    for event in events:
        event.details["erasure"] = str(record.uuid)
    audit.append(events)
    _decide(item, actor=actor, status=ReviewStatus.ERASED, reason=reason, today=today)
    return record


def _delete_parts(item, *, actor, cutoff) -> tuple[Counter, list]:
    """Delete the category's records, in order; the DELETE events are returned to be written
    once the erasure record exists (they name it)."""
    person = item.person
    counts: Counter = Counter()
    events = []
    for part in CATEGORIES[item.category].parts:
        model = apps.get_model(part.model)
        qs = _part_queryset(part, person, cutoff)
        for clear_model, field in part.clear:
            apps.get_model(clear_model).objects.filter(**{f"{field}__in": qs}).update(
                **{field: None})
        rows = list(qs.values_list("pk", "uuid") if hasattr(model, "uuid") else
                    qs.values_list("pk", "pk"))
        if not rows:
            continue
        if hasattr(model, "uuid"):
            _cancel_tasks(model, [u for _pk, u in rows], actor)
        if part.person == "person":
            events += [audit.build(actor=actor, action=AuditAction.DELETE, person=person,
                                   object_type=model._meta.label_lower, object_uuid=str(u),
                                   details={"retention": item.category, "reason": "retention"})
                       for _pk, u in rows]
        try:
            deleted = model.objects.filter(pk__in=[pk for pk, _u in rows]).delete()[1]
        except ProtectedError:
            # A newer record still rests on an older one (a recent session of an old
            # enrolment): nothing is erased; the DPO erases when the newer one is due too.
            raise ValidationError(_(
                "Some of these records are still needed by newer ones (%(kind)s): nothing "
                "was erased. Keep them for longer, or erase when the newer records are due.") % {
                "kind": model._meta.verbose_name_plural}) from None
        for label, n in deleted.items():
            counts[label.lower()] += n
    return counts, events


def anonymise_person(*, actor, person: Person) -> dict:
    """Blank a person's encrypted identity and its search tokens (the blind indexes), the
    offences of their custody episodes and the free-text reasons kept beside their identity.
    The row, its reference and its coded fields stay. Called inside review_anonymise."""
    counts = {"people.personsearchtoken": PersonSearchToken.objects.filter(
        person=person).delete()[0]}
    for field in ("given_name", "family_name", "aliases", "national_id"):
        setattr(person, field, "")
    person.date_of_birth = None
    person.version += 1
    person.save(update_fields=["given_name", "family_name", "aliases", "national_id",
                               "date_of_birth", "version", "updated_at"])
    counts["people.person"] = 1
    counts["people.custodyepisode"] = CustodyEpisode.objects.filter(person=person).update(
        offences="")
    counts["people.classificationchange"] = ClassificationChange.objects.filter(
        person=person).update(reason="")
    counts["people.keydateoverride"] = KeyDateOverride.objects.filter(
        episode__person=person).update(reason="")
    PersonRetention.objects.update_or_create(
        person=person, defaults={"anonymised_at": timezone.now(), "anonymised_by": actor})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=person, details={
        "anonymised": ["given_name", "family_name", "aliases", "national_id", "date_of_birth",
                       "offences", "search_tokens"]})
    return counts


@transaction.atomic
def review_anonymise(*, actor, item, reason: str, today: datetime.date | None = None
                     ) -> ErasureRecord:
    """Anonymise what the item covers: for identity, the person (anonymise_person); for
    another category, every encrypted text of its records past their period (the rows and
    their codes stay, for the statistics)."""
    today = today or timezone.localdate()
    item = _locked_open_item(actor, item)
    reason = _clean_reason(reason)
    person = item.person
    _refuse_if_restricted(person)
    with restriction.bypass():  # refused above if restricted; the bypass covers a race
        if item.category == RetentionCategory.IDENTITY:
            counts = anonymise_person(actor=actor, person=person)
        else:
            counts = _blank_parts(item, actor=actor, cutoff=_cutoff(item, today))
    record = _erasure_record(item, actor=actor, action=ReviewStatus.ANONYMISED,
                             counts=counts, reason=reason)
    _decide(item, actor=actor, status=ReviewStatus.ANONYMISED, reason=reason, today=today)
    return record


def _blank_parts(item, *, actor, cutoff) -> dict:
    """Blank every encrypted text of the category's records; the rows and codes stay."""
    person = item.person
    counts = {}
    seen = set()
    for part in CATEGORIES[item.category].parts:
        model = apps.get_model(part.model)
        fields = encrypted_fields(model)
        if not fields or part.model in seen:
            continue
        seen.add(part.model)
        qs = _part_queryset(part, person, cutoff)
        changed = 0
        # One row at a time: encrypted values are written through the field (a bulk
        # update() would write the same blank ciphertext, but this keeps `save` honest).
        for obj in qs:
            for field in fields:
                setattr(obj, field.attname, blank_value(field))
            obj.save(update_fields=[f.attname for f in fields])
            changed += 1
        if changed:
            counts[model._meta.label_lower] = changed
            if part.person == "person":
                audit.record(actor=actor, action=AuditAction.CHANGE, person=person,
                             object_type=model._meta.label_lower,
                             details={"retention": item.category, "anonymised":
                                      [f.name for f in fields], "count": changed})
    return counts


def affected_counts(item, today: datetime.date | None = None) -> dict[str, int]:
    """How many records of each kind a decision on the item would touch (for the page:
    counts, never content)."""
    today = today or timezone.localdate()
    if item.category == RetentionCategory.IDENTITY:
        return {"people.person": 1}
    cutoff = _cutoff(item, today)
    counts = {}
    for part in CATEGORIES[item.category].roots:
        n = _part_queryset(part, item.person, cutoff).count()
        if n:
            counts[apps.get_model(part.model)._meta.verbose_name_plural] = n
    return counts
