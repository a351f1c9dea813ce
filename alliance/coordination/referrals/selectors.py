"""Scoped reads of referrals: the two inboxes, the response-time figures and the person page's
section. Rows come only from the policy (`referrals.visible`); every list that shows people's
references notes the consultation for the response's one audit event."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from alliance.accounts.access import profile_for
from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.core.pagination import bounded_page
from alliance.organisations.models import Agency

from ..models import AWAITING, Referral, ReferralStatus
from .access import ReferralAction, referrals, responding_agency_ids, sending_agency_ids

CLOSED = (ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN)
WORKING = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)
RECENT_DAYS = 90
_RELATED = ("person", "from_agency", "to_agency", "worker")


def noted(user, rows, resource: str):
    if rows:
        audit.consulted(actor=user, action=AuditAction.LIST,
                        persons=list({r.person_id: r.person for r in rows}.values()),
                        details={"resource": resource, "count": len(rows)})
    return rows


def my_agency_ids(user) -> set[int]:
    return {g.agency_id for g in profile_for(user).grants}


SHOWN = 100


def inbox_received(user) -> dict:
    """"Referrals to us": waiting for an answer first (oldest answer date first), then those
    being worked on, then those closed in the last RECENT_DAYS days."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    # What is waiting is shown whole (each needs an answer); the rest, the latest SHOWN of each.
    rows = list(referrals.visible(user).filter(
        Q(to_agency_id__in=sorted(responding_agency_ids(user))) | Q(worker_id=user.pk))
        .exclude(status=ReferralStatus.DRAFT)
        .filter(~Q(status__in=CLOSED) | Q(updated_at__gte=since))
        .select_related(*_RELATED))
    noted(user, rows, "referrals_received")
    far = datetime.date.max
    waiting = sorted((r for r in rows if r.status in AWAITING),
                     key=lambda r: (r.respond_by or far, r.pk))
    working = sorted((r for r in rows if r.status in WORKING),
                     key=lambda r: (r.responded_at or r.created_at), reverse=True)
    closed = sorted((r for r in rows if r.status in CLOSED), key=lambda r: r.updated_at,
                    reverse=True)
    return {"waiting": waiting, "working": working[:SHOWN], "working_count": len(working),
            "closed": closed[:SHOWN], "closed_count": len(closed), "shown": SHOWN,
            "today": timezone.localdate()}


SENT_PER_PAGE = 50


def inbox_sent(user, page_number=None):
    """"Referrals we sent": the referrals from the user's agencies that they see, drafts
    included, newest first, SENT_PER_PAGE a page (a prison refers many people over the years)."""
    rows = (referrals.visible(user).filter(from_agency_id__in=sorted(my_agency_ids(user)))
            .select_related(*_RELATED).order_by("-created_at", "-id"))
    page = bounded_page(rows, page_number, SENT_PER_PAGE)
    noted(user, list(page), "referrals_sent")
    return page


@dataclass
class Figures:
    agency: Agency
    sent: int = 0
    answered: int = 0
    within_target: int = 0
    waiting_past_target: int = 0
    median_days: float | None = None

    @property
    def within_target_percent(self) -> int | None:
        return round(100 * self.within_target / self.answered) if self.answered else None


def _figures(rows, agencies: dict[int, Agency], today: datetime.date) -> list[Figures]:
    by_agency: dict[int, Figures] = {}
    days: dict[int, list[int]] = {}
    for to_agency_id, status, sent_at, responded_at, respond_by in rows:
        figures = by_agency.setdefault(to_agency_id, Figures(agencies[to_agency_id]))
        figures.sent += 1
        if responded_at is not None:
            figures.answered += 1
            answered_on = timezone.localtime(responded_at).date()
            days.setdefault(to_agency_id, []).append(
                (answered_on - timezone.localtime(sent_at).date()).days)
            if respond_by is None or answered_on <= respond_by:
                figures.within_target += 1
        elif status == ReferralStatus.SENT and respond_by and respond_by < today:
            figures.waiting_past_target += 1
    for agency_id, figures in by_agency.items():
        if days.get(agency_id):
            figures.median_days = statistics.median(days[agency_id])
    return sorted(by_agency.values(), key=lambda f: f.agency.name)


def response_figures(user) -> dict:
    """Per receiving agency, counts only (no person): the referrals the user's agencies sent,
    and those they received. Answered = accepted or declined (withdrawn before an answer is
    not counted as answered)."""
    mine = sorted(my_agency_ids(user))
    fields = ("to_agency_id", "status", "sent_at", "responded_at", "respond_by")
    sent = Referral.objects.filter(from_agency_id__in=mine, sent_at__isnull=False)
    received = Referral.objects.filter(to_agency_id__in=mine, sent_at__isnull=False)
    sent_rows, received_rows = list(sent.values_list(*fields)), list(received.values_list(*fields))
    ids = {r[0] for r in sent_rows} | {r[0] for r in received_rows}
    agencies = Agency.objects.in_bulk(sorted(ids))
    today = timezone.localdate()
    return {"sent": _figures(sent_rows, agencies, today),
            "received": _figures(received_rows, agencies, today)}


def referrals_section(user, person, grant) -> dict:
    """The person page's section: the person's referrals the reader sees, and whether they may
    refer. A constant number of queries."""
    rows = list(referrals.for_person(user, person).select_related(
        "from_agency", "to_agency").order_by("-created_at", "-id"))
    return {"referrals": rows, "can_refer": bool(sending_agency_ids(user, person)),
            "today": timezone.localdate(), "view": ReferralAction.VIEW}
