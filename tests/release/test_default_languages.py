"""An existing database's regional pre-release programme gets the new interface languages in
its steps and their checklists (migration 0005), without touching what an administrator wrote."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from alliance.release.defaults import STEPS
from alliance.release.models import StepTemplate

from ..factories import JurisdictionFactory

migration = importlib.import_module("alliance.release.migrations.0005_default_step_languages")

NEW = ("sr", "bs", "hr", "cnr")
SHIPPED = {step["code"]: step for step in STEPS}

pytestmark = pytest.mark.django_db


def _without_new(names):
    return {k: v for k, v in (names or {}).items() if k not in NEW}


def _as_before_the_new_languages(step):
    """The row as 0002 loaded it before the defaults had the new languages."""
    step.names = _without_new(step.names)
    step.checklist = [{**item, "names": _without_new(item["names"])} for item in step.checklist]
    step.save()
    return step


def _regional(code):
    return StepTemplate.objects.get(jurisdiction=None, code=code)


def _migrate():
    migration.add_new_languages(apps, None)


def test_it_gives_every_regional_step_and_item_the_new_languages_of_the_defaults():
    for step in StepTemplate.objects.filter(jurisdiction=None):
        _as_before_the_new_languages(step)

    _migrate()

    # The same names a database created today has (defaults.py), so old and new databases agree.
    steps = StepTemplate.objects.filter(jurisdiction=None)
    assert {s.code: (s.names, s.checklist) for s in steps} == {
        code: (step["names"], step["checklist"]) for code, step in SHIPPED.items()
    }


def test_a_bosnian_reader_sees_the_step_and_its_checklist_in_bosnian_after_it():
    _as_before_the_new_languages(_regional("identity_documents"))

    _migrate()

    with translation.override("bs"):
        step = _regional("identity_documents")
        assert step.display_name() == "Lični dokumenti su spremni"
        assert [i["label"] for i in step.checklist_items()] == [
            "Lična karta",
            "Izvod iz matične knjige rođenih",
            "Prijava na zdravstveno osiguranje",
        ]


def test_it_keeps_a_translation_an_administrator_wrote():
    step = _as_before_the_new_languages(_regional("accommodation"))
    step.names["hr"] = "Smještaj je osiguran"
    step.save()

    _migrate()

    names = _regional("accommodation").names
    assert names["hr"] == "Smještaj je osiguran"
    assert names["cnr"] == SHIPPED["accommodation"]["names"]["cnr"]


def test_it_adds_nothing_to_a_reworded_step_or_item_and_keeps_an_added_item_as_it_is():
    step = _as_before_the_new_languages(_regional("support_plan"))
    step.name = "Post-release support plan drafted with probation"
    step.checklist[0]["name"] = "Every pathway assessed"
    own_item = {"code": "employer_contacted", "name": "Employer contacted", "names": {}}
    step.checklist.append(own_item)
    step.save()
    before = (dict(step.names), step.checklist[0]["names"])

    _migrate()

    after = _regional("support_plan")
    assert (after.names, after.checklist[0]["names"]) == before
    assert after.checklist[1]["names"]["hr"] == "Uključena je općina u koju se osoba vraća"
    assert after.checklist[3] == own_item


def test_it_adds_no_cyrillic_to_a_reworded_serbian_latin_name():
    step = _as_before_the_new_languages(_regional("handover"))
    step.names["sr-latn"] = "Predaja probaciji i odeljenju za reintegraciju"
    step.save()

    _migrate()

    names = _regional("handover").names
    assert "sr" not in names
    assert names["bs"] == SHIPPED["handover"]["names"]["bs"]


def test_it_leaves_a_jurisdictions_own_step_alone():
    own = StepTemplate.objects.create(
        jurisdiction=JurisdictionFactory(),
        code="reassessment",
        name="Risk and needs reassessment",
        names={"sq": "Rivlerësimi"},
        checklist=[{"code": "identity_card", "name": "Identity card", "names": {}}],
    )

    _migrate()

    own.refresh_from_db()
    assert (own.names, own.checklist[0]["names"]) == ({"sq": "Rivlerësimi"}, {})


def test_running_it_again_changes_nothing_and_reversing_it_is_a_no_op():
    _as_before_the_new_languages(_regional("release_planning"))
    _migrate()
    once = _regional("release_planning")

    _migrate()

    again = _regional("release_planning")
    assert (again.names, again.checklist, again.updated_at) == (
        once.names,
        once.checklist,
        once.updated_at,
    )
    operation = migration.Migration.operations[0]
    assert operation.reversible and operation.reverse_code is operation.noop
