"""What the assessments module adds to the person page: its section and its timeline entries
(people/sections.py, people/timeline.py)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alliance.core.i18n import current_language
from alliance.people import timeline
from alliance.people.sections import PersonSection, register

from .models import InstrumentVersion
from .selectors import person_section


def _instrument_label(params: dict, key: str, cache: dict) -> str:
    """An outcome or judgement in the reader's language, from the instrument that produced it
    (one query per instrument per page, whatever the number of entries)."""
    code = params.get("instrument")
    if code not in cache:
        cache[code] = (InstrumentVersion.objects.filter(instrument__code=code)
                       .order_by("-created_at").first())
    version = cache[code]
    if version is None:
        return ""
    definition = version.parsed
    choice = definition.outcomes if key == "outcome" else definition.overall_judgement
    if key == "judgement" and choice is not None and choice.formulation_only:
        return gettext("a formulation, with no summary level")
    option = choice.option(params.get(f"{key}_code", "")) if choice else None
    return option.label.get(current_language()) if option else ""


TIMELINE = {
    "screening_recorded": _("Screening recorded: %(outcome)s"),
    # Risk and needs instruments and checklists alike (services.ASSESSED_KINDS).
    "assessment_countersigned": _("Assessment countersigned: %(judgement)s"),
}


def register_sections() -> None:
    for kind, sentence in TIMELINE.items():
        timeline.register_kind(kind, sentence)
    register(PersonSection(key="assessments", template="assessments/_person_panel.html",
                           context=person_section, order=20, column="side",
                           actions_template="assessments/_person_actions.html"))
    for key in ("outcome", "judgement"):
        timeline.register_param(key, lambda params, cache, key=key:
                                _instrument_label(params, key, cache))
