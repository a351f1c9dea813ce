"""Writing the history: unsaved rows by model, written in the order of their foreign keys with
the dates they were made; and the dates the history is built of."""

import datetime
from collections import Counter
from contextlib import contextmanager

from django.apps import apps
from django.utils import timezone

from alliance.assessments.models import (
    Assessment,
    AssessmentDue,
    AssessmentParticipant,
    ItemRating,
    Screening,
)
from alliance.cases.models import Case, CaseTeamMember, ManagementLevelChange
from alliance.coordination.models import DesiredResult, Referral
from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.people.models import (
    ClassificationChange,
    CustodyEpisode,
    Disclosure,
    KeyDateOverride,
    Person,
    PersonSearchToken,
    RetainedAccess,
    TimelineEvent,
)
from alliance.people.services import search_tokens_for
from alliance.plans.models import AllianceMeasure, Enrolment, Goal, Offer, Plan, Session, Step
from alliance.release.models import FollowUp, PathwayEntry, ReleaseStep, SupportPlan

# --- the rows -----------------------------------------------------------------------------------

class Rows:
    """Unsaved rows by model, written in the order of their foreign keys."""

    ORDER = [Person, PersonSearchToken, CustodyEpisode, Case, ClassificationChange,
             KeyDateOverride, ManagementLevelChange, RetainedAccess, Screening, Assessment,
             AssessmentParticipant, ItemRating, AssessmentDue, Plan, Goal, Step, Enrolment,
             Session, Offer, AllianceMeasure, ReleaseStep, SupportPlan, PathwayEntry, FollowUp,
             CaseTeamMember, Referral, DesiredResult, Disclosure, TimelineEvent]

    def __init__(self):
        self.rows = {model: [] for model in self.ORDER}
        self.events = []  # (actor, object, agency) of an audit event

    def add(self, obj):
        self.rows[type(obj)].append(obj)
        return obj

    def write(self, now) -> Counter:
        counts = Counter()
        with own_timestamps():
            for model, objs in self.rows.items():
                if model is Person:
                    for person in objs:
                        person.created_at = person.created_at or now
                        person.updated_at = person.updated_at or now
                    model.objects.bulk_create(objs, batch_size=1000)
                    self.rows[PersonSearchToken] = [t for p in objs for t in search_tokens_for(p)]
                    continue
                for obj in objs:
                    if hasattr(obj, "created_at") and obj.created_at is None:
                        obj.created_at = now
                    if hasattr(obj, "updated_at") and obj.updated_at is None:
                        obj.updated_at = getattr(obj, "created_at", None) or now
                model.objects.bulk_create(objs, batch_size=1000)
                counts[model.__name__] += len(objs)
        counts["Person"] = len(self.rows[Person])
        audit.append([audit.build(actor=actor, action=AuditAction.CREATE, obj=obj,
                                  agency=agency, details={"source": "seed_demo",
                                                          "history": "monitoring"})
                      for actor, obj, agency in self.events], bulk=True)
        return counts


@contextmanager
def own_timestamps():
    """Let bulk_create keep the dates given to created_at and updated_at (the history's
    records were made when they happened, not now)."""
    changed = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def plus_days(day: datetime.date, n: int) -> datetime.date:
    return day + datetime.timedelta(days=n)
