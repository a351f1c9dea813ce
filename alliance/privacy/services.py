"""Writes of the data-subject rights: the subject access export, logged as a disclosure to the
data subject. (Restricting and lifting are people/restriction.py's services.)"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core import audit, purpose
from alliance.core.models import AuditAction
from alliance.core.text import clean_text
from alliance.people.models import Disclosure, DisclosureChannel, Person
from alliance.people.restriction import dpo_may_handle

from . import export

RECIPIENT = "data_subject"


def _dpo_agency(actor, person):
    """The agency through which the DPO acts for the person's jurisdiction."""
    return next(g.agency for g in profile_for(actor).grants_with(Role.DATA_PROTECTION_OFFICER)
                if g.jurisdiction_id == person.jurisdiction_id)


@transaction.atomic
def subject_access_export(*, actor, person: Person, choices: export.Choices,
                          fmt: str = "json", at: datetime.datetime | None = None) -> dict:
    """Everything held about `person`, for the data subject (export.collect), with what the DPO
    withholds; logged as a disclosure to the data subject (the audit trail's DISCLOSE event and
    a row in the person's disclosures, channel "subject access"), in this transaction."""
    if not dpo_may_handle(actor, person):
        raise PermissionDenied(_("Only the data protection officer of the person's "
                                 "jurisdiction can answer a subject access request."))
    reference = clean_text(choices.request_reference).strip()[:80]
    if not reference or choices.request_received is None:
        raise ValueError("a subject access export answers a request: its reference and date")
    unknown = set(choices.withhold.values()) - export.Ground.CODES
    if unknown:
        raise ValueError(f"unknown grounds {sorted(unknown)}")
    at = at or timezone.now()
    data = export.collect(person, choices, at=at)
    withheld = {code: ground for code, ground in sorted(choices.withhold.items())}
    event = audit.record(
        actor=actor, action=AuditAction.DISCLOSE, obj=person,
        purpose=purpose.subject_access(reference),
        details={"recipient": RECIPIENT, "request_reference": reference,
                 "request_received": choices.request_received.isoformat(), "format": fmt,
                 "sections": export.categories(data), "withheld": withheld})
    Disclosure.objects.create(
        occurred_at=at, person=person, from_agency_id=person.responsible_agency_id,
        recipient_agency=_dpo_agency(actor, person), recipient=None,
        categories=export.categories(data), channel=DisclosureChannel.SUBJECT_ACCESS,
        purpose=purpose.subject_access(reference),
        object_type="people.person", object_uuid=str(person.uuid), audit_event=event)
    return data
