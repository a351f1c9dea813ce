"""Parsing and validating instrument definitions. Pure: no database, no Django models."""

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from alliance.assessments.instruments import (
    SCHEMA,
    InstrumentDefinitionError,
    load_definition,
    parse_definition,
    reference_definition_paths,
)
from alliance.assessments.instruments.definition import Kind, LocalisedText

REGION_LANGUAGES = ("en", "sq", "sr-latn", "mk")
# The shipped reference instruments: the region's languages and Serbian Cyrillic, Bosnian,
# Croatian and Montenegrin.
SHIPPED_LANGUAGES = (*REGION_LANGUAGES, "sr", "bs", "hr", "cnr")


def text(words: str) -> dict[str, str]:
    return {"en": words, "sq": f"{words} (sq)"}


def minimal_definition() -> dict[str, Any]:
    """A small valid risk_needs definition in two languages; tests break one rule at a time."""
    return {
        "format": 1,
        "code": "test-risk",
        "version": "1.0",
        "kind": "risk_needs",
        "name": text("Test instrument"),
        "description": text("For tests"),
        "languages": ["en", "sq"],
        "licence": "open reference",
        "scales": [
            {
                "code": "lmh",
                "type": "ordinal",
                "points": [
                    {"code": "low", "value": 0, "label": text("Low")},
                    {"code": "moderate", "value": 1, "label": text("Moderate")},
                    {"code": "high", "value": 2, "label": text("High")},
                ],
            },
            {
                "code": "pa",
                "type": "present_absent",
                "points": [
                    {"code": "absent", "value": 0, "label": text("Absent")},
                    {"code": "present", "value": 1, "label": text("Present")},
                ],
            },
            {"code": "count", "type": "numeric", "min": 0, "max": 10},
        ],
        "need_areas": [
            {"code": "ideology", "label": text("Ideology")},
            {"code": "family", "label": text("Family")},
        ],
        "domains": [
            {
                "code": "beliefs",
                "name": text("Beliefs"),
                "items": [
                    {
                        "code": "A1",
                        "text": text("Item A1"),
                        "scale": "lmh",
                        "unknown_allowed": True,
                        "need_areas": ["ideology"],
                        "guidance": {
                            "text": text("What to look for"),
                            "points": {"low": text("Low looks like"), "high": text("High")},
                            "not_an_indicator": text("Ordinary religious practice"),
                        },
                    },
                    {"code": "A2", "text": text("Item A2"), "scale": "count"},
                ],
            },
            {
                "code": "protective",
                "name": text("Protective factors"),
                "items": [
                    {"code": "P1", "text": text("Item P1"), "scale": "pa", "protective": True},
                ],
            },
        ],
        "subscales": [
            {"code": "beliefs", "label": text("Beliefs"), "method": "sum", "items": ["A1", "A2"]},
        ],
        "outputs": [
            {"code": "profile", "type": "subscales", "label": text("Profile"),
             "subscales": ["beliefs"]},
            {"code": "needs", "type": "needs", "label": text("Needs"),
             "threshold": {"lmh": "moderate"}},
        ],
        "overall_judgement": {
            "options": [
                {"code": "low", "label": text("Low concern")},
                {"code": "high", "label": text("High concern")},
            ]
        },
    }


def parse(data: Any) -> Any:
    return parse_definition(json.dumps(data))


def errors_of(data: Any) -> list[str]:
    with pytest.raises(InstrumentDefinitionError) as caught:
        parse(data)
    return caught.value.errors


