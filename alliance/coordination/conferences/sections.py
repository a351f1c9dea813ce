"""What case conferences add to the person page: a side section (the next conference, the last
held, the open actions and the overdue ones; the case team's share) and the timeline entries
(people/sections.py, people/timeline.py)."""

import datetime

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import DataCategory
from alliance.people import timeline
from alliance.people.sections import PersonSection, register

from .selectors import conference_section

TIMELINE = {
    "conference_scheduled": _("Case conference scheduled for %(conference_on)s"),
    "conference_held": _("Case conference held on %(conference_on)s"),
    "conference_cancelled": _("Case conference of %(conference_on)s cancelled"),
}


def _conference_on(params: dict, cache: dict) -> str:
    value = params.get("conference_on") or ""
    try:
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except ValueError:
        return value or "—"


def register_sections() -> None:
    for kind, sentence in TIMELINE.items():
        timeline.register_kind(kind, sentence)
    timeline.register_param("conference_on", _conference_on)
    register(PersonSection(key="conferences",
                           template="coordination/conferences/sections/conferences.html",
                           context=conference_section, order=57, column="side",
                           compartment=DataCategory.CASE_TEAM))
