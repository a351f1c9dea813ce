"""Golden outputs of the shipped version-1 instruments: what the engine computed for fixed ratings
before the format's second version, kept so that every later engine scores them the same.

`python -m tests.assessments.golden_outputs` rewrites the files; do that only when a change of
output is intended and reviewed (the diff of tests/assessments/golden/ is the review).
"""

import dataclasses
import enum
import json
from pathlib import Path

from alliance.assessments.instruments import UNKNOWN, load_definition, reference_definition_paths
from alliance.assessments.instruments.scoring import compute_outputs

GOLDEN_DIR = Path(__file__).with_name("golden")


def _values(definition, item):
    scale = definition.scale_of(item)
    if scale.type.value == "numeric":
        low, high = scale.lowest, scale.highest
        return [int(low), int((low + high) // 2), int(high)]
    return [point.code for point in scale.points]


def rating_sets(definition) -> dict[str, dict]:
    """Fixed ratings: everything lowest, everything highest, a mixed pattern with unknowns, and
    an incomplete draft (the first half of the items)."""
    items = definition.items
    mixed = {}
    for n, item in enumerate(items):
        values = _values(definition, item)
        if n % 5 == 4 and item.unknown_allowed:
            mixed[item.code] = UNKNOWN
        else:
            mixed[item.code] = values[(n * 7 + 3) % len(values)]
    return {
        "lowest": {item.code: _values(definition, item)[0] for item in items},
        "highest": {item.code: _values(definition, item)[-1] for item in items},
        "mixed": mixed,
        "partial": {item.code: _values(definition, item)[-1] for item in items[: len(items) // 2]},
    }


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def outputs_for(path: Path) -> dict:
    definition = load_definition(path)
    sets = rating_sets(definition)
    result = {}
    for name, ratings in sets.items():
        result[name] = _plain(compute_outputs(definition, ratings))
        result[f"{name}_since_lowest"] = _plain(
            compute_outputs(definition, ratings, previous=sets["lowest"]))
    return result


def golden_path(path: Path) -> Path:
    return GOLDEN_DIR / f"{path.stem}.json"


if __name__ == "__main__":
    GOLDEN_DIR.mkdir(exist_ok=True)
    for path in reference_definition_paths():
        golden_path(path).write_text(
            json.dumps(outputs_for(path), indent=1, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8")
        print("wrote", golden_path(path))
