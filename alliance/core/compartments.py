"""Compartments: the parts of a person's record that are shared on a need-to-know basis.

Every piece of person-level data belongs to one compartment; access.py decides which
compartments a user holds for a given person. Later modules (observations, assessments,
sessions) tag their records with one of these and reuse the same decision.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Compartment(models.TextChoices):
    IDENTITY = "identity", _("Identity (names, date of birth, identifiers)")
    CASE_TEAM = "case_team", _("Case team (shared summaries)")
    TREATMENT = "treatment", _("Treatment")
    SECURITY = "security", _("Security")


class DataCategory(models.TextChoices):
    """What an information-sharing agreement lets an agency receive about the people of another
    (organisations.SharingAgreement). The first four are compartments; the summaries are parts
    of the case team's share, checked by the module that holds them:

      * assessment_summary: the judgement, dates and needs of final assessments (assessments);
      * plan_progress: plans, enrolments, sessions, motivation and the alliance (plans);
      * security_summary: the sanitised summaries the security sector shares (observations);
      * release_support: pre-release steps, the support plan, supervision, follow-ups (release).

    Inside the agency responsible for the person there is no boundary: its staff, and case-team
    members placed by it, hold every summary. Across it, a case-team member holds only what
    an agreement in force covers (people/access.py).
    """

    IDENTITY = "identity", _("Identity")
    CASE_TEAM = "case_team", _("Case team")
    ASSESSMENT_SUMMARY = "assessment_summary", _("Assessment summary")
    PLAN_PROGRESS = "plan_progress", _("Plan progress")
    SECURITY_SUMMARY = "security_summary", _("Security summary")
    RELEASE_SUPPORT = "release_support", _("Release and support plan")
    TREATMENT = "treatment", _("Treatment records")
    SECURITY = "security", _("Security records")


# The parts of the case team's share: holding CASE_TEAM across an agency boundary gives none
# of them by itself.
SUMMARY_CATEGORIES = frozenset({DataCategory.ASSESSMENT_SUMMARY, DataCategory.PLAN_PROGRESS,
                                DataCategory.SECURITY_SUMMARY, DataCategory.RELEASE_SUPPORT})
