"""What the services share: the jurisdiction's settings, text and permission checks, the
locked observation and its status machine."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.people.access import person_grant

from .. import grading
from ..access import (
    observations,
)
from ..models import (
    ALLOWED_TRANSITIONS,
    MAX_TEXT,
    Indicator,
    Observation,
    ObservationSettings,
    ObservationStatus,
)

FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
OLDEST = datetime.timedelta(days=366)
GRADING_FIELDS = {"source_reliability": "source", "information_assessment": "information",
                  "handling_code": "handling"}
GRADING_MISSING = {
    "source_reliability": gettext_lazy("Grade how reliable the source is."),
    "information_assessment": gettext_lazy("Grade how far the information can be trusted."),
    "handling_code": gettext_lazy("Choose a handling code: it decides who may ever read a "
                                  "summary of it."),
}


def settings_for(jurisdiction) -> ObservationSettings:
    """The jurisdiction's dynamic-security settings (the defaults, the first time)."""
    found, _created = ObservationSettings.objects.get_or_create(jurisdiction=jurisdiction)
    return found


def scheme_for(person) -> grading.Scheme:
    return grading.scheme(settings_for(person.jurisdiction).grading_scheme)


def indicators_for(jurisdiction):
    """The escalation indicators in use in a jurisdiction: the regional ones and its own."""
    return Indicator.objects.filter(
        Q(jurisdiction__isnull=True) | Q(jurisdiction=jurisdiction), is_active=True
    ).order_by("order", "name")


def _text(value, field: str, errors: dict, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > MAX_TEXT:
        errors[field] = _("Keep this under %(max)d characters.") % {"max": MAX_TEXT}
    return value


def _refuse_unless(grant, action: str, message: str) -> None:
    if not grant.can(action):
        raise PermissionDenied(message)


def _observation_grant(actor, observation):
    return observations.grant_on_person(actor, observation,
                                        person_grant(actor, observation.person))


def _moves_to(observation, status: str) -> bool:
    """Whether the status machine lets `observation` move to `status` (ALLOWED_TRANSITIONS)."""
    return status in ALLOWED_TRANSITIONS[ObservationStatus(observation.status)]


def _locked(observation) -> Observation:
    return (Observation.objects.select_for_update(of=("self",))
            .select_related("person__jurisdiction", "person__responsible_agency", "recorded_by")
            .get(pk=observation.pk))


NOT_YOURS = gettext_lazy("You may not work with this observation.")


def _locked_for(actor, observation):
    """The observation, locked, and the actor's grant on it. Someone with no grant at all is
    refused before anything about its state, date or version is said."""
    observation = _locked(observation)
    grant = _observation_grant(actor, observation)
    if not grant.actions:
        raise PermissionDenied(NOT_YOURS)
    return observation, grant


