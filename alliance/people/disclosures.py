"""The disclosure log (models.Disclosure): every time a person's data crosses an agency
boundary, who received it, for which agency, what categories, for what purpose and under which
information-sharing agreement.

Two ways in:
  * consultations: the audit trail tells `consultation_written` of each consultation event and
    the people it showed (core/audit.py); a reader who sees a person only through a case-team
    place from another agency gets one row per person, under the agreement(s) relied on (a list
    or a search: once a day per person and agreement);
  * explicit disclosures (`record`): a referral sent, an item shared at a case conference, a
    handover package. The module that discloses calls it in its write's transaction.
"""

import datetime

from django.utils import timezone

from alliance.core.compartments import DataCategory
from alliance.core.models import AuditAction
from alliance.organisations.models import SharingAgreement

from .access import holding_agency_ids, retained_access, team_crossings
from .models import Disclosure, DisclosureChannel

# What a consultation of an object of these apps discloses, at most (the reader's other
# categories were not on that response). A list or a search shows a row per person (the
# reference, and the name to those who hold identity); a person page, every category held.
LISTED = {DataCategory.CASE_TEAM, DataCategory.IDENTITY}
CATEGORIES_BY_APP = {
    "assessments": {DataCategory.ASSESSMENT_SUMMARY},
    "plans": {DataCategory.PLAN_PROGRESS},
    "observations": {DataCategory.SECURITY_SUMMARY},
    "release": {DataCategory.RELEASE_SUPPORT},
}


def consultation_written(event, persons) -> None:
    """Log the disclosures of one consultation event (see the module docstring)."""
    actor = event.actor
    crossing = team_crossings(actor)
    if not crossing or not persons:
        return
    holding = holding_agency_ids(actor)
    kept = retained_access(actor)
    app = (event.object_type or "").split(".")[0]
    listed = event.action in (AuditAction.LIST, AuditAction.SEARCH)
    shown = LISTED if listed else CATEGORIES_BY_APP.get(app)
    # A list shown again the same day discloses nothing new about a person already logged for
    # this reader under that agreement today: no row (a caseload opened twenty times a day is
    # not twenty disclosures of each person on it).
    logged_today = set(Disclosure.objects.filter(
        recipient_id=actor.pk, channel=DisclosureChannel.CONSULTATION,
        occurred_at__gte=_start_of_day(event.occurred_at),
        person_id__in=[p.pk for p in persons]).values_list(
            "person_id", "agreement_id")) if listed else set()
    rows = []
    for person in persons:
        held = crossing.get(person.pk)
        if not held or person.responsible_agency_id in holding or person.pk in kept:
            continue
        by_agreement: dict[tuple[int, int], list[str]] = {}
        for category, via in held.items():
            if via is None:  # a place of the responsible agency: no boundary crossed
                by_agreement.clear()
                break
            if shown is None or category in shown:
                by_agreement.setdefault(via, []).append(category)
        for (agreement_id, agency_id), categories in by_agreement.items():
            if (person.pk, agreement_id) in logged_today:
                continue
            rows.append(Disclosure(
                occurred_at=event.occurred_at, person_id=person.pk,
                from_agency_id=person.responsible_agency_id, recipient_agency_id=agency_id,
                recipient_id=actor.pk, categories=_ordered(categories),
                agreement_id=agreement_id,
                channel=DisclosureChannel.CONSULTATION, object_type=event.object_type,
                object_uuid=event.object_uuid, audit_event_id=event.pk))
    if rows:
        purposes = _purposes({row.agreement_id for row in rows})
        for row in rows:
            row.purpose = purposes.get(row.agreement_id, "")
        Disclosure.objects.bulk_create(rows)


def record(*, person, recipient_agency, categories, purpose: str, channel: str, obj=None,
           recipient=None, agreement=None, from_agency=None,
           at: datetime.datetime | None = None) -> Disclosure | None:
    """Log one explicit disclosure of `person`'s data to `recipient_agency` (nothing when it
    stays inside the responsible agency). Call it in the write's transaction."""
    from_agency_id = from_agency.pk if from_agency is not None else person.responsible_agency_id
    if from_agency_id == recipient_agency.pk:
        return None
    return Disclosure.objects.create(
        occurred_at=at or timezone.now(), person=person, from_agency_id=from_agency_id,
        recipient_agency=recipient_agency, recipient=recipient,
        categories=_ordered(categories), purpose=purpose[:300], agreement=agreement,
        channel=channel, object_type=obj._meta.label_lower if obj is not None else "",
        object_uuid=str(getattr(obj, "uuid", "")) if obj is not None else "")


def _start_of_day(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _ordered(categories) -> list[str]:
    order = list(DataCategory.values)
    return sorted(set(categories), key=lambda c: order.index(c) if c in order else len(order))


def _purposes(agreement_ids) -> dict[int, str]:
    if not agreement_ids:
        return {}
    return {pk: purpose[:300] for pk, purpose in SharingAgreement.objects.filter(
        pk__in=agreement_ids).values_list("pk", "purpose")}
