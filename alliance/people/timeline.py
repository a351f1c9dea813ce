"""Timeline entries: stored as a kind and parameters, rendered in the reader's language."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Classification, KeyDate, TimelineEvent

# kind -> sentence; other apps add theirs with `register_kind` from their apps.py. Parameters
# are rendered by the renderer registered for their name (`register_param`), else shown as kept.
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
    "responsibility_transferred": _("Responsibility passed from %(previous_agency)s to "
                                    "%(agency)s"),
    "retained_access_ended": _("%(agency)s no longer has read access"),
}

_LABELS = {
    "classification": dict(Classification.choices),
    "key_date": dict(KeyDate.choices),
}

# parameter name -> renderer(params, cache) -> text in the reader's language
_PARAMS = {
    "previous": lambda params, cache: _LABELS["classification"].get(params["previous"],
                                                                     params["previous"]) or "—",
    "new": lambda params, cache: _LABELS["classification"].get(params["new"], params["new"]),
    "key_date": lambda params, cache: _LABELS["key_date"].get(params["key_date"],
                                                              params["key_date"]),
}


def register_kind(kind: str, sentence) -> None:
    """A module's timeline entry: its kind and its (lazily translated) sentence."""
    KINDS[kind] = sentence


def register_param(name: str, renderer) -> None:
    """How a parameter is shown: `renderer(params, cache) -> str` (cache: one per page)."""
    _PARAMS[name] = renderer


def add(*, person, kind: str, compartment: str, actor=None, params=None, occurred_at=None):
    """Record a timeline entry (called by services, inside their transaction)."""
    if kind not in KINDS:  # an `if`, not an assert: python -O must not drop this guard
        raise ValueError(f"unknown timeline kind {kind!r}")
    return TimelineEvent.objects.create(
        person=person, kind=kind, compartment=compartment, actor=actor, params=params or {},
        occurred_at=occurred_at or timezone.now(),
    )


def render(event: TimelineEvent, cache: dict | None = None) -> str:
    cache = {} if cache is None else cache
    params = {}
    for key, value in event.params.items():
        renderer = _PARAMS.get(key)
        params[key] = (renderer(event.params, cache) or value) if renderer else value
    try:
        return str(KINDS[event.kind]) % params
    except (KeyError, TypeError, ValueError):
        return event.kind
