"""What each retention category holds, its default period, and how its records are erased.

A category is a list of models reached from the person, in the order they are deleted: the
records that another one PROTECTs come first (an addendum before its observation, an offer
before its session), and a reference from a record kept elsewhere is cleared first (a plan
built on an assessment keeps the plan, without the link). Anonymising keeps the rows and their
coded fields (which the monitoring counts) and blanks every encrypted text.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet

from alliance.core.fields import EncryptedTextField

from .models import ClockStart, RetentionCategory


@dataclass(frozen=True)
class Part:
    model: str  # "app_label.Model"
    person: str  # the lookup from the model to the person ("person", "plan__person")
    # (model, field): nullable references onto this part, cleared before it is deleted
    clear: tuple[tuple[str, str], ...] = ()
    # False for a record without a creation date (a schedule): erased only with the whole
    # category, never by a period counted from each record's creation
    dated: bool = True

    def queryset(self, person) -> QuerySet:
        return apps.get_model(self.model).objects.filter(**{self.person: person})


@dataclass(frozen=True)
class Category:
    code: str
    parts: tuple[Part, ...]  # in delete order
    default_months: int
    default_from: str

    @property
    def roots(self) -> tuple[Part, ...]:
        """The parts with the person on the row itself: their creation dates start a
        record-creation clock, and their presence puts the category on the worklist."""
        return tuple(p for p in self.parts if p.person == "person" and p.dated)


CATEGORIES: dict[str, Category] = {c.code: c for c in [
    Category(RetentionCategory.IDENTITY, (), 120, ClockStart.LAST_RELEASE),
    Category(RetentionCategory.ASSESSMENTS, (
        Part("assessments.ItemRating", "assessment__person"),
        Part("assessments.AdditionalFactor", "assessment__person"),
        Part("assessments.AssessmentParticipant", "assessment__person"),
        Part("assessments.Assessment", "person",
             clear=(("assessments.Assessment", "corrects"), ("plans.Plan", "assessment"))),
        Part("assessments.Screening", "person"),
        Part("assessments.AssessmentDue", "person", dated=False),
    ), 60, ClockStart.LAST_RELEASE),
    Category(RetentionCategory.PLANS, (
        Part("plans.PlanReview", "plan__person"),
        Part("plans.Offer", "person"),
        Part("plans.AllianceMeasure", "person"),
        Part("plans.Session", "person", clear=(("plans.Offer", "session"),)),
        Part("plans.Enrolment", "person", clear=(("plans.AllianceMeasure", "enrolment"),)),
        Part("plans.StageOfChange", "person"),
        Part("plans.Step", "goal__plan__person"),
        Part("plans.Goal", "plan__person"),
        Part("plans.Plan", "person", clear=(("plans.Plan", "previous"),)),
    ), 60, ClockStart.LAST_RELEASE),
    Category(RetentionCategory.SECURITY, (
        Part("observations.Recipient", "summary__person"),
        Part("observations.SharedSummary", "person"),
        Part("observations.Addendum", "observation__person"),
        Part("observations.ObservationLink", "first__person"),
        Part("observations.ObservationLink", "second__person"),
        Part("observations.Observation", "person"),
        Part("observations.Analysis", "person",
             clear=(("observations.SharedSummary", "analysis"),)),
    ), 36, ClockStart.RECORD_CREATED),
    Category(RetentionCategory.RELEASE, (
        Part("release.Breach", "plan__person"),
        Part("release.SupervisionContact", "plan__person"),
        Part("release.SupervisionCondition", "plan__person",
             clear=(("release.Breach", "condition"),)),
        Part("release.SupportAction", "entry__plan__person"),
        Part("release.PathwayEntry", "plan__person"),
        Part("release.SupportPlan", "person"),
        Part("release.ReleaseStep", "person"),
        Part("release.FollowUp", "person"),
        Part("release.Handover", "person"),
    ), 36, ClockStart.CASE_CLOSED),
    Category(RetentionCategory.COORDINATION, (
        Part("coordination.DesiredResult", "referral__person"),
        Part("coordination.Referral", "person"),
        Part("coordination.ConferenceAction", "person"),
        Part("coordination.SharedItem", "conference__person"),
        Part("coordination.Decision", "conference__person"),
        Part("coordination.Attendee", "conference__person"),
        Part("coordination.CaseConference", "person"),
    ), 36, ClockStart.CASE_CLOSED),
]}


def encrypted_fields(model) -> list:
    """The encrypted columns of a model: what anonymising blanks."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def blank_value(field):
    if field.has_default():
        return field.get_default()
    if type(field).__name__ == "EncryptedJSONField":
        return {}
    return None if field.null else ""
