"""Instrument definitions: parse, validate and hold the structure of an assessment instrument.

An instrument (screening tool, risk and needs tool, alliance measure, checklist) is data, not code:
a YAML or JSON document checked against schema.json, then against the rules a schema cannot express
(codes that must be unique, references that must resolve, a text in every declared language).
No Django import here, so a definition can be checked anywhere: in CI, on an administrator's laptop,
by the load_instrument command. The format is documented in docs/instruments.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import StrEnum
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

FALLBACK_LANGUAGE = "en"
# Django calls Serbian Cyrillic `sr` (and people write `sr-cyrl`); `sr-latn` is the Latin script.
# A reader of one script reads the other before an English original.
_SAME_LANGUAGE = {
    "sr": ("sr", "sr-cyrl", "sr-latn"),
    "sr-cyrl": ("sr-cyrl", "sr", "sr-latn"),
    "sr-latn": ("sr-latn", "sr", "sr-cyrl"),
}
# The rating an assessor records when there is not enough information. It is an honest answer,
# not a gap, so it is a reserved value rather than a point any scale could redefine.
UNKNOWN = "unknown"
# The rating of an item that does not apply to this person (format 2, where the item allows it).
# Like UNKNOWN it is reserved: never a point, never a number, never in a score or a change.
NOT_APPLICABLE = "not_applicable"
RESERVED = (UNKNOWN, NOT_APPLICABLE)
# Format 2 keys a secondary rating of an item as "<item>:<rating>" wherever one flat key is
# needed (changes, form fields); ':' is in neither an item code nor a rating code.
RATING_SEPARATOR = ":"

SCHEMA: dict[str, Any] = json.loads(
    resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8")
)
_VALIDATOR = Draft202012Validator(SCHEMA)


class InstrumentDefinitionError(Exception):
    """A definition that cannot be loaded; `.errors` lists every problem found, with its path."""

    def __init__(self, errors: list[str], *, filename: str = "") -> None:
        self.errors = errors
        self.filename = filename
        where = f"{filename}: " if filename else ""
        count = f"{len(errors)} error" + ("s" if len(errors) != 1 else "")
        lines = "\n".join(f"  {error}" for error in errors)
        super().__init__(f"{where}invalid instrument definition ({count})\n{lines}")


class Kind(StrEnum):
    SCREENING = "screening"
    RISK_NEEDS = "risk_needs"
    ALLIANCE = "alliance"
    CHECKLIST = "checklist"


class ScaleType(StrEnum):
    ORDINAL = "ordinal"
    PRESENT_ABSENT = "present_absent"
    NUMERIC = "numeric"


class Direction(StrEnum):
    """What a higher point of a scale means: more concern (a risk factor) or more protection."""

    CONCERN = "concern"
    PROTECTION = "protection"


class OutputType(StrEnum):
    SUBSCALES = "subscales"
    NEEDS = "needs"
    PROTECTIVE_FACTORS = "protective_factors"
    UNKNOWNS = "unknowns"
    CHANGE = "change"


@dataclass(frozen=True)
class LocalisedText:
    """One text in several languages; a language it lacks falls back to English."""

    texts: tuple[tuple[str, str], ...]

    def get(self, language: str = FALLBACK_LANGUAGE) -> str:
        by_language = dict(self.texts)
        # Django spells languages 'sr-latn', browsers 'sr-Latn', locales 'sr_Latn': accept all,
        # then try the base language ('sq-al' -> 'sq') before falling back to English. Serbian
        # is not reduced to its base: 'sr' is Cyrillic, and 'sr-latn' must not be read as it.
        wanted = language.lower().replace("_", "-")
        same = _SAME_LANGUAGE.get(wanted, (wanted, wanted.split("-")[0]))
        for candidate in (*same, FALLBACK_LANGUAGE):
            if candidate in by_language:
                return by_language[candidate]
        return self.texts[0][1]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.texts)

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True)
class Point:
    code: str
    value: float
    label: LocalisedText
    description: LocalisedText | None = None


@dataclass(frozen=True)
class Scale:
    code: str
    type: ScaleType
    label: LocalisedText | None
    points: tuple[Point, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    unit: LocalisedText | None = None
    # Format 2: what a higher value means. None: the item decides (protective or not), as in
    # format 1. An unordered scale (categories) has no direction and is never compared.
    direction: Direction | None = None
    ordered: bool = True

    def point(self, code: str) -> Point | None:
        return next((point for point in self.points if point.code == code), None)

    @property
    def lowest(self) -> float:
        if self.type is ScaleType.NUMERIC:
            return self.minimum  # type: ignore[return-value]
        return min(point.value for point in self.points)

    @property
    def highest(self) -> float:
        if self.type is ScaleType.NUMERIC:
            return self.maximum  # type: ignore[return-value]
        return max(point.value for point in self.points)


@dataclass(frozen=True)
class Guidance:
    text: LocalisedText | None = None
    points: tuple[tuple[str, LocalisedText], ...] = ()
    not_an_indicator: LocalisedText | None = None

    def for_point(self, code: str) -> LocalisedText | None:
        return dict(self.points).get(code)


@dataclass(frozen=True)
class Condition:
    """Asked only when another rating is at least a point: `rating` of `item` (an empty item is
    the same item), at or above the point `at_least` of that rating's scale."""

    rating: str
    at_least: str
    item: str = ""


