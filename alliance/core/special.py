"""Special categories of personal data (Directive 2016/680 art. 10; Convention 108+ art. 6):
data revealing religious or philosophical beliefs, political opinions, racial or ethnic origin,
and data concerning health. Processed only where strictly necessary, flagged and restricted.

This registry names every field that holds them, or may hold them, with the compartment
(core.compartments.DataCategory) whose holders alone may read it. Few fields hold a special
category by design (a code that says so); most are free texts in which a practitioner may
write one. The access rules that already guard each compartment are what restricts them —
tests/retention/test_special.py plants a value in each flagged field and checks that no
persona without the compartment receives it, on the pages or through the API. Pages and forms
that show a flagged field mark it (`{% special_marker %}`, core/templatetags/special.py);
docs/data-protection.md lists them for the DPO.

Only strings here: core imports no app. A test checks that each entry names a real field.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpecialCategory(models.TextChoices):
    RELIGION = "religion", _("religious or philosophical beliefs")
    POLITICAL = "political_opinion", _("political opinions")
    HEALTH = "health", _("health")
    ETHNICITY = "ethnicity", _("racial or ethnic origin")


R, P, H, E = (SpecialCategory.RELIGION, SpecialCategory.POLITICAL, SpecialCategory.HEALTH,
              SpecialCategory.ETHNICITY)
ALL = (R, P, H, E)


@dataclass(frozen=True)
class SpecialField:
    field: str  # "app_label.Model.field"
    categories: tuple[str, ...]
    compartment: str  # a core.compartments.DataCategory value (or "referral")
    explicit: bool = False  # holds it by design (a code says so), not only "may hold"
    why: str = ""

    @property
    def model(self) -> str:
        return self.field.rsplit(".", 1)[0]

    @property
    def name(self) -> str:
        return self.field.rsplit(".", 1)[1]


SPECIAL_FIELDS: tuple[SpecialField, ...] = (
    # identity: an offence may reveal a political or religious motive (terrorism-related)
    SpecialField("people.CustodyEpisode.offences", (R, P), "identity"),
    # screening and assessment: the instrument's items ask about ideology, beliefs, belonging
    # and mental health; their evidence and the assessor's reasoning may say any of these
    SpecialField("assessments.Screening.evidence", ALL, "treatment"),
    SpecialField("assessments.Screening.rationale", ALL, "treatment"),
    SpecialField("assessments.Screening.bias_answers", (R, E), "treatment", explicit=True,
                 why="The bias check asks whether religious practice or origin was mistaken "
                     "for a risk."),
    SpecialField("assessments.Assessment.formulation", ALL, "treatment"),
    SpecialField("assessments.Assessment.judgement_rationale", ALL, "treatment"),
    SpecialField("assessments.Assessment.consensus_note", ALL, "treatment"),
    SpecialField("assessments.Assessment.domain_judgements", ALL, "treatment"),
    SpecialField("assessments.ItemRating.evidence", ALL, "treatment"),
    SpecialField("assessments.AdditionalFactor.name", ALL, "treatment"),
    SpecialField("assessments.AdditionalFactor.evidence", ALL, "treatment"),
    # plans and engagement
    SpecialField("plans.Goal.need_area", (H,), "plan_progress", explicit=True,
                 why="The need areas include mental health and substance use."),
    SpecialField("plans.Goal.text", (R, P, H), "plan_progress"),
    SpecialField("plans.Plan.summary", (R, P, H), "plan_progress"),
    SpecialField("plans.Session.note", ALL, "treatment"),
    SpecialField("plans.Session.shared_summary", (R, P, H), "plan_progress"),
    SpecialField("plans.StageOfChange.rationale", ALL, "treatment"),
    SpecialField("plans.AllianceMeasure.note", (H,), "treatment"),
    SpecialField("plans.Offer.reason", (R, P), "plan_progress", explicit=True,
                 why="The code “ideological or religious objection”."),
    SpecialField("plans.Offer.reason_words", (R, P, H), "plan_progress"),
    # dynamic security: what was seen or heard may reveal beliefs, opinions, origin or health
    SpecialField("observations.Observation.category", (R, P), "security", explicit=True,
                 why="The category “ideological expression”."),
    SpecialField("observations.Observation.verbatim", ALL, "security"),
    SpecialField("observations.Observation.context", ALL, "security"),
    SpecialField("observations.Observation.opinion", ALL, "security"),
    SpecialField("observations.Addendum.text", ALL, "security"),
    SpecialField("observations.Analysis.text", ALL, "security"),
    SpecialField("observations.SharedSummary.summary", (R, P), "security_summary"),
    # release and support: the health and substance-use pathways, conditions of treatment
    SpecialField("release.PathwayEntry.needs", (H,), "release_support", explicit=True,
                 why="The pathways “health and mental health” and “substance use”."),
    SpecialField("release.SupportAction.description", (H,), "release_support"),
    SpecialField("release.SupervisionCondition.detail", (H,), "release_support"),
    # coordination: a referral to a health or religious service says why
    SpecialField("coordination.Referral.reason", (R, H), "referral"),
    SpecialField("coordination.CaseConference.summary", (R, P, H), "case_team"),
    SpecialField("coordination.SharedItem.description", (R, P, H), "case_team"),
)


def fields_of(model_label: str) -> dict[str, SpecialField]:
    """The flagged fields of a model ("observations.Observation"), by field name."""
    return {f.name: f for f in SPECIAL_FIELDS if f.model.lower() == model_label.lower()}


def special(field_path: str) -> SpecialField | None:
    """The entry for "app_label.Model.field", or None if the field is not flagged."""
    return next((f for f in SPECIAL_FIELDS if f.field.lower() == field_path.lower()), None)
