"""Every model holding data about a person is exported, or excluded with a reason: a module
added later cannot be left out of a subject access export without a decision."""

from alliance.privacy import export


def test_every_model_with_a_person_key_is_exported_or_excluded_with_a_reason():
    labels = {m._meta.label_lower for m in export.person_models()}
    missing = sorted(labels - set(export.HOLDINGS))
    assert not missing, (f"Add these models to privacy/export.py HOLDINGS (a section, or "
                         f"`excluded` with the reason): {missing}")


def test_every_holding_names_a_known_section_or_a_reason():
    for label, holding in export.HOLDINGS.items():
        assert bool(holding.excluded) != bool(holding.section), label
        assert not holding.section or holding.section in export.SECTION_CODES, label
        assert set(holding.withheld.values()) <= export.Ground.CODES, label


def test_no_holding_names_a_model_that_does_not_exist():
    labels = {m._meta.label_lower for m in export.person_models()} | {"people.person"}
    assert set(export.HOLDINGS) <= labels