@dataclass(frozen=True)
class RatingSpec:
    """One named rating of an item (format 2: presence, relevance, influence...). A format-1 item
    has a single rating whose code is empty: it is stored as a bare value, not a mapping."""

    code: str
    scale: str
    label: LocalisedText | None = None
    required: bool = True
    when: Condition | None = None


@dataclass(frozen=True)
class Item:
    code: str
    domain: str
    text: LocalisedText
    scale: str  # the scale of the primary (first) rating
    guidance: Guidance | None = None
    unknown_allowed: bool = False
    required: bool = True
    protective: bool = False
    need_areas: tuple[str, ...] = ()
    evidence_required: bool = False
    ratings: tuple[RatingSpec, ...] = ()
    not_applicable_allowed: bool = False
    when: Condition | None = None  # a conditional item: asked only when another item is rated so

    @property
    def primary(self) -> RatingSpec:
        return self.ratings[0]

    @property
    def named_ratings(self) -> bool:
        """Are ratings stored as {rating code: value} (format 2 `ratings`), or as one value?"""
        return bool(self.ratings and self.ratings[0].code)

    def rating_spec(self, code: str) -> RatingSpec | None:
        return next((spec for spec in self.ratings if spec.code == code), None)


@dataclass(frozen=True)
class AdditionalFactors:
    """Open-ended factors an assessor may add (the "+" of some tools): a name written by the
    assessor, with ratings and evidence like an item's. Per domain, or for the whole instrument
    (domain "")."""

    domain: str
    maximum: int
    ratings: tuple[RatingSpec, ...]
    label: LocalisedText | None = None
    guidance: LocalisedText | None = None
    unknown_allowed: bool = False
    evidence_required: bool = True
    protective: bool = False

    @property
    def named_ratings(self) -> bool:
        return bool(self.ratings[0].code)

    def rating_spec(self, code: str) -> RatingSpec | None:
        return next((spec for spec in self.ratings if spec.code == code), None)


@dataclass(frozen=True)
class Domain:
    code: str
    name: LocalisedText
    description: LocalisedText | None
    items: tuple[Item, ...]
    judgement: Choice | None = None  # format 2: a professional judgement of this domain
    additional_factors: AdditionalFactors | None = None


@dataclass(frozen=True)
class NeedArea:
    code: str
    label: LocalisedText
    description: LocalisedText | None = None


@dataclass(frozen=True)
class Subscale:
    code: str
    label: LocalisedText
    method: str  # "sum" or "mean"
    items: tuple[str, ...]
    reversed_items: tuple[str, ...] = ()
    min_answered: int = 1
    advisory: bool = True
    rating: str = ""  # format 2: which named rating of each item is summed (default: the first)


@dataclass(frozen=True)
class Output:
    code: str
    type: OutputType
    label: LocalisedText
    description: LocalisedText | None = None
    subscales: tuple[str, ...] = ()
    threshold: tuple[tuple[str, str | float], ...] = ()
    advisory: bool = True


@dataclass(frozen=True)
class Option:
    code: str
    label: LocalisedText
    description: LocalisedText | None = None
    review_date_required: bool = False


@dataclass(frozen=True)
class Choice:
    """The overall professional judgement, or a screening's outcome: an option a person chooses."""

    label: LocalisedText | None
    options: tuple[Option, ...]
    rationale_required: bool = True
    # Format 2, overall judgement only: the judgement is the formulation, with no summary level
    # (for tools that forbid one). `options` is then empty.
    formulation_only: bool = False

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class BiasQuestion:
    code: str
    text: LocalisedText
    guidance: LocalisedText | None = None


@dataclass(frozen=True)
class BiasCheck:
    intro: LocalisedText | None
    questions: tuple[BiasQuestion, ...]


