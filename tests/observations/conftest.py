import datetime

import pytest
from django.utils import timezone

from alliance.observations import services
from alliance.observations.models import Indicator


def observe(w, actor=None, *, indicators=(), category="behaviour", verbatim="Said X.",
            handling="1", **extra):
    """An observation of person A by `actor` (security A by default), graded 5×5×5."""
    return services.observation_record(
        actor=actor or w.security_a, person=w.person_a,
        observed_at=timezone.now() - datetime.timedelta(hours=1), category=category,
        verbatim=verbatim, source_reliability="B", information_assessment="2",
        handling_code=handling, indicators=indicators, **extra)


def indicator(code="threatens"):
    return Indicator.objects.get(jurisdiction__isnull=True, code=code)


def reviewed(w, observation, actor=None):
    return services.observation_review(actor=actor or w.analyst_a, observation=observation,
                                       expected_version=observation.version)


@pytest.fixture
def observed(world):
    """Person A with one reviewed observation (by security A, read by analyst A)."""
    w = world
    w.observation = reviewed(w, observe(w))
    return w
