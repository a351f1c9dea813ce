"""What the release module adds to the person page: the release section (readiness, the
steps, the handover, the support plan, follow-ups; the case team's share); and its timeline
entries (people/sections.py, people/timeline.py)."""

import datetime

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import DataCategory
from alliance.people import timeline
from alliance.people.sections import PersonSection, register

from .models import BreachResponse, StepTemplate
from .selectors import release_section

TIMELINE = {
    "release_steps_created": _("Pre-release programme started: %(count)s steps for a release "
                               "on %(release_on)s"),
    "release_steps_moved": _("Expected release moved from %(previous_on)s to %(release_on)s: "
                             "%(count)s pre-release steps moved with it"),
    "release_step_done": _("Pre-release step done: %(step)s"),
    "release_step_not_applicable": _("Pre-release step marked not applicable: %(step)s"),
    "release_step_reopened": _("Pre-release step reopened: %(step)s"),
    "release_step_reassigned": _("Pre-release step given to another agency: %(step)s"),
    "support_plan_started": _("Post-release support plan started"),
    "support_plan_updated": _("Post-release support plan updated"),
    "supervision_condition_added": _("Supervision condition added: %(condition)s"),
    "breach_recorded": _("Breach of supervision recorded: %(response)s"),
    "recalled": _("Recalled to custody after a breach of supervision"),
    "handover_sent": _("Handover sent to %(agency)s"),
    "handover_acknowledged": _("Handover acknowledged by %(agency)s"),
    "handover_withdrawn": _("Handover to %(agency)s withdrawn"),
    "released": _("Released: %(release_type)s"),
    "follow_ups_scheduled": _("%(count)s follow-up contacts scheduled after release"),
    "follow_up_recorded": _("Follow-up %(offset)s recorded"),
    "follow_up_missed": _("Follow-up %(offset)s missed"),
}


def _date(name):
    def render(params: dict, cache: dict) -> str:
        value = params.get(name) or ""
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value or "—"
    return render


def _step(params: dict, cache: dict) -> str:
    names = cache.get("release_step_names")
    if names is None:
        names = cache["release_step_names"] = {}
        for template in StepTemplate.objects.order_by("-jurisdiction_id"):
            names.setdefault(template.code, template.display_name())
    code = params.get("step", "")
    return names.get(code, code)


def _choice(choices):
    labels = dict(choices)
    return lambda name: lambda params, cache: str(labels.get(params.get(name), params.get(name)))


def register_sections() -> None:
    from alliance.people.models import ReleaseType

    from . import dates
    from .models import ConditionKind

    for kind, sentence in TIMELINE.items():
        timeline.register_kind(kind, sentence)
    timeline.register_param("release_on", _date("release_on"))
    timeline.register_param("previous_on", _date("previous_on"))
    timeline.register_param("step", _step)
    timeline.register_param("response", _choice(BreachResponse.choices)("response"))
    timeline.register_param("condition", _choice(ConditionKind.choices)("condition"))
    timeline.register_param("release_type", _choice(ReleaseType.choices)("release_type"))
    timeline.register_param("offset", lambda params, cache: dates.offset_label(
        params.get("offset", "")))
    register(PersonSection(key="release", template="release/sections/release.html",
                           context=release_section, order=55,
                           compartment=DataCategory.RELEASE_SUPPORT))