@dataclass(frozen=True)
class InstrumentDefinition:
    code: str
    version: str
    kind: Kind
    format: int
    name: LocalisedText
    description: LocalisedText
    languages: tuple[str, ...]
    licence: str
    licence_notes: str
    scales: tuple[Scale, ...]
    domains: tuple[Domain, ...]
    need_areas: tuple[NeedArea, ...]
    subscales: tuple[Subscale, ...]
    outputs: tuple[Output, ...]
    overall_judgement: Choice | None
    outcomes: Choice | None
    bias_check: BiasCheck | None
    additional_factors: AdditionalFactors | None  # format 2: for the instrument as a whole
    # sha256 of canonical_json: two loads of the same code+version must have the same hash.
    content_hash: str
    canonical_json: str = field(repr=False, compare=False)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for domain in self.domains for item in domain.items)

    @cached_property
    def _items_by_code(self) -> dict[str, Item]:
        return {item.code: item for item in self.items}

    def item(self, code: str) -> Item:
        return self._items_by_code[code]

    def has_item(self, code: str) -> bool:
        return code in self._items_by_code

    def scale(self, code: str) -> Scale:
        return next(scale for scale in self.scales if scale.code == code)

    def scale_of(self, item: Item | str) -> Scale:
        item = item if isinstance(item, Item) else self.item(item)
        return self.scale(item.scale)

    def subscale(self, code: str) -> Subscale:
        return next(subscale for subscale in self.subscales if subscale.code == code)

    def need_area(self, code: str) -> NeedArea:
        return next(area for area in self.need_areas if area.code == code)

    def domain(self, code: str) -> Domain:
        return next(domain for domain in self.domains if domain.code == code)

    def scale_for(self, item: Item | str, rating: str = "") -> Scale:
        """The scale of one rating of an item (its first rating when `rating` is empty)."""
        item = item if isinstance(item, Item) else self.item(item)
        spec = item.rating_spec(rating) if rating else item.primary
        if spec is None:
            raise KeyError(f"{item.code} has no rating {rating!r}")
        return self.scale(spec.scale)

    def direction(self, item: Item, rating: str = "") -> Direction | None:
        """What a higher value of this rating means; None on an unordered scale. A scale's own
        direction wins; otherwise a protective item's ratings are protection, others concern."""
        scale = self.scale_for(item, rating)
        if not scale.ordered:
            return None
        if scale.direction is not None:
            return scale.direction
        return Direction.PROTECTION if item.protective else Direction.CONCERN

    def is_protective(self, item: Item) -> bool:
        """A strength rather than a risk: marked protective, or rated on a protection scale."""
        return self.direction(item) is Direction.PROTECTION

    @cached_property
    def factor_slots(self) -> tuple[AdditionalFactors, ...]:
        """Every place an assessor may add open-ended factors: per domain, then instrument-wide."""
        slots = [d.additional_factors for d in self.domains if d.additional_factors]
        if self.additional_factors:
            slots.append(self.additional_factors)
        return tuple(slots)

    def factor_slot(self, domain: str) -> AdditionalFactors | None:
        return next((slot for slot in self.factor_slots if slot.domain == domain), None)


def parse_definition(text: str, *, filename: str = "") -> InstrumentDefinition:
    """Parse a YAML or JSON definition; raise InstrumentDefinitionError listing every problem.

    JSON is read when the filename ends in .json, or when there is no filename and the text starts
    with '{' (as the canonical JSON a database stores does). Otherwise the text is YAML.
    Structural errors (schema.json) are reported first; the cross-reference rules run only on a
    definition whose structure is sound, since they rely on it.
    """
    data = _load(text, filename)
    errors = schema_errors(data)
    if errors:
        raise InstrumentDefinitionError(errors, filename=filename)
    builder = _Builder(data)
    definition = builder.build()
    if builder.errors:
        raise InstrumentDefinitionError(builder.errors, filename=filename)
    return definition


def load_definition(path: str | Path) -> InstrumentDefinition:
    """Read and parse a definition file (.yaml, .yml or .json)."""
    path = Path(path)
    return parse_definition(path.read_text(encoding="utf-8"), filename=str(path))


def languages_added(published: InstrumentDefinition,
                    candidate: InstrumentDefinition) -> tuple[str, ...]:
    """The languages `candidate` adds to `published` when that is its only difference, else ().

    A translation-only update: same code, version, structure, codes, scoring and flags, every
    text of the published languages word for word the same, and one or more languages more.
    Anything else (a corrected text, a changed flag, a dropped language) gives (). Compared on
    the parsed definitions, so key order and YAML layout do not count as changes.
    """
    added = tuple(lang for lang in candidate.languages if lang not in published.languages)
    if not added or not set(published.languages) <= set(candidate.languages):
        return ()
    narrowed = _keep_languages(candidate, published.languages)
    narrowed = replace(narrowed, languages=published.languages,
                       content_hash=published.content_hash)
    return added if narrowed == published else ()


