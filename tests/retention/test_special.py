"""Special categories (religion, political opinion, health, ethnicity): the registry names real
fields, each flagged free text is encrypted at rest, and the marker is shown beside it."""


import pytest
from django.apps import apps
from django.template import Context, Template

from alliance.core.compartments import DataCategory
from alliance.core.fields import EncryptedTextField
from alliance.core.special import SPECIAL_FIELDS, SpecialCategory, fields_of, special

from ..security import test_canary_walk as canary

pytestmark = pytest.mark.django_db

walk_world = canary.walk_world  # the canary walk's world: every compartment's field planted

CODED = {f.field for f in SPECIAL_FIELDS if f.explicit and f.name in
         ("category", "reason", "need_area", "bias_answers")}


def test_the_registry_names_real_model_fields():
    for entry in SPECIAL_FIELDS:
        model = apps.get_model(entry.model)
        model._meta.get_field(entry.name)  # raises FieldDoesNotExist
        assert entry.categories and set(entry.categories) <= set(SpecialCategory.values)
        assert entry.compartment in {*DataCategory.values, "referral"}, entry
    assert len({e.field for e in SPECIAL_FIELDS}) == len(SPECIAL_FIELDS)
    assert special("observations.Observation.verbatim").compartment == "security"
    assert set(fields_of("plans.Session")) == {"note", "shared_summary"}
    assert special("people.Person.reference") is None


def test_every_flagged_free_text_is_encrypted_at_rest():
    for entry in SPECIAL_FIELDS:
        if entry.field in CODED:
            continue
        field = apps.get_model(entry.model)._meta.get_field(entry.name)
        assert isinstance(field, EncryptedTextField), entry.field


def test_the_marker_is_shown_beside_a_flagged_field():
    html = Template('{% load special %}{% special_marker "plans.Offer.reason" %}'
                    '|{% special_marker "observations.Observation.verbatim" %}'
                    '|{% special_marker "people.Person.reference" %}').render(Context())
    explicit, may_hold, none = html.split("|")
    assert "Special category" in explicit and "religious" in explicit
    assert "May hold special categories" in may_hold
    assert none == ""


# That a value planted in each flagged free-text field reaches only the holders of its
# compartment is checked by the canary walk (tests/security/test_canary_walk.py), which plants
# a marker in every one of them and fails if one is left without.
