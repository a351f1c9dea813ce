"""The case's section of the person page (people/sections.py)."""

from django.utils.translation import gettext_lazy as _

from alliance.people import timeline
from alliance.people.sections import PersonSection, register

from .models import ManagementLevel
from .selectors import open_case

TIMELINE = {
    "case_opened": _("Case opened"),
    "case_closed": _("Case closed"),
    "case_manager_changed": _("Case manager is now %(name)s"),
    "team_member_added": _("%(name)s (%(agency)s) joined the case team"),
    "team_member_removed": _("%(name)s (%(agency)s) left the case team"),
    "management_level_changed": _("Management level set to %(level)s"),
}


def case_section(user, person, grant) -> dict:
    """The open case, its team and level history (three queries, whatever their size)."""
    case = open_case(person)
    members = list(case.team.all()) if case else []
    return {"case": case, "team": [m for m in members if m.ended_at is None],
            "past_team": [m for m in members if m.ended_at],
            "level_history": list(case.level_history.all()) if case else []}


def register_sections() -> None:
    for kind, sentence in TIMELINE.items():
        timeline.register_kind(kind, sentence)
    levels = dict(ManagementLevel.choices)
    timeline.register_param("level", lambda params, cache: levels.get(params["level"], ""))
    register(PersonSection(key="case", template="cases/section.html", context=case_section,
                           order=10, column="side"))


