"""What the plans module adds to the person page: the plan, engagement (enrolments, sessions,
offers and refusals, stage of change) and, for the treatment compartment, the working alliance;
and its timeline entries (people/sections.py, people/timeline.py)."""

from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import Compartment, DataCategory
from alliance.people import timeline
from alliance.people.sections import PersonSection, register

from .models import Stage
from .selectors import alliance_section, engagement_section, plan_section

TIMELINE = {
    "plan_countersigned": _("Plan version %(number)s countersigned"),
    "plan_reviewed": _("Plan version %(number)s reviewed"),
    "enrolment_started": _("Enrolled in %(intervention)s"),
    "enrolment_completed": _("Completed %(intervention)s"),
    "enrolment_ended": _("Left %(intervention)s before the end"),
    "session_concern": _("A session of %(intervention)s raised a concern"),
    "refusal_pattern": _("Refused %(count)s times in %(days)s days"),
    "stage_of_change": _("Stage of change: %(stage)s"),
}


def _stage(params: dict, cache: dict) -> str:
    code = params.get("stage", "")
    return str(Stage(code).label) if code in Stage.values else code


def register_sections() -> None:
    for kind, sentence in TIMELINE.items():
        timeline.register_kind(kind, sentence)
    timeline.register_param("stage", _stage)
    register(PersonSection(key="plan", template="plans/sections/plan.html",
                           context=plan_section, order=40,
                           compartment=DataCategory.PLAN_PROGRESS))
    register(PersonSection(key="engagement", template="plans/sections/engagement.html",
                           context=engagement_section, order=50,
                           compartment=DataCategory.PLAN_PROGRESS))
    register(PersonSection(key="alliance", template="plans/sections/alliance.html",
                           context=alliance_section, order=60,
                           compartment=Compartment.TREATMENT))
