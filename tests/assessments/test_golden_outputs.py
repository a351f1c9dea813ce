"""Version-1 instruments load and score exactly as they did before the format's second version.

The golden files were written by the version-1 engine (tests/assessments/golden_outputs.py). A
later engine may add fields to its results, never change or drop one.
"""

import json

import pytest

from alliance.assessments.instruments import reference_definition_paths

from .golden_outputs import golden_path, outputs_for

V1_PATHS = [p for p in reference_definition_paths() if golden_path(p).exists()]


def assert_contains(expected, actual, where="outputs"):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert set(expected) <= set(actual), f"{where}: lost {sorted(set(expected) - set(actual))}"
        for key, value in expected.items():
            assert_contains(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for n, (e, a) in enumerate(zip(expected, actual, strict=True)):
            assert_contains(e, a, f"{where}[{n}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != golden {expected!r}"


def test_the_three_shipped_version_1_instruments_have_golden_outputs():
    assert {p.stem for p in V1_PATHS} == {"risk-needs-v1", "screening-v1", "working-alliance-v1"}


@pytest.mark.parametrize("path", V1_PATHS, ids=lambda p: p.stem)
def test_version_1_instrument_scores_as_it_always_did(path):
    golden = json.loads(golden_path(path).read_text(encoding="utf-8"))
    assert_contains(golden, outputs_for(path))
