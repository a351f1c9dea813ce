"""What agreements put in people's work (alliance.work), registered from apps.py. Parameters are
short: the agreement's title (cut to fit) and counts, never a reference.

* agreement_review (task): an agreement in force whose review is due within 30 days, to the DPO
  role at the first party agency that has a DPO (else to whoever drafted it), due on the review
  date; closed when it is marked reviewed or terminated, cancelled when it lapses. The work app
  keeps one open task of a kind per source, so one task per agreement: every DPO of that agency
  sees it in their worklist.
* agreement_lapsed (notification): the day after an agreement's last day, the DPOs of the party
  agencies (else the DPOs of the parties' jurisdictions), with how many people relied on it.
  Sent once (the occurrence is the last day).
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Membership, Role
from alliance.organisations.agreements import in_force
from alliance.organisations.models import AgreementStatus, SharingAgreement
from alliance.work import registry
from alliance.work import services as work
from alliance.work.models import TaskStatus

from .selectors import REVIEW_WITHIN, people_relying_on

AGREEMENT_REVIEW = "agreement_review"
AGREEMENT_LAPSED = "agreement_lapsed"


def _agreement_page(obj) -> str:
    return reverse("coordination:agreement_detail",
                   args=[getattr(obj, "source_uuid", None) or obj.target_uuid])


def register() -> None:
    registry.register_task_kind(
        AGREEMENT_REVIEW, label=_("Review the information-sharing agreement “%(title)s” by "
                                  "%(due_on)s"),
        params=("title", "due_on"), url=_agreement_page)
    registry.register_notification_kind(
        AGREEMENT_LAPSED, label=_("The information-sharing agreement “%(title)s” has lapsed "
                                  "(people who relied on it: %(count)s)."),
        params=("title", "count"), url=_agreement_page)
    registry.register_daily("coordination.agreements", daily_agreements)


def short_title(agreement) -> str:
    limit = registry.MAX_PARAM_LENGTH
    return agreement.title if len(agreement.title) <= limit else agreement.title[:limit - 1] + "…"


def _party_agencies(agreement) -> list:
    return [p.agency for p in agreement.parties.select_related("agency").order_by("id")]


def dpos_for(agreement) -> list:
    """The DPOs of the party agencies; else those of the parties' jurisdictions."""
    agencies = _party_agencies(agreement)
    found = {u.pk: u for agency in agencies
             for u in work.role_holders(agency, Role.DATA_PROTECTION_OFFICER)}
    if not found:
        jurisdictions = {a.jurisdiction_id for a in agencies if a.jurisdiction_id}
        for m in Membership.objects.filter(
                agency__jurisdiction_id__in=sorted(jurisdictions), agency__is_active=True,
                is_active=True, user__is_active=True).select_related("user"):
            if Role.DATA_PROTECTION_OFFICER in m.roles:
                found[m.user_id] = m.user
    return [found[pk] for pk in sorted(found)]


def review_ensure(agreement, actor=None):
    """The agreement's review task, to the DPO role at the first party agency with one."""
    for agency in _party_agencies(agreement):
        if work.role_holders(agency, Role.DATA_PROTECTION_OFFICER):
            assignment = {"agency": agency, "role": Role.DATA_PROTECTION_OFFICER}
            break
    else:
        assignment = {"assignee": agreement.created_by}
    return work.task_ensure(kind=AGREEMENT_REVIEW, source=agreement, due_on=agreement.review_due,
                            params={"title": short_title(agreement),
                                    "due_on": agreement.review_due},
                            created_by=actor, **assignment)


def review_close(agreement, *, actor, status: str = TaskStatus.DONE) -> None:
    work.task_close(source=agreement, kind=AGREEMENT_REVIEW, status=status, actor=actor)


def daily_agreements(today: datetime.date | None = None) -> int:
    """Review tasks for agreements in force whose review is due within 30 days; the lapse
    notifications of the agreements whose last day was yesterday. Idempotent."""
    today = today or timezone.localdate()
    changed = 0
    for agreement in in_force(today).filter(review_due__lte=today + REVIEW_WITHIN):
        with transaction.atomic():
            review_ensure(agreement)
        changed += 1
    yesterday = today - datetime.timedelta(days=1)
    for agreement in SharingAgreement.objects.filter(status=AgreementStatus.IN_FORCE,
                                                     valid_until=yesterday):
        with transaction.atomic():
            review_close(agreement, actor=None, status=TaskStatus.CANCELLED)
            count = people_relying_on(agreement, today).count()
            for user in dpos_for(agreement):
                sent = work.notify(recipient=user, kind=AGREEMENT_LAPSED, target=agreement,
                                   params={"title": short_title(agreement), "count": count},
                                   occurrence=agreement.valid_until.isoformat())
                changed += sent is not None
    return changed
