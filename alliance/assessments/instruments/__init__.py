"""The instrument engine: instruments are versioned data, validated against a published schema.

definition.py parses and validates a definition; scoring.py computes advisory summaries from
ratings. Neither imports Django, so both are tested without a database. See docs/instruments.md.
"""

from pathlib import Path

from alliance.assessments.instruments.definition import (
    NOT_APPLICABLE,
    SCHEMA,
    UNKNOWN,
    InstrumentDefinition,
    InstrumentDefinitionError,
    load_definition,
    parse_definition,
)

# The open reference instruments shipped with Alliance (a service validates them before use).
REFERENCE_DIR = Path(__file__).with_name("reference")
SCHEMA_PATH = Path(__file__).with_name("schema.json")


def reference_definition_paths() -> list[Path]:
    return sorted(REFERENCE_DIR.glob("*.yaml"))


__all__ = [
    "NOT_APPLICABLE",
    "REFERENCE_DIR",
    "SCHEMA",
    "SCHEMA_PATH",
    "UNKNOWN",
    "InstrumentDefinition",
    "InstrumentDefinitionError",
    "load_definition",
    "parse_definition",
    "reference_definition_paths",
]
