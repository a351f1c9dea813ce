"""What dynamic security adds to the person page: the security section (security compartment:
counts and the way in to the security record) and the summaries shared with the reader (case
team's share); and its timeline entries (people/sections.py, people/timeline.py)."""

from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import Compartment, DataCategory
from alliance.people import timeline
from alliance.people.sections import PersonSection, register

from .models import Category
from .selectors import security_section, shared_section

TIMELINE = {
    "observation_recorded": _("Observation recorded: %(category)s"),
    "observation_escalated": _("Observation with escalation indicators: %(category)s"),
    # The case team's share: the fact that staff saw positive engagement, never the entry.
    "positive_engagement": _("Positive engagement observed by staff"),
    "summary_shared": _("Security summary shared with %(count)s recipients"),
}


def _category(params: dict, cache: dict) -> str:
    code = params.get("category", "")
    return str(Category(code).label) if code in Category.values else code


def register_sections() -> None:
    for kind, sentence in TIMELINE.items():
        timeline.register_kind(kind, sentence)
    timeline.register_param("category", _category)
    register(PersonSection(key="security", template="observations/sections/security.html",
                           context=security_section, order=70,
                           compartment=Compartment.SECURITY))
    register(PersonSection(key="shared_summaries",
                           template="observations/sections/shared.html",
                           context=shared_section, order=65,
                           compartment=DataCategory.SECURITY_SUMMARY))