def _keep_languages(value: Any, languages: tuple[str, ...]) -> Any:
    """`value` with every LocalisedText cut down to `languages` (in that order)."""
    if isinstance(value, LocalisedText):
        texts = dict(value.texts)
        return LocalisedText(tuple((lang, texts[lang]) for lang in languages if lang in texts))
    if isinstance(value, tuple):
        return tuple(_keep_languages(part, languages) for part in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _keep_languages(getattr(value, f.name), languages)
                                 for f in fields(value) if f.init})
    return value


def canonical_json(data: Any) -> str:
    """The one JSON spelling of a definition: key order, spacing and YAML vs JSON don't matter."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- reading ---------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML without the YAML 1.1 surprises that would corrupt a definition silently:
    yes/no/on/off stay strings (only true/false are booleans), dates stay strings, and a key
    given twice is an error instead of the second one quietly replacing the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                continue  # the schema reports non-string keys with a better message
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"found the key {key!r} twice", key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _unique_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"found the key {key!r} twice")
        seen.add(key)
    return dict(pairs)


def _load(text: str, filename: str) -> Any:
    as_json = filename.lower().endswith(".json") or (
        not filename and text.lstrip().startswith("{")
    )
    try:
        if as_json:
            return json.loads(text, object_pairs_hook=_unique_json_keys)
        loader = _Loader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except (yaml.YAMLError, ValueError) as exc:
        syntax = "JSON" if as_json else "YAML"
        raise InstrumentDefinitionError([f"not valid {syntax}: {exc}"], filename=filename)


# --- structural errors (schema.json) ---------------------------------------------------------


def json_path(parts: Iterable[str | int]) -> str:
    """domains, 2, items, 0, scale -> 'domains[2].items[0].scale'."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def schema_errors(data: Any) -> list[str]:
    """Every schema violation in `data`, as 'path: message' lines in document order."""
    messages: list[str] = []
    for error in sorted(_VALIDATOR.iter_errors(data), key=_document_order):
        for message in _describe(error):
            if message not in messages:
                messages.append(message)
    return messages


def _document_order(error: ValidationError) -> list[tuple[bool, Any]]:
    return [(isinstance(part, str), part) for part in error.absolute_path]


def _describe(error: ValidationError) -> list[str]:
    """Rewrite jsonschema's messages so each one names the field at fault, not its parent."""
    parts = list(error.absolute_path)
    path = json_path(parts) or "definition"
    instance = error.instance
    if error.validator == "required":
        # A requirement from an if/then names what triggered it: "... when kind is 'screening'".
        when = ""
        if "then" in error.schema_path or "else" in error.schema_path:
            key = "kind" if "kind" in instance else "type"
            when = f" when {key} is {instance.get(key)!r}"
        return [
            f"{json_path([*parts, name])}: is required{when}"
            for name in error.validator_value
            if name not in instance
        ]
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        return [f"{json_path([*parts, name])}: is not a field of this format" for name in instance
                if name not in known]
    if error.validator == "not" and error.validator_value == {}:  # $defs/forbidden
        return [f"{path}: is not allowed with this type"]
    if error.validator == "contains" and "const" in error.validator_value:
        return [f"{path}: must include {error.validator_value['const']!r}"]
    if (
        error.validator == "type"
        and error.validator_value == "string"
        and isinstance(instance, int | float)
        and not isinstance(instance, bool)
    ):
        # YAML reads `version: 1.0` and `code: 12` as numbers; the fix is to quote them.
        return [f"{path}: {instance!r} is a number, not a string (put it in quotes)"]
    return [f"{path}: {error.message}"]


# --- semantic rules and building -------------------------------------------------------------


