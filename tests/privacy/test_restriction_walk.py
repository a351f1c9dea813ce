"""The canary walk's way, for restriction: with person A's record restricted, every address
that takes one of A's records is POSTed by every practitioner who may otherwise write there, and
nothing is written: each answer is a refusal, and no row of A's data changes."""

import itertools
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from alliance.people import restriction

from ..conftest import login
from ..observations import builders as security
from .helpers import restrict

pytestmark = pytest.mark.django_db

WRITERS = ["manager_a", "treatment_a", "security_a", "analyst_a", "probation_officer"]
# Answers that write nothing: refused, not found, not a POST address, or sent to confirm the
# password first (the re-authentication gate comes before the view).
REFUSALS = {403, 404, 405}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern), p.pattern.converters


def _urls(values) -> list[str]:
    result = []
    for name, route, converters in _patterns():
        if not converters or set(converters) - set(values) or name.startswith("privacy:"):
            continue
        keys = list(converters)
        for combo in itertools.product(*(values[k] for k in keys)):
            url = "/" + route
            for key, value in zip(keys, combo, strict=True):
                url = re.sub(r"<(\w+:)?" + key + ">", str(value), url)
            result.append(url)
    return result


def _snapshot(person):
    counts = {}
    for model in restriction.guarded_models():
        path = restriction._path_to_person(model)
        lookup = "pk" if path == () else "__".join(path)
        counts[model._meta.label_lower] = sorted(
            model.objects.filter(**{lookup: person.pk}).values_list("pk", flat=True))
    return counts


def test_every_write_address_of_a_restricted_person_is_refused(world):
    w = world
    observation = security.observe(w, w.security_a)
    restrict(w)
    values = {"person_uuid": [w.person_a.uuid], "episode_uuid": [w.episode_a.uuid],
              "case_uuid": [w.case_a.uuid], "observation_uuid": [observation.uuid]}
    targets = _urls(values)
    assert len(targets) > 20
    before = _snapshot(w.person_a)
    versions = {m: list(apps.get_model(m).objects.filter(pk__in=ids).values_list(
        "pk", "version")) for m, ids in before.items()
        if hasattr(apps.get_model(m), "version")}
    written = []
    for persona in WRITERS:
        client = login(getattr(w, persona))
        for url in targets:
            sep = "&" if "?" in url else "?"
            response = client.post(f"{url}{sep}purpose=legal_claim", {"version": 1},
                                   HTTP_X_ALLIANCE_PURPOSE="legal_claim")
            if response.status_code not in REFUSALS:
                written.append(f"{persona} POST {url}: {response.status_code}")
    assert not written, "\n".join(written)
    assert _snapshot(w.person_a) == before
    assert {m: list(apps.get_model(m).objects.filter(pk__in=ids).values_list(
        "pk", "version")) for m, ids in before.items()
        if hasattr(apps.get_model(m), "version")} == versions
