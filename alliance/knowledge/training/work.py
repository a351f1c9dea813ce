"""What training puts in people's work (alliance.work): two tasks, a notification and a daily
function. Registered from the knowledge app's ready(); the event functions are called by the
services inside their transaction. Parameters are an instrument code and dates only.

* certification_renew (task): the certified user, for their current certification of an
  instrument that expires within RENEW_DAYS days (the daily function "knowledge.training"),
  due on its expiry. Closed (done) when a later session renews it; cancelled when it is
  revoked.
* certification_booster (task): the certified user, when the booster of their current
  certification is due within BOOSTER_DAYS days, due on that date. Closed (done) when a booster
  session moves the date on, or a certification course renews it; cancelled when it is revoked
  or expires first.
* training_results (notification): each attendee, when the results of their session are
  recorded; it leads to "My training" (an attendee does not see the session itself).
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliance.assessments.models import Certification
from alliance.work import registry
from alliance.work import services as work
from alliance.work.models import Task, TaskStatus

from .selectors import current_certifications

CERTIFICATION_RENEW = "certification_renew"
CERTIFICATION_BOOSTER = "certification_booster"
TRAINING_RESULTS = "training_results"
RENEW_DAYS = 60
BOOSTER_DAYS = 30
KINDS = (CERTIFICATION_RENEW, CERTIFICATION_BOOSTER)
CERTIFICATION_TYPE = "assessments.certification"


def _my_training(obj) -> str:
    return reverse("training:mine")


def register() -> None:
    """Register the kinds and the daily function."""
    registry.register_task_kind(
        CERTIFICATION_RENEW, label=_("Renew your certification for %(instrument)s: it expires "
                                     "on %(expires_on)s"),
        params=("instrument", "expires_on"), url=_my_training)
    registry.register_task_kind(
        CERTIFICATION_BOOSTER, label=_("Book a booster for %(instrument)s by %(due_on)s"),
        params=("instrument", "due_on"), url=_my_training)
    registry.register_notification_kind(
        TRAINING_RESULTS, label=_("Your result of the training session of %(starts_on)s is "
                                  "recorded."),
        params=("starts_on",), url=_my_training)
    registry.register_daily("knowledge.training", daily_due)


def _instrument(certification) -> str:
    return certification.instrument_code[:registry.MAX_PARAM_LENGTH]


# --- events --------------------------------------------------------------------------------------

def on_renewed(previous: Certification, actor) -> None:
    """A later certification renews `previous`: what was due for it is done."""
    work.task_close(source=previous, actor=actor)


def on_boosted(certification: Certification, actor) -> None:
    work.task_close(source=certification, kind=CERTIFICATION_BOOSTER, actor=actor)


def on_results(session, attendance, actor) -> None:
    work.notify(recipient=attendance.user, kind=TRAINING_RESULTS, target=session,
                params={"starts_on": session.starts_on}, actor=actor)


# --- the daily function --------------------------------------------------------------------------

def daily_due(today: datetime.date) -> int:
    """Ensure the tasks of what is due (idempotent: task_ensure changes nothing the second
    time), and close those no longer due. Returns how many tasks were opened or closed."""
    renew_by = today + datetime.timedelta(days=RENEW_DAYS)
    booster_by = today + datetime.timedelta(days=BOOSTER_DAYS)
    before = _open_tasks().count()
    wanted: set[tuple] = set()
    due = current_certifications().filter(user__is_active=True).filter(
        Q(expires_on__gte=today, expires_on__lte=renew_by)
        | Q(expires_on__gte=today, booster_due_on__lte=booster_by)).select_related("user")
    for c in due:
        if c.expires_on <= renew_by:
            work.task_ensure(kind=CERTIFICATION_RENEW, source=c, due_on=c.expires_on,
                             assignee=c.user, params={"instrument": _instrument(c),
                                                      "expires_on": c.expires_on})
            wanted.add((CERTIFICATION_RENEW, c.uuid))
        if c.booster_due_on and c.booster_due_on <= booster_by:
            work.task_ensure(kind=CERTIFICATION_BOOSTER, source=c, due_on=c.booster_due_on,
                             assignee=c.user, params={"instrument": _instrument(c),
                                                      "due_on": c.booster_due_on})
            wanted.add((CERTIFICATION_BOOSTER, c.uuid))
    closed = _close_stale(today, wanted)
    opened = _open_tasks().count() - before + closed
    return opened + closed


def _open_tasks():
    return Task.objects.filter(kind__in=KINDS, status=TaskStatus.OPEN,
                               source_type=CERTIFICATION_TYPE)


def _close_stale(today: datetime.date, wanted: set) -> int:
    """Close the open tasks whose certification needs nothing any more: renewed, or its expiry
    or booster date moved on by other means (done); revoked, or a booster of one that expired
    (cancelled). A renewal task whose certification has expired stays open until renewed."""
    tasks = [t for t in _open_tasks() if (t.kind, t.source_uuid) not in wanted]
    uuids = sorted({t.source_uuid for t in tasks})
    certifications = {c.uuid: c for c in Certification.objects.filter(uuid__in=uuids)}
    current = set(current_certifications().filter(uuid__in=uuids).values_list("uuid",
                                                                              flat=True))
    closed = 0
    for task in tasks:
        c = certifications.get(task.source_uuid)
        if c is None:
            continue
        if c.revoked:
            status = TaskStatus.CANCELLED
        elif c.uuid not in current:
            status = TaskStatus.DONE  # renewed by a later one
        elif task.kind == CERTIFICATION_RENEW:
            if c.expires_on < today:
                continue  # expired and not renewed: still to do
            status = TaskStatus.DONE
        else:
            status = TaskStatus.CANCELLED if c.expires_on < today else TaskStatus.DONE
        closed += len(work.task_close(source=c, kind=task.kind, status=status))
    return closed