class _Builder:
    """Turns schema-valid data into dataclasses, checking the rules the schema cannot express.

    Each method receives the raw data and its JSON path, so every error names the field at fault.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.languages: tuple[str, ...] = tuple(data["languages"])
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def build(self) -> InstrumentDefinition:
        data = self.data
        self.format = data["format"]
        scales = self.listed("scales", "scale", self.scale)
        self.scales = {scale.code: scale for scale in scales}
        need_areas = self.listed("need_areas", "need area", self.need_area)
        self.need_area_codes = {area.code for area in need_areas}
        domains = self.listed("domains", "domain", self.domain)
        # Item codes are unique across the whole instrument: ratings are keyed by item code alone.
        self.unique("item", [
            (item.code, f"domains[{i}].items[{j}].code")
            for i, domain in enumerate(domains)
            for j, item in enumerate(domain.items)
        ])
        self.items = {item.code: item for domain in domains for item in domain.items}
        for i, domain in enumerate(domains):
            for j, item in enumerate(domain.items):
                if item.when:
                    self.condition(item.when, None, f"domains[{i}].items[{j}].when")
        self.no_condition_cycles(domains)
        additional = None
        self.format_2(data, ("additional_factors",), "")
        if "additional_factors" in data:
            additional = self.additional_factors(data["additional_factors"], "",
                                                 "additional_factors")
        subscales = self.listed("subscales", "subscale", self.subscale)
        self.subscale_codes = {subscale.code for subscale in subscales}
        outputs = self.listed("outputs", "output", self.output)
        canonical = canonical_json(data)
        return InstrumentDefinition(
            code=data["code"],
            version=data["version"],
            kind=Kind(data["kind"]),
            format=self.format,
            name=self.text(data, "name", ""),
            description=self.text(data, "description", ""),
            languages=self.languages,
            licence=data["licence"],
            licence_notes=data.get("licence_notes", ""),
            scales=scales,
            domains=domains,
            need_areas=need_areas,
            subscales=subscales,
            outputs=outputs,
            overall_judgement=self.choice(data.get("overall_judgement"), "overall_judgement",
                                          formulation_allowed=True),
            outcomes=self.choice(data.get("outcomes"), "outcomes"),
            bias_check=self.bias_check(data.get("bias_check"), "bias_check"),
            additional_factors=additional,
            content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
            canonical_json=canonical,
        )

    # helpers

    def text(self, raw: dict[str, Any], key: str, path: str) -> Any:
        """raw[key] as a LocalisedText (None if absent), checked against the declared languages."""
        if key not in raw:
            return None
        path = f"{path}.{key}" if path else key
        texts = raw[key]
        for language in self.languages:
            if language not in texts:
                self.error(f"{path}.{language}", "is required (each declared language needs one)")
        for language in texts:
            if language not in self.languages:
                self.error(f"{path}.{language}", f"{language!r} is not a declared language")
        # Mapping-derived tuples are put in a fixed order so that equal content gives equal
        # dataclasses, whatever order the author (or a YAML dumper) wrote the keys in.
        ordered = [language for language in self.languages if language in texts]
        return LocalisedText(tuple((language, texts[language]) for language in ordered))

    def unique(self, what: str, codes: list[tuple[str, str]]) -> None:
        first_use: dict[str, str] = {}
        for code, path in codes:
            if code in first_use:
                self.error(path, f"duplicate {what} code {code!r} (first at {first_use[code]})")
            else:
                first_use[code] = path

    def unique_codes(self, what: str, raws: list[dict[str, Any]], path: str) -> None:
        self.unique(what, [(raw["code"], f"{path}[{i}].code") for i, raw in enumerate(raws)])

    def listed(self, key: str, what: str, build: Any) -> tuple[Any, ...]:
        raws = self.data.get(key, [])
        self.unique_codes(what, raws, key)
        return tuple(build(raw, f"{key}[{i}]") for i, raw in enumerate(raws))

    def format_2(self, raw: dict[str, Any], keys: tuple[str, ...], path: str) -> None:
        """Refuse a format-2 field in a format-1 file: the author must say which format they
        write, so that a format-1 file always means what it meant."""
        if self.format >= 2:
            return
        for key in keys:
            if key in raw:
                where = f"{path}.{key}" if path else key
                self.error(where, "needs format: 2 (this file declares format: 1)")

    def finite(self, value: float, path: str) -> None:
        # YAML accepts .nan and .inf as numbers; neither can be compared or stored as JSON.
        if not math.isfinite(value):
            self.error(path, f"{value!r} is not a finite number")

    # sections

    def scale(self, raw: dict[str, Any], path: str) -> Scale:
        scale_type = ScaleType(raw["type"])
        points = tuple(
            Point(
                p["code"],
                p["value"],
                self.text(p, "label", f"{path}.points[{i}]"),
                self.text(p, "description", f"{path}.points[{i}]"),
            )
            for i, p in enumerate(raw.get("points", []))
        )
        self.unique_codes("point", raw.get("points", []), f"{path}.points")
        values_seen: dict[float, int] = {}
        for i, point in enumerate(points):
            self.finite(point.value, f"{path}.points[{i}].value")
            if point.code in RESERVED:
                self.error(f"{path}.points[{i}].code", f"{point.code!r} is reserved (for "
                           "'not enough information' and 'not applicable') and cannot be a "
                           "point of a scale")
            if point.value in values_seen:
                # Comparison over time and subscale arithmetic need one value per point.
                self.error(f"{path}.points[{i}].value", f"{point.value!r} is already the value of "
                           f"{path}.points[{values_seen[point.value]}]")
            values_seen.setdefault(point.value, i)
        if scale_type is ScaleType.PRESENT_ABSENT:
            by_code = {point.code: point.value for point in points}
            if sorted(by_code) != ["absent", "present"] or len(points) != 2:
                self.error(f"{path}.points", "a present_absent scale has exactly the points "
                           "'absent' and 'present'")
            elif by_code["absent"] >= by_code["present"]:
                # Comparison reads absent -> present as "up"; the values must say so too.
                self.error(f"{path}.points", "'absent' must have a lower value than 'present'")
        self.format_2(raw, ("direction", "ordered"), path)
        ordered = raw.get("ordered", True)
        if not ordered and scale_type is not ScaleType.ORDINAL:
            self.error(f"{path}.ordered", f"a {scale_type.value} scale is always ordered")
        if "direction" in raw and not ordered:
            self.error(f"{path}.direction", "a scale whose points are not ordered has no "
                       "direction (remove direction, or the 'ordered: false')")
        minimum, maximum = raw.get("min"), raw.get("max")
        integer = raw.get("integer", True)
        if scale_type is ScaleType.NUMERIC:
            self.finite(minimum, f"{path}.min")
            self.finite(maximum, f"{path}.max")
            if minimum >= maximum:
                self.error(f"{path}.max", f"{maximum!r} is not greater than min {minimum!r}")
            for key, bound in (("min", minimum), ("max", maximum)):
                if integer and math.isfinite(bound) and bound != int(bound):
                    self.error(f"{path}.{key}", f"{bound!r} is not a whole number, but the scale "
                               "accepts only whole numbers")
        return Scale(
            code=raw["code"],
            type=scale_type,
            label=self.text(raw, "label", path),
            points=points,
            minimum=minimum,
            maximum=maximum,
            integer=integer,
            unit=self.text(raw, "unit", path),
            direction=Direction(raw["direction"]) if "direction" in raw else None,
            ordered=ordered,
        )

    def need_area(self, raw: dict[str, Any], path: str) -> NeedArea:
        return NeedArea(
            raw["code"], self.text(raw, "label", path), self.text(raw, "description", path)
        )

    def domain(self, raw: dict[str, Any], path: str) -> Domain:
        self.format_2(raw, ("judgement", "additional_factors"), path)
        factors = None
        if "additional_factors" in raw:
            factors = self.additional_factors(raw["additional_factors"], raw["code"],
                                              f"{path}.additional_factors")
        return Domain(
            code=raw["code"],
            name=self.text(raw, "name", path),
            description=self.text(raw, "description", path),
            items=tuple(
                self.item(item, raw["code"], f"{path}.items[{j}]")
                for j, item in enumerate(raw["items"])
            ),
            judgement=self.choice(raw.get("judgement"), f"{path}.judgement"),
            additional_factors=factors,
        )

    def rating_specs(self, raw: dict[str, Any], path: str) -> tuple[RatingSpec, ...]:
        """An item's (or an additional factor's) ratings: one bare `scale`, or named `ratings`."""
        if ("scale" in raw) == ("ratings" in raw):
            self.error(path, "give either scale (one rating) or ratings (several), not "
                       + ("both" if "scale" in raw else "neither"))
            return (RatingSpec("", raw.get("scale", "")),)
        if "scale" in raw:
            if raw["scale"] not in self.scales:
                self.error(f"{path}.scale", f"{raw['scale']!r} is not a declared scale")
            return (RatingSpec("", raw["scale"]),)
        self.format_2(raw, ("ratings",), path)
        self.unique_codes("rating", raw["ratings"], f"{path}.ratings")
        specs: list[RatingSpec] = []
        for k, r in enumerate(raw["ratings"]):
            r_path = f"{path}.ratings[{k}]"
            if r["scale"] not in self.scales:
                self.error(f"{r_path}.scale", f"{r['scale']!r} is not a declared scale")
            when = None
            if "when" in r:
                when = Condition(r["when"]["rating"], r["when"]["at_least"])
                earlier = {spec.code: spec for spec in specs}
                if k == 0:
                    self.error(f"{r_path}.when", "the first rating of an item is always asked; "
                               "only a later rating can depend on it")
                elif when.rating not in earlier:
                    self.error(f"{r_path}.when.rating", f"{when.rating!r} is not an earlier "
                               "rating of this item")
                else:
                    self.at_least(self.scales.get(earlier[when.rating].scale), when.at_least,
                                  f"{r_path}.when.at_least")
            specs.append(RatingSpec(
                code=r["code"], scale=r["scale"], label=self.text(r, "label", r_path),
                required=r.get("required", True), when=when))
        return tuple(specs)

    def at_least(self, scale: Scale | None, point: str, path: str) -> None:
        if scale is None:
            return  # the unknown scale is reported where it is named
        if scale.type is ScaleType.NUMERIC or not scale.ordered:
            self.error(path, f"a condition needs an ordered scale with points; {scale.code!r} "
                       "is " + ("numeric" if scale.type is ScaleType.NUMERIC else "not ordered"))
        elif scale.point(point) is None:
            self.error(path, f"{point!r} is not a point of scale {scale.code!r}")

    def condition(self, when: Condition, item: Item | None, path: str) -> None:
        """An item's condition on another item, checked once every item is known."""
        target = self.items.get(when.item)
        if target is None:
            self.error(f"{path}.item", f"{when.item!r} is not a declared item")
            return
        spec = target.rating_spec(when.rating) if when.rating else target.primary
        if spec is None:
            self.error(f"{path}.rating", f"{when.rating!r} is not a rating of item "
                       f"{target.code!r}")
            return
        self.at_least(self.scales.get(spec.scale), when.at_least, f"{path}.at_least")

    def no_condition_cycles(self, domains: tuple[Domain, ...]) -> None:
        """An item asked only when another is rated, which is asked only when the first is,
        would never be asked: refuse the loop."""
        depends = {item.code: item.when.item for d in domains for item in d.items if item.when}
        for i, domain in enumerate(domains):
            for j, item in enumerate(domain.items):
                seen, code = {item.code}, depends.get(item.code)
                while code is not None:
                    if code in seen:
                        self.error(f"domains[{i}].items[{j}].when.item", "conditions go round "
                                   f"in a circle back to {item.code!r}")
                        break
                    seen.add(code)
                    code = depends.get(code)

    def additional_factors(self, raw: dict[str, Any], domain: str, path: str) -> AdditionalFactors:
        specs = self.rating_specs(raw, path)
        return AdditionalFactors(
            domain=domain, maximum=raw["max"], ratings=specs,
            label=self.text(raw, "label", path), guidance=self.text(raw, "guidance", path),
            unknown_allowed=raw.get("unknown_allowed", False),
            evidence_required=raw.get("evidence_required", True),
            protective=raw.get("protective", False))

    def item(self, raw: dict[str, Any], domain: str, path: str) -> Item:
        self.format_2(raw, ("not_applicable_allowed", "when"), path)
        specs = self.rating_specs(raw, path)
        scale = self.scales.get(specs[0].scale)
        if "when" in raw and raw["when"]["item"] == raw["code"]:
            self.error(f"{path}.when.item", "an item cannot depend on itself; to ask one rating "
                       "only after another, put both in the item's ratings")
        for k, area in enumerate(raw.get("need_areas", [])):
            if area not in self.need_area_codes:
                self.error(f"{path}.need_areas[{k}]", f"{area!r} is not a declared need area")
        guidance = None
        if "guidance" in raw:
            g, g_path = raw["guidance"], f"{path}.guidance"
            for code in g.get("points", {}):
                if scale is not None and scale.point(code) is None:
                    self.error(f"{g_path}.points.{code}",
                               f"{code!r} is not a point of scale {scale.code!r}")
            # Scale order; a code off the scale is already an error, so where it sorts is moot.
            order = [point.code for point in scale.points] if scale else []
            in_scale_order = sorted(
                g.get("points", {}), key=lambda code: order.index(code) if code in order else 0
            )
            guidance = Guidance(
                text=self.text(g, "text", g_path),
                points=tuple(
                    (code, self.text(g["points"], code, f"{g_path}.points"))
                    for code in in_scale_order
                ),
                not_an_indicator=self.text(g, "not_an_indicator", g_path),
            )
        when = raw.get("when")
        return Item(
            code=raw["code"],
            domain=domain,
            text=self.text(raw, "text", path),
            scale=specs[0].scale,
            ratings=specs,
            not_applicable_allowed=raw.get("not_applicable_allowed", False),
            when=Condition(when.get("rating", ""), when["at_least"], when["item"]) if when
            else None,
            guidance=guidance,
            unknown_allowed=raw.get("unknown_allowed", False),
            required=raw.get("required", True),
            protective=raw.get("protective", False),
            need_areas=tuple(raw.get("need_areas", [])),
            evidence_required=raw.get("evidence_required", False),
        )

    def subscale(self, raw: dict[str, Any], path: str) -> Subscale:
        self.format_2(raw, ("rating",), path)
        rating = raw.get("rating", "")
        for k, code in enumerate(raw["items"]):
            item = self.items.get(code)
            if item is None:
                self.error(f"{path}.items[{k}]", f"{code!r} is not a declared item")
                continue
            spec = item.rating_spec(rating) if rating else item.primary
            if spec is None:
                self.error(f"{path}.items[{k}]", f"item {code!r} has no rating {rating!r}")
            elif spec.scale in self.scales and not self.scales[spec.scale].ordered:
                self.error(f"{path}.items[{k}]", f"item {code!r} is rated on scale "
                           f"{spec.scale!r}, whose points are not ordered: it cannot be summed")
        for k, code in enumerate(raw.get("reversed_items", [])):
            if code not in raw["items"]:
                self.error(f"{path}.reversed_items[{k}]", f"{code!r} is not in this subscale")
        min_answered = raw.get("min_answered", len(raw["items"]))
        if min_answered > len(raw["items"]):
            self.error(f"{path}.min_answered", f"{min_answered} is more than the "
                       f"{len(raw['items'])} items of the subscale")
        return Subscale(
            code=raw["code"],
            label=self.text(raw, "label", path),
            method=raw["method"],
            items=tuple(raw["items"]),
            reversed_items=tuple(raw.get("reversed_items", [])),
            min_answered=min_answered,
            advisory=raw.get("advisory", True),
            rating=rating,
        )

    def output(self, raw: dict[str, Any], path: str) -> Output:
        output_type = OutputType(raw["type"])
        for k, code in enumerate(raw.get("subscales", [])):
            if code not in self.subscale_codes:
                self.error(f"{path}.subscales[{k}]", f"{code!r} is not a declared subscale")
        for scale_code, level in raw.get("threshold", {}).items():
            self.threshold(scale_code, level, f"{path}.threshold.{scale_code}")
        if output_type is OutputType.PROTECTIVE_FACTORS and not any(
            item.protective or self.scales.get(item.scale, None) is not None
            and self.scales[item.scale].direction is Direction.PROTECTION
            for item in self.items.values()
        ):
            self.error(f"{path}.type", "a 'protective_factors' output needs at least one item "
                       "marked protective (or rated on a scale with direction: protection)")
        return Output(
            code=raw["code"],
            type=output_type,
            label=self.text(raw, "label", path),
            description=self.text(raw, "description", path),
            subscales=tuple(raw.get("subscales", [])),
            threshold=tuple(sorted(raw.get("threshold", {}).items())),
            advisory=raw.get("advisory", True),
        )

    def threshold(self, scale_code: str, level: str | float, path: str) -> None:
        scale = self.scales.get(scale_code)
        if scale is None:
            self.error(path, f"{scale_code!r} is not a declared scale")
        elif not scale.ordered:
            self.error(path, f"scale {scale_code!r} is not ordered: nothing is 'at or above' a "
                       "point of it")
        elif scale.type is ScaleType.NUMERIC:
            if isinstance(level, str):
                self.error(path, f"{level!r} is not a number (scale {scale_code!r} is numeric)")
            else:
                self.finite(level, path)
        elif not isinstance(level, str) or scale.point(level) is None:
            self.error(path, f"{level!r} is not a point of scale {scale_code!r}")

    def choice(self, raw: dict[str, Any] | None, path: str, *,
               formulation_allowed: bool = False) -> Choice | None:
        if raw is None:
            return None
        formulation_only = raw.get("formulation_only", False)
        self.format_2(raw, ("formulation_only",), path)
        if "formulation_only" in raw and not formulation_allowed:
            self.error(f"{path}.formulation_only", "only the overall judgement can be a "
                       "formulation only")
        options = raw.get("options", [])
        if formulation_only and options:
            self.error(f"{path}.options", "a judgement that is a formulation only has no options")
        elif not formulation_only and "options" not in raw:
            self.error(f"{path}.options", "is required (or formulation_only: true for an "
                       "overall judgement with no summary level)")
        elif not formulation_only and len(options) < 2:
            self.error(f"{path}.options", "should have at least 2 options")
        self.unique_codes("option", options, f"{path}.options")
        return Choice(
            label=self.text(raw, "label", path),
            options=tuple(
                Option(
                    code=o["code"],
                    label=self.text(o, "label", f"{path}.options[{i}]"),
                    description=self.text(o, "description", f"{path}.options[{i}]"),
                    review_date_required=o.get("review_date_required", False),
                )
                for i, o in enumerate(options)
            ),
            rationale_required=raw.get("rationale_required", True),
            formulation_only=formulation_only,
        )

    def bias_check(self, raw: dict[str, Any] | None, path: str) -> BiasCheck | None:
        if raw is None:
            return None
        questions = raw["questions"]
        self.unique_codes("question", questions, f"{path}.questions")
        return BiasCheck(
            intro=self.text(raw, "intro", path),
            questions=tuple(
                BiasQuestion(
                    code=q["code"],
                    text=self.text(q, "text", f"{path}.questions[{i}]"),
                    guidance=self.text(q, "guidance", f"{path}.questions[{i}]"),
                )
                for i, q in enumerate(questions)
            ),
        )