def set_at(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return mutate


def delete_at(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return mutate


def append_at(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        for key in path:
            data = data[key]
        data.append(copy.deepcopy(value))  # type: ignore[attr-defined]

    return mutate


def all_of(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(data)

    return mutate


STRENGTHS_OUTPUT = {
    "code": "strengths",
    "type": "protective_factors",
    "label": text("Strengths"),
    "threshold": {"pa": "present"},
}


# --- the published schema and the shipped reference instruments ------------------------------


def test_the_published_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_minimal_definition_used_by_these_tests_is_valid():
    definition = parse(minimal_definition())

    assert [item.code for item in definition.items] == ["A1", "A2", "P1"]


@pytest.mark.parametrize("path", reference_definition_paths(), ids=lambda path: path.name)
def test_it_accepts_each_shipped_reference_instrument(path):
    definition = load_definition(path)

    assert definition.licence == "open reference"
    assert definition.languages == SHIPPED_LANGUAGES
    assert "a reference instrument that a service must validate before relying on it" in (
        definition.description.get("en")
    )


def test_three_reference_instruments_ship_one_of_each_kind():
    kinds = {load_definition(path).kind for path in reference_definition_paths()}

    assert kinds == {Kind.SCREENING, Kind.RISK_NEEDS, Kind.ALLIANCE}


def _reference(kind: Kind) -> Any:
    return next(
        definition
        for definition in map(load_definition, reference_definition_paths())
        if definition.kind is kind
    )


def test_the_screening_separates_every_indicator_from_ordinary_religious_practice():
    screening = _reference(Kind.SCREENING)

    assert 6 <= len(screening.items) <= 10
    for item in screening.items:
        assert item.unknown_allowed and item.evidence_required
        assert item.guidance.text is not None
        assert item.guidance.not_an_indicator is not None
    religious = [
        item for item in screening.items
        if "relig" in item.guidance.not_an_indicator.get("en").lower()
    ]
    assert len(religious) >= 4


def test_the_screening_carries_a_bias_check_and_the_three_outcomes():
    screening = _reference(Kind.SCREENING)

    questions = {question.code for question in screening.bias_check.questions}
    assert {"faith", "culture", "mental_health", "conflict_with_staff"} <= questions
    outcomes = screening.outcomes
    assert [option.code for option in outcomes.options] == [
        "no_concern", "monitor", "refer_full_assessment"
    ]
    assert outcomes.option("monitor").review_date_required
    assert not outcomes.option("no_concern").review_date_required
    assert outcomes.rationale_required


def test_the_risk_needs_instrument_follows_the_public_structure_of_vep_tools():
    risk = _reference(Kind.RISK_NEEDS)

    assert [domain.code for domain in risk.domains] == [
        "beliefs_attitudes",
        "social_context_intention",
        "history_action_capacity",
        "commitment_motivation",
        "protective_factors",
        "personal_criminal_history",
    ]
    for domain in risk.domains:
        assert 4 <= len(domain.items) <= 6
        subscale = risk.subscale(domain.code)
        assert subscale.method == "sum" and subscale.advisory
        assert subscale.items == tuple(item.code for item in domain.items)
    assert [option.code for option in risk.overall_judgement.options] == ["low", "moderate", "high"]


def test_every_risk_needs_item_has_guidance_for_each_rating_and_what_is_not_an_indicator():
    risk = _reference(Kind.RISK_NEEDS)

    for item in risk.items:
        assert item.scale == "low_moderate_high" and item.unknown_allowed
        assert {code for code, _ in item.guidance.points} == {"low", "moderate", "high"}
        assert item.guidance.not_an_indicator is not None
        assert item.protective == (item.domain == "protective_factors")
    mapped = {area for item in risk.items for area in item.need_areas}
    assert mapped == {area.code for area in risk.need_areas}


def test_the_working_alliance_measure_has_goal_task_and_bond_subscales():
    alliance = _reference(Kind.ALLIANCE)

    assert 9 <= len(alliance.items) <= 12
    scale = alliance.scale("how_often")
    assert [point.value for point in scale.points] == [1, 2, 3, 4, 5]
    for code in ("goal", "task", "bond"):
        subscale = alliance.subscale(code)
        assert subscale.method == "mean" and len(subscale.items) == 3
    assert alliance.overall_judgement is None


# --- invalid definitions: each error names the field at fault ----------------------------------

INVALID = [
    ("duplicate item code across domains",
     set_at(("domains", 1, "items", 0, "code"), "A1"),
     "domains[1].items[0].code: duplicate item code 'A1' (first at domains[0].items[0].code)"),
    ("duplicate domain code",
     set_at(("domains", 1, "code"), "beliefs"),
     "domains[1].code: duplicate domain code 'beliefs' (first at domains[0].code)"),
    ("duplicate scale code",
     set_at(("scales", 1, "code"), "lmh"),
     "scales[1].code: duplicate scale code 'lmh' (first at scales[0].code)"),
    ("duplicate point code",
     set_at(("scales", 0, "points", 2, "code"), "low"),
     "scales[0].points[2].code: duplicate point code 'low' (first at scales[0].points[0].code)"),
    ("duplicate need area",
     set_at(("need_areas", 1, "code"), "ideology"),
     "need_areas[1].code: duplicate need area code 'ideology'"),
    ("duplicate option",
     set_at(("overall_judgement", "options", 1, "code"), "low"),
     "overall_judgement.options[1].code: duplicate option code 'low'"),
    ("item on an undeclared scale",
     set_at(("domains", 0, "items", 1, "scale"), "ordinal5"),
     "domains[0].items[1].scale: 'ordinal5' is not a declared scale"),
    ("item mapped to an undeclared need area",
     set_at(("domains", 0, "items", 0, "need_areas"), ["ideology", "housing"]),
     "domains[0].items[0].need_areas[1]: 'housing' is not a declared need area"),
    ("guidance for a point the scale lacks",
     set_at(("domains", 0, "items", 0, "guidance", "points", "extreme"), text("x")),
     "domains[0].items[0].guidance.points.extreme: 'extreme' is not a point of scale 'lmh'"),
    ("subscale of a missing item",
     set_at(("subscales", 0, "items"), ["A1", "XX9"]),
     "subscales[0].items[1]: 'XX9' is not a declared item"),
    ("reversed item outside the subscale",
     set_at(("subscales", 0, "reversed_items"), ["P1"]),
     "subscales[0].reversed_items[0]: 'P1' is not in this subscale"),
    ("min_answered above the number of items",
     set_at(("subscales", 0, "min_answered"), 3),
     "subscales[0].min_answered: 3 is more than the 2 items of the subscale"),
    ("output of an undeclared subscale",
     set_at(("outputs", 0, "subscales"), ["beliefs", "motivation"]),
     "outputs[0].subscales[1]: 'motivation' is not a declared subscale"),
    ("threshold on an undeclared scale",
     set_at(("outputs", 1, "threshold"), {"ordinal5": "high"}),
     "outputs[1].threshold.ordinal5: 'ordinal5' is not a declared scale"),
    ("threshold at a point the scale lacks",
     set_at(("outputs", 1, "threshold"), {"lmh": "extreme"}),
     "outputs[1].threshold.lmh: 'extreme' is not a point of scale 'lmh'"),
    ("threshold of text on a numeric scale",
     set_at(("outputs", 1, "threshold"), {"count": "five"}),
     "outputs[1].threshold.count: 'five' is not a number (scale 'count' is numeric)"),
    ("protective factors output without protective items",
     all_of(
         set_at(("domains", 1, "items", 0, "protective"), False),
         append_at(("outputs",), STRENGTHS_OUTPUT),
     ),
     "outputs[2].type: a 'protective_factors' output needs at least one item marked protective"),
    ("missing required field of an item",
     delete_at(("domains", 0, "items", 0, "text")),
     "domains[0].items[0].text: is required"),
    ("missing version",
     delete_at(("version",)),
     "version: is required"),
    ("wrong type for a flag",
     set_at(("domains", 0, "items", 0, "unknown_allowed"), "yes"),
     "domains[0].items[0].unknown_allowed: 'yes' is not of type 'boolean'"),
    ("version written as a number",
     set_at(("version",), 1.0),
     "version: 1.0 is a number, not a string (put it in quotes)"),
    ("misspelt field",
     set_at(("domains", 0, "items", 0, "unknown_alowed"), True),
     "domains[0].items[0].unknown_alowed: is not a field of this format"),
    ("missing label in a declared language",
     delete_at(("domains", 0, "items", 0, "text", "sq")),
     "domains[0].items[0].text.sq: is required (each declared language needs one)"),
    ("missing guidance in a declared language",
     delete_at(("domains", 0, "items", 0, "guidance", "not_an_indicator", "sq")),
     "domains[0].items[0].guidance.not_an_indicator.sq: is required"),
    ("text in an undeclared language",
     set_at(("scales", 0, "points", 0, "label", "mk"), "Ниско"),
     "scales[0].points[0].label.mk: 'mk' is not a declared language"),
    ("blank text",
     set_at(("name", "en"), "   "),
     "name.en: '   ' does not match"),
    ("languages without English",
     set_at(("languages",), ["sq"]),
     "languages: must include 'en'"),
    ("unknown kind",
     set_at(("kind",), "triage"),
     "kind: 'triage' is not one of"),
    ("risk_needs without an overall judgement",
     delete_at(("overall_judgement",)),
     "overall_judgement: is required when kind is 'risk_needs'"),
    ("screening without a bias check",
     all_of(set_at(("kind",), "screening"), set_at(("outcomes",), {"options": [
         {"code": "no_concern", "label": text("No concern")},
         {"code": "monitor", "label": text("Monitor")},
     ]})),
     "bias_check: is required when kind is 'screening'"),
    ("points on a numeric scale",
     set_at(("scales", 2, "points"), []),
     "scales[2].points: is not allowed with this type"),
    ("numeric scale without a maximum",
     delete_at(("scales", 2, "max")),
     "scales[2].max: is required when type is 'numeric'"),
    ("numeric scale upside down",
     set_at(("scales", 2, "min"), 10),
     "scales[2].max: 10 is not greater than min 10"),
    ("whole-number scale with a fractional bound",
     set_at(("scales", 2, "max"), 9.5),
     "scales[2].max: 9.5 is not a whole number"),
    ("two points with the same value",
     set_at(("scales", 0, "points", 2, "value"), 1),
     "scales[0].points[2].value: 1 is already the value of scales[0].points[1]"),
    ("a point called unknown",
     set_at(("scales", 0, "points", 1, "code"), "unknown"),
     "scales[0].points[1].code: 'unknown' is reserved"),
    ("present_absent scale with other points",
     set_at(("scales", 1, "points", 1, "code"), "yes"),
     "scales[1].points: a present_absent scale has exactly the points 'absent' and 'present'"),
    ("present_absent scale upside down",
     set_at(("scales", 1, "points", 0, "value"), 2),
     "scales[1].points: 'absent' must have a lower value than 'present'"),
    ("threshold on an output that does not use one",
     set_at(("outputs", 0, "threshold"), {"lmh": "high"}),
     "outputs[0].threshold: is not allowed with this type"),
    ("item code with a space",
     set_at(("domains", 0, "items", 0, "code"), "A 1"),
     "domains[0].items[0].code: 'A 1' does not match"),
    ("domain without items",
     set_at(("domains", 1, "items"), []),
     "domains[1].items:"),
    ("a point value that is not a number",
     set_at(("scales", 0, "points", 0, "value"), float("nan")),
     "scales[0].points[0].value: nan is not a finite number"),
    ("format of another version",
     set_at(("format",), 3),
     "format: 3 is not one of [1, 2]"),
]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [(mutate, expected) for _, mutate, expected in INVALID],
    ids=[name for name, _, _ in INVALID],
)
def test_it_refuses_an_invalid_definition_naming_the_field_at_fault(mutate, expected):
    data = minimal_definition()
    mutate(data)

    errors = errors_of(data)

    assert any(error.startswith(expected) for error in errors), errors


def test_it_reports_every_error_at_once():
    data = minimal_definition()
    data["domains"][0]["items"][1]["scale"] = "ordinal5"
    data["subscales"][0]["items"] = ["A1", "XX9"]
    del data["domains"][1]["name"]["sq"]

    errors = errors_of(data)

    assert errors == [
        "domains[0].items[1].scale: 'ordinal5' is not a declared scale",
        "domains[1].name.sq: is required (each declared language needs one)",
        "subscales[0].items[1]: 'XX9' is not a declared item",
    ]


def test_it_checks_cross_references_only_once_the_structure_is_sound():
    data = minimal_definition()
    data["version"] = 2
    data["domains"][0]["items"][1]["scale"] = "ordinal5"

    errors = errors_of(data)

    assert errors == ["version: 2 is a number, not a string (put it in quotes)"]


def test_the_error_message_lists_the_file_and_each_problem():
    data = minimal_definition()
    del data["version"]

    with pytest.raises(InstrumentDefinitionError) as caught:
        parse_definition(json.dumps(data), filename="tools/vera.json")

    assert str(caught.value) == (
        "tools/vera.json: invalid instrument definition (1 error)\n  version: is required"
    )


# --- reading YAML and JSON ---------------------------------------------------------------------


def test_it_reads_yaml_and_json_of_the_same_definition_alike():
    data = minimal_definition()

    from_yaml = parse_definition(yaml.safe_dump(data, allow_unicode=True), filename="x.yaml")
    from_json = parse_definition(json.dumps(data), filename="x.json")

    assert from_yaml == from_json


def test_it_refuses_text_that_is_not_yaml():
    with pytest.raises(InstrumentDefinitionError) as caught:
        parse_definition("code: [unclosed", filename="broken.yaml")

    assert caught.value.errors[0].startswith("not valid YAML:")


def test_it_refuses_a_document_that_is_not_a_mapping():
    assert errors_of(["a", "list"]) == ["definition: ['a', 'list'] is not of type 'object'"]


def test_it_refuses_a_yaml_key_given_twice_instead_of_keeping_the_last():
    source = yaml.safe_dump(minimal_definition(), allow_unicode=True)
    source = source.replace("version: '1.0'\n", "version: '1.0'\nversion: '1.1'\n")

    with pytest.raises(InstrumentDefinitionError) as caught:
        parse_definition(source)

    assert "found the key 'version' twice" in caught.value.errors[0]


def test_it_refuses_a_json_key_given_twice():
    source = json.dumps(minimal_definition())
    source = source.replace('"version": "1.0"', '"version": "1.0", "version": "2"')

    with pytest.raises(InstrumentDefinitionError) as caught:
        parse_definition(source, filename="tool.json")

    assert caught.value.errors == ["not valid JSON: found the key 'version' twice"]


def test_it_reads_yes_and_no_as_words_not_booleans():
    data = minimal_definition()
    data["scales"][0]["points"][0]["code"] = "no"
    data["scales"][0]["points"][2]["code"] = "yes"
    del data["domains"][0]["items"][0]["guidance"]["points"]
    source = yaml.safe_dump(data, allow_unicode=True).replace("'no'", "no").replace("'yes'", "yes")
    assert "code: no\n" in source

    definition = parse_definition(source)

    assert [point.code for point in definition.scale("lmh").points] == ["no", "moderate", "yes"]


def test_it_keeps_a_yaml_date_as_text():
    source = yaml.safe_dump(minimal_definition(), allow_unicode=True)
    source = source.replace("licence: open reference\n",
                            "licence: open reference\nlicence_notes: 2025-06-01\n")

    assert parse_definition(source).licence_notes == "2025-06-01"


# --- content hash and versioning ---------------------------------------------------------------


def test_the_content_hash_ignores_formatting_and_key_order():
    data = minimal_definition()
    reordered = dict(reversed(list(data.items())))

    compact = parse_definition(json.dumps(data))
    pretty = parse_definition(json.dumps(reordered, indent=4), filename="x.json")
    as_yaml = parse_definition(yaml.safe_dump(data, allow_unicode=True))

    assert compact.content_hash == pretty.content_hash == as_yaml.content_hash


def test_the_content_hash_changes_when_any_text_changes():
    data = minimal_definition()
    changed = minimal_definition()
    changed["domains"][0]["items"][0]["guidance"]["points"]["low"]["sq"] = "Ndryshuar"

    assert parse(data).content_hash != parse(changed).content_hash


def test_the_canonical_json_round_trips_to_the_same_definition():
    definition = load_definition(reference_definition_paths()[0])

    again = parse_definition(definition.canonical_json)

    assert again == definition
    assert again.content_hash == definition.content_hash


# --- localised text ----------------------------------------------------------------------------


def test_localised_text_is_given_in_the_asked_language():
    screening = _reference(Kind.SCREENING)

    assert screening.name.get("sq") == "Depistimi i shqetësimit për radikalizim"
    assert screening.name.get("mk") == "Скрининг на загриженост за радикализација"


def test_localised_text_falls_back_to_english_for_a_missing_language():
    label = LocalisedText((("en", "High"), ("sq", "I lartë")))

    assert label.get("de") == "High"
    assert str(label) == "High"


def test_localised_text_accepts_browser_and_locale_spellings_of_a_language():
    label = LocalisedText((("en", "High"), ("sr-latn", "Visoko"), ("sq", "I lartë")))

    assert label.get("sr-Latn") == "Visoko"
    assert label.get("sr_Latn") == "Visoko"
    assert label.get("sq-AL") == "I lartë"


# --- a licensed service can describe its own tool ----------------------------------------------


def _licensed_structure(domains: dict[str, tuple[str, int]]) -> dict[str, Any]:
    """The structure of a licensed tool with placeholder wording (no licensed text).

    `domains` maps a domain code to the prefix of its item codes and its number of items.
    """
    data = {
        "format": 1,
        "code": "licensed-tool",
        "version": "2.0",
        "kind": "risk_needs",
        "name": {"en": "Licensed tool"},
        "description": {"en": "Structure only; the wording is in the licensed manual."},
        "languages": ["en"],
        "licence": "licensed",
        "licence_notes": "Licensed to the service; certified assessors only.",
        "scales": [
            {"code": "lmh", "type": "ordinal", "points": [
                {"code": c, "value": v, "label": {"en": c}}
                for v, c in enumerate(["low", "moderate", "high"])
            ]},
            {"code": "pa", "type": "present_absent", "points": [
                {"code": "absent", "value": 0, "label": {"en": "Absent"}},
                {"code": "present", "value": 1, "label": {"en": "Present"}},
            ]},
        ],
        "domains": [
            {"code": domain, "name": {"en": domain}, "items": [
                {"code": f"{prefix}{n}", "text": {"en": f"See manual, {prefix}{n}"},
                 "scale": "lmh", "unknown_allowed": True, "protective": domain == "protective"}
                for n in range(1, count + 1)
            ]}
            for domain, (prefix, count) in domains.items()
        ],
        "overall_judgement": {"options": [
            {"code": "low", "label": {"en": "Low"}}, {"code": "high", "label": {"en": "High"}},
        ]},
    }
    return data


def test_it_holds_a_licensed_tool_with_34_indicators_in_5_domains_and_additional_indicators():
    data = _licensed_structure({
        "beliefs": ("B", 7), "context": ("C", 7), "history": ("H", 6),
        "commitment": ("CM", 8), "protective": ("P", 6),
    })
    data["domains"].append({
        "code": "additional", "name": {"en": "Additional indicators"},
        "items": [{"code": f"AD{n}", "text": {"en": f"See manual, additional {n}"},
                   "scale": "pa", "unknown_allowed": True} for n in range(1, 12)],
    })

    definition = parse(data)

    main = [item for item in definition.items if item.domain != "additional"]
    assert len(main) == 34 and len(definition.domains) == 6
    assert sum(item.protective for item in definition.items) == 6


def test_it_holds_a_licensed_tool_with_22_factors_in_engagement_intent_and_capability():
    definition = parse(
        _licensed_structure({"engagement": ("E", 13), "intent": ("I", 6), "capability": ("C", 3)})
    )

    assert [len(domain.items) for domain in definition.domains] == [13, 6, 3]


# --- properties --------------------------------------------------------------------------------


@given(st.lists(st.sampled_from(["A1", "A2", "B1", "B2", "C1"]), min_size=1, max_size=8))
def test_an_item_code_can_be_used_only_once_in_the_whole_instrument(codes):
    data = minimal_definition()
    data["domains"][0]["items"] = [
        {"code": code, "text": text(code), "scale": "lmh"} for code in codes
    ]
    data["subscales"][0]["items"] = [codes[0]]

    duplicates = len(codes) - len(set(codes))
    if duplicates == 0:
        assert [item.code for item in parse(data).items] == [*codes, "P1"]
    else:
        errors = errors_of(data)
        assert len([e for e in errors if "duplicate item code" in e]) == duplicates


@given(st.sets(st.sampled_from(["sq", "sr-latn", "mk"])))
def test_every_declared_language_without_a_text_is_named(missing):
    data = minimal_definition()
    data["languages"] = list(REGION_LANGUAGES)
    data_text = json.dumps(data)
    # Give every text all four languages, then take the missing ones away from one item.
    data = json.loads(data_text.replace('(sq)"}', '(sq)", "sr-latn": "sr", "mk": "mk"}'))
    for language in missing:
        del data["domains"][0]["items"][1]["text"][language]

    if not missing:
        parse(data)
        return
    errors = errors_of(data)
    assert sorted(errors) == sorted(
        f"domains[0].items[1].text.{language}: is required (each declared language needs one)"
        for language in missing
    )
