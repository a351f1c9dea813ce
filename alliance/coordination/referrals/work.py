"""What referrals put in people's work (alliance.work): one task, notifications and a daily
function. Registered from apps.py; the event functions are called by the services inside their
transaction. Parameters are the person's reference and dates only, never the referral's text.

* referral_respond (task): the receiving agency's first responding role that has someone in it
  (access.RESPONDING_ROLES; the work app keeps one open task of a kind per source, so one task
  for the agency, which any holder of that role may do), due on `respond_by`. It carries no
  person: the receiving side does not see the person's record before it accepts. Closed when
  the referral is accepted or declined (done) or withdrawn (cancelled).
* referral_received (notification): every holder of a responding role in the receiving agency.
* referral_accepted, referral_declined, referral_completed (notification): the sender.
* referral_withdrawn (notification): the receiving side (the worker, or the responding roles).
* referral_overdue (notification): the sender, once per answer date, when no answer came by it
  (the daily function "coordination.referrals").
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliance.work import registry
from alliance.work import services as work
from alliance.work.models import TaskStatus

from ..models import Referral, ReferralStatus
from .access import responding_roles

REFERRAL_RESPOND = "referral_respond"
REFERRAL_RECEIVED = "referral_received"
REFERRAL_ACCEPTED = "referral_accepted"
REFERRAL_DECLINED = "referral_declined"
REFERRAL_COMPLETED = "referral_completed"
REFERRAL_WITHDRAWN = "referral_withdrawn"
REFERRAL_OVERDUE = "referral_overdue"


def _referral_page(obj) -> str:
    return reverse("coordination:referral_detail",
                   args=[getattr(obj, "source_uuid", None) or obj.target_uuid])


def register() -> None:
    registry.register_task_kind(
        REFERRAL_RESPOND, label=_("Answer the referral of %(reference)s by %(due_on)s"),
        params=("reference", "due_on"), url=_referral_page)
    registry.register_notification_kind(
        REFERRAL_RECEIVED, label=_("A referral of %(reference)s was sent to your agency: "
                                   "answer by %(due_on)s."),
        params=("reference", "due_on"), url=_referral_page)
    registry.register_notification_kind(
        REFERRAL_ACCEPTED, label=_("Your referral of %(reference)s was accepted."),
        url=_referral_page)
    registry.register_notification_kind(
        REFERRAL_DECLINED, label=_("Your referral of %(reference)s was declined."),
        url=_referral_page)
    registry.register_notification_kind(
        REFERRAL_COMPLETED, label=_("The work on your referral of %(reference)s is complete."),
        url=_referral_page)
    registry.register_notification_kind(
        REFERRAL_WITHDRAWN, label=_("The referral of %(reference)s was withdrawn."),
        url=_referral_page)
    registry.register_notification_kind(
        REFERRAL_OVERDUE, label=_("Your referral of %(reference)s has had no answer since "
                                  "%(due_on)s."),
        params=("reference", "due_on"), url=_referral_page)
    registry.register_daily("coordination.referrals", daily_overdue)


def _params(referral, with_date: bool = False) -> dict:
    params = {"reference": referral.person.reference}
    if with_date:
        params["due_on"] = referral.respond_by
    return params


def responding_role(agency) -> str:
    """The role the receiving agency's task goes to: the first responding role someone holds
    there (else the first, so that whoever is given it later sees the task)."""
    roles = responding_roles(agency)
    for role in roles:
        if work.role_holders(agency, role):
            return role
    return roles[0]


def _tell_receivers(referral, kind: str, actor, params: dict) -> None:
    for role in responding_roles(referral.to_agency):
        work.notify_role(agency=referral.to_agency, role=role, kind=kind, target=referral,
                         params=params, actor=actor, exclude=[actor])


def _tell_sender(referral, kind: str, actor, params=None, occurrence: str = ""):
    sender = referral.sent_by or referral.created_by
    if sender is not None and sender.pk != getattr(actor, "pk", None):
        return work.notify(recipient=sender, kind=kind, person=referral.person, target=referral,
                    params=params or _params(referral), actor=actor, occurrence=occurrence)


def on_sent(referral, actor) -> None:
    work.task_ensure(kind=REFERRAL_RESPOND, source=referral, due_on=referral.respond_by,
                     agency=referral.to_agency, role=responding_role(referral.to_agency),
                     params=_params(referral, with_date=True), created_by=actor)
    _tell_receivers(referral, REFERRAL_RECEIVED, actor, _params(referral, with_date=True))


def on_answered(referral, actor, *, accepted: bool) -> None:
    work.task_close(source=referral, kind=REFERRAL_RESPOND, actor=actor)
    _tell_sender(referral, REFERRAL_ACCEPTED if accepted else REFERRAL_DECLINED, actor)


def on_completed(referral, actor) -> None:
    _tell_sender(referral, REFERRAL_COMPLETED, actor)


def on_withdrawn(referral, actor, *, was_sent: bool) -> None:
    work.task_close(source=referral, kind=REFERRAL_RESPOND, status=TaskStatus.CANCELLED,
                    actor=actor)
    if not was_sent:
        return
    if referral.worker is not None:
        work.notify(recipient=referral.worker, kind=REFERRAL_WITHDRAWN, target=referral,
                    params=_params(referral), actor=actor)
    else:
        _tell_receivers(referral, REFERRAL_WITHDRAWN, actor, _params(referral))


def daily_overdue(today: datetime.date) -> int:
    """Tell the sender of each referral still waiting for an answer after its date, once per
    date (idempotent: the notification's occurrence)."""
    sent = 0
    for referral in Referral.objects.filter(
            status=ReferralStatus.SENT, respond_by__lt=today).select_related(
            "person", "sent_by", "created_by"):
        sent += _tell_sender(referral, REFERRAL_OVERDUE, None, _params(referral, with_date=True),
                             occurrence=f"overdue:{referral.respond_by.isoformat()}") is not None
    return sent
