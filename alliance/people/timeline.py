"""Timeline entries: stored as a kind and parameters, rendered in the reader's language."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Classification, KeyDate, TimelineEvent

# kind -> sentence; parameters named *_label are translated choice labels looked up below.
KINDS = {
    "person_registered": _("Person registered with reference %(reference)s"),
    "details_updated": _("Personal details updated"),
    "classification_changed": _("Classification changed from %(previous)s to %(new)s"),
    "custody_started": _("Admitted to %(facility)s"),
    "custody_updated": _("Custody episode at %(facility)s updated"),
    "custody_ended": _("Custody at %(facility)s ended"),
    "key_date_overridden": _("%(key_date)s set manually to %(value)s"),
    "key_date_override_removed": _("Manual %(key_date)s removed; computed date %(value)s applies"),
    "key_dates_recalculated": _("Key dates recalculated from the sentence"),
    "case_opened": _("Case opened"),
    "case_closed": _("Case closed"),
    "case_manager_changed": _("Case manager is now %(name)s"),
    "team_member_added": _("%(name)s (%(agency)s) joined the case team"),
    "team_member_removed": _("%(name)s (%(agency)s) left the case team"),
    "management_level_changed": _("Management level set to %(level)s"),
    "screening_recorded": _("Screening recorded: %(outcome)s"),
    "assessment_countersigned": _("Risk and needs assessment countersigned: %(judgement)s"),
}

_LABELS = {
    "classification": dict(Classification.choices),
    "key_date": dict(KeyDate.choices),
}


def add(*, person, kind: str, compartment: str, actor=None, params=None, occurred_at=None):
    """Record a timeline entry (called by services, inside their transaction)."""
    assert kind in KINDS, f"unknown timeline kind {kind!r}"
    return TimelineEvent.objects.create(
        person=person, kind=kind, compartment=compartment, actor=actor, params=params or {},
        occurred_at=occurred_at or timezone.now(),
    )


def _instrument_label(params: dict, key: str, cache: dict) -> str:
    """An outcome or judgement in the reader's language, from the instrument that produced it
    (one query per instrument per page, whatever the number of entries)."""
    from django.utils.translation import get_language

    from alliance.assessments.models import InstrumentVersion

    code = params.get("instrument")
    if code not in cache:
        cache[code] = (InstrumentVersion.objects.filter(instrument__code=code)
                       .order_by("-created_at").first())
    version = cache[code]
    if version is None:
        return ""
    definition = version.parsed
    choice = definition.outcomes if key == "outcome" else definition.overall_judgement
    option = choice.option(params.get(f"{key}_code", "")) if choice else None
    return option.label.get(get_language() or "en") if option else ""


def render(event: TimelineEvent, cache: dict | None = None) -> str:
    params = {}
    for key, value in event.params.items():
        if key in ("previous", "new"):
            value = _LABELS["classification"].get(value, value) or "—"
        elif key == "key_date":
            value = _LABELS["key_date"].get(value, value)
        elif key in ("outcome", "judgement"):
            value = _instrument_label(event.params, key, {} if cache is None else cache) or value
        elif key == "level":
            from alliance.cases.models import ManagementLevel

            value = dict(ManagementLevel.choices).get(value, value)
        params[key] = value
    try:
        return str(KINDS[event.kind]) % params
    except (KeyError, TypeError, ValueError):
        return event.kind
