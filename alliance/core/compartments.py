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
