"""An existing database's regional indicators get the new interface languages (migration 0003),
without touching what an administrator wrote."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from alliance.observations.defaults import INDICATORS
from alliance.observations.models import Indicator

from ..factories import JurisdictionFactory

migration = importlib.import_module("alliance.observations.migrations.0003_default_indicator_languages")

NEW = ("sr", "bs", "hr", "cnr")
SHIPPED = {code: names for code, _name, names in INDICATORS}

pytestmark = pytest.mark.django_db


def _as_before_the_new_languages(indicator):
    """The row as 0002 loaded it before the defaults had the new languages."""
    indicator.names = {k: v for k, v in indicator.names.items() if k not in NEW}
    indicator.save()
    return indicator


def _regional(code):
    return Indicator.objects.get(jurisdiction=None, code=code)


def _migrate():
    migration.add_new_languages(apps, None)


def test_it_gives_every_regional_indicator_the_new_languages_of_the_defaults():
    for indicator in Indicator.objects.filter(jurisdiction=None):
        _as_before_the_new_languages(indicator)

    _migrate()

    # The same names a database created today has (defaults.py), so old and new databases agree.
    assert {i.code: i.names for i in Indicator.objects.filter(jurisdiction=None)} == SHIPPED


def test_a_croatian_reader_sees_the_indicator_in_croatian_after_it():
    _as_before_the_new_languages(_regional("grouping"))
    with translation.override("hr"):
        assert _regional("grouping").display_name == "Leads or joins an extremist grouping on the wing"

    _migrate()

    with translation.override("hr"):
        assert _regional("grouping").display_name == (
            "Vodi ekstremističku skupinu na odjelu ili joj se pridružuje"
        )


def test_it_keeps_a_translation_an_administrator_wrote():
    indicator = _as_before_the_new_languages(_regional("threatens"))
    indicator.names["hr"] = "Prijeti osoblju, posjetiteljima ili drugim zatvorenicima"
    indicator.save()

    _migrate()

    names = _regional("threatens").names
    assert names["hr"] == "Prijeti osoblju, posjetiteljima ili drugim zatvorenicima"
    assert names["bs"] == SHIPPED["threatens"]["bs"]


def test_it_fills_a_language_left_empty():
    indicator = _as_before_the_new_languages(_regional("recruits"))
    indicator.names["cnr"] = " "
    indicator.save()

    _migrate()

    assert _regional("recruits").names["cnr"] == SHIPPED["recruits"]["cnr"]


def test_it_adds_nothing_to_an_indicator_an_administrator_reworded():
    indicator = _as_before_the_new_languages(_regional("attack_talk"))
    indicator.name = "Talks of planning an attack"
    indicator.save()
    before = dict(indicator.names)

    _migrate()

    assert _regional("attack_talk").names == before


def test_it_adds_no_cyrillic_to_a_reworded_serbian_latin_name():
    indicator = _as_before_the_new_languages(_regional("network_contact"))
    indicator.names["sr-latn"] = "Kontakti sa ekstremističkim mrežama"
    indicator.save()

    _migrate()

    names = _regional("network_contact").names
    assert "sr" not in names
    assert names["bs"] == SHIPPED["network_contact"]["bs"]


def test_it_leaves_a_jurisdictions_own_indicator_alone():
    own = Indicator.objects.create(
        jurisdiction=JurisdictionFactory(),
        code="threatens",
        name="Threatens staff or other prisoners",
        names={"sq": "Kërcënon stafin"},
    )

    _migrate()

    own.refresh_from_db()
    assert own.names == {"sq": "Kërcënon stafin"}


def test_running_it_again_changes_nothing_and_reversing_it_is_a_no_op():
    _as_before_the_new_languages(_regional("sudden_change"))
    _migrate()
    after_once = _regional("sudden_change")

    _migrate()

    again = _regional("sudden_change")
    assert (again.names, again.updated_at) == (after_once.names, after_once.updated_at)
    operation = migration.Migration.operations[0]
    assert operation.reversible and operation.reverse_code is operation.noop
