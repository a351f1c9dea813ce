"""The instruments in every language of the region, and the translation-only update of a
published version (docs/instruments.md, "Versioning")."""

import io
import json
import re
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from alliance.assessments import services
from alliance.assessments.instruments import (
    InstrumentDefinitionError,
    load_definition,
    parse_definition,
    reference_definition_paths,
)
from alliance.assessments.instruments.definition import LocalisedText, languages_added
from alliance.assessments.models import InstrumentVersion
from alliance.core.models import AuditEvent
from alliance.languages.cyrillic import to_cyrillic

from ..conftest import login

ALL_LANGUAGES = ("en", "sq", "sr-latn", "mk", "sr", "bs", "hr", "cnr")
ADDED = ("sr", "bs", "hr", "cnr")
REFUSED = "is already published with different content"


def _texts(node: Any):
    """Every localised text (a mapping with an English entry) of a definition's raw data."""
    if isinstance(node, dict):
        if "en" in node and all(isinstance(value, str) for value in node.values()):
            yield node
            return
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def _shipped(name: str) -> tuple[str, dict[str, Any]]:
    path = next(p for p in reference_definition_paths() if p.name == name)
    text = path.read_text(encoding="utf-8")
    return text, yaml.safe_load(text)


def _without(data: dict[str, Any], languages: tuple[str, ...]) -> str:
    """The definition as it was published before `languages` were added, as JSON."""
    data = json.loads(json.dumps(data))
    data["languages"] = [lang for lang in data["languages"] if lang not in languages]
    for text in _texts(data):
        for lang in languages:
            text.pop(lang, None)
    return json.dumps(data, ensure_ascii=False)


# --- the shipped texts -------------------------------------------------------------------------


@pytest.mark.parametrize("path", reference_definition_paths(), ids=lambda path: path.name)
def test_each_reference_instrument_is_in_all_eight_languages(path):
    definition = load_definition(path)

    assert definition.languages == ALL_LANGUAGES
    assert {lang: bool(definition.name.get(lang)) for lang in ALL_LANGUAGES} == dict.fromkeys(
        ALL_LANGUAGES, True
    )


@pytest.mark.parametrize("path", reference_definition_paths(), ids=lambda path: path.name)
def test_the_cyrillic_texts_are_the_latin_ones_transliterated(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    mismatched = [text["sr-latn"] for text in _texts(data) if text["sr"] != to_cyrillic(text["sr-latn"])]

    assert mismatched == []


# Ekavian spellings that have no place in an ijekavian text (bs, hr, cnr), and words that belong
# to another standard than the one the text is written in.
EKAVIAN = r"procen\w*|uveren\w*|ocen[aeiu]\w*|vers[kc]\w*|promen\w*|pre|posle|gde|uvek|reč|reči|rečima"
NOT_IN = {
    "hr": r"bezbjedn\w*|porodic\w*|istorij\w*|opštin\w*|uslov\w*|činila\w*|činioc\w*|tokom",
    "bs": r"bezbjedn\w*|istorij\w*|opštin\w*",
    "cnr": r"sigurnost\w*|historij\w*|općin\w*|povijest\w*",
}


@pytest.mark.parametrize("language", ["bs", "hr", "cnr"])
def test_the_bosnian_croatian_and_montenegrin_texts_are_ijekavian_in_their_own_words(language):
    found = set()
    for path in reference_definition_paths():
        for text in _texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            words = set(re.findall(r"\w+", text[language].lower()))
            found |= {w for w in words if re.fullmatch(EKAVIAN, w)}
            found |= {w for w in words if re.fullmatch(NOT_IN[language], w)}

    assert found == set()


def test_serbian_cyrillic_is_never_served_from_the_latin_text_when_both_exist():
    label = LocalisedText(
        (("en", "High"), ("sr-latn", "Visoko"), ("sr", "Високо"), ("hr", "Visoko (hr)"))
    )

    assert label.get("sr") == "Високо"
    assert label.get("sr-Cyrl") == "Високо"
    assert label.get("sr-latn") == "Visoko"
    assert label.get("sr_Latn") == "Visoko"
    assert label.get("hr") == "Visoko (hr)"


def test_a_reader_of_one_serbian_script_gets_the_other_before_english():
    assert LocalisedText((("en", "High"), ("sr-latn", "Visoko"))).get("sr") == "Visoko"
    assert LocalisedText((("en", "High"), ("sr", "Високо"))).get("sr-latn") == "Високо"


def test_the_validator_accepts_the_new_language_tags_and_wants_a_text_in_each():
    _text, data = _shipped("working-alliance-v1.yaml")
    del data["domains"][0]["items"][0]["text"]["cnr"]

    with pytest.raises(InstrumentDefinitionError) as refused:
        parse_definition(json.dumps(data, ensure_ascii=False))

    assert refused.value.errors == [
        "domains[0].items[0].text.cnr: is required (each declared language needs one)"
    ]


# --- translation only: what counts -------------------------------------------------------------


def test_added_languages_are_the_only_difference_of_the_shipped_translation():
    text, data = _shipped("screening-v1.yaml")
    published = parse_definition(_without(data, ADDED))

    assert languages_added(published, parse_definition(text)) == ADDED
    assert languages_added(parse_definition(text), published) == ()


@pytest.mark.parametrize("change", ["text", "flag", "scoring", "code", "dropped language"])
def test_any_other_difference_is_not_a_translation(change):
    text, data = _shipped("risk-needs-v1.yaml")
    published = parse_definition(_without(data, ADDED))
    item = data["domains"][0]["items"][0]
    if change == "text":
        item["text"]["en"] += " (revised)"
    elif change == "flag":
        item["evidence_required"] = not item.get("evidence_required", False)
    elif change == "scoring":
        data["scales"][0]["points"][2]["value"] = 3
    elif change == "code":
        data["need_areas"][0]["code"] = "ideology_beliefs"
        for domain in data["domains"]:
            for other in domain["items"]:
                other["need_areas"] = [
                    "ideology_beliefs" if a == "ideology" else a for a in other.get("need_areas", [])
                ]
    else:
        data = json.loads(_without(data, ("sq",)))
        published = parse_definition(_without(yaml.safe_load(text), ("sq", *ADDED)))
        data["languages"] = [lang for lang in data["languages"] if lang != "mk"]
        for one in _texts(data):
            one.pop("mk")
    candidate = parse_definition(json.dumps(data, ensure_ascii=False))

    assert languages_added(published, candidate) == ()


# --- loading: the mature path ------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_the_translation_of_a_published_version_adds_its_languages_audited(world):
    text, data = _shipped("risk-needs-v1.yaml")
    original, _created = services.instrument_load(actor=world.admin, text=_without(data, ADDED))
    old_hash = original.content_hash

    loaded = services.instrument_load(actor=world.admin, text=text, filename="risk-needs-v1.yaml")

    version = loaded.version
    version.refresh_from_db()
    assert (loaded.published, loaded.created, loaded.languages_added) == (True, False, ADDED)
    assert version.pk == original.pk
    assert version.parsed.languages == ALL_LANGUAGES
    assert version.content_hash == parse_definition(text).content_hash != old_hash
    assert version.parsed.item("BA1").text.get("hr").startswith("Uvjerenje da je nasilje")
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.object_uuid, event.actor_id) == (
        "change",
        str(version.uuid),
        world.admin.pk,
    )
    assert event.details["change"] == "languages_added"
    assert event.details["languages"] == list(ADDED)
    assert (event.details["previous_hash"], event.details["hash"]) == (old_hash, version.content_hash)
    assert InstrumentVersion.objects.count() == 1


@pytest.mark.django_db
def test_loading_the_same_translation_again_changes_nothing(world):
    text, data = _shipped("working-alliance-v1.yaml")
    services.instrument_load(actor=world.admin, text=_without(data, ADDED))
    services.instrument_load(actor=world.admin, text=text)
    events = AuditEvent.objects.count()

    loaded = services.instrument_load(actor=world.admin, text=text)

    assert (loaded.published, loaded.languages_added) == (False, ())
    assert loaded.version.parsed.languages == ALL_LANGUAGES
    assert loaded.message() == (
        "Working alliance measure (reference) 1.0 was already published with the same content."
    )
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_changed_item_text_with_new_languages_is_still_refused(world):
    text, data = _shipped("risk-needs-v1.yaml")
    original, _created = services.instrument_load(actor=world.admin, text=_without(data, ADDED))
    data["domains"][0]["items"][0]["text"]["en"] = "Belief that violence is justified"
    events = AuditEvent.objects.count()

    with pytest.raises(InstrumentDefinitionError) as refused:
        services.instrument_load(actor=world.admin, text=json.dumps(data, ensure_ascii=False))

    assert REFUSED in refused.value.errors[0]
    original.refresh_from_db()
    assert original.parsed.languages == ("en", "sq", "sr-latn", "mk")
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_an_administrator_uploads_the_translation_on_the_loading_page(world):
    text, data = _shipped("screening-v1.yaml")
    services.instrument_load(actor=world.admin, text=_without(data, ADDED))
    upload = SimpleUploadedFile("screening-v1.yaml", text.encode("utf-8"))

    response = login(world.admin).post(
        reverse("assessments:instrument_load"), {"file": upload}, follow=True
    )

    assert response.redirect_chain == [(reverse("assessments:instruments"), 302)]
    assert "Added sr, bs, hr, cnr to Radicalisation concern screening 1.0." in (
        response.content.decode()
    )
    version = InstrumentVersion.objects.get()
    assert version.parsed.languages == ALL_LANGUAGES
    assert version.parsed.name.get("cnr") == "Skrining zabrinutosti zbog radikalizacije"


@pytest.mark.django_db
def test_the_message_names_the_added_languages_and_the_instrument_in_the_readers_language(world):
    text, data = _shipped("risk-needs-v1.yaml")
    services.instrument_load(actor=world.admin, text=_without(data, ADDED))

    loaded = services.instrument_load(actor=world.admin, text=text)

    with translation.override("hr"):
        message = loaded.message()
    assert message == (f"Dodano u {loaded.version.parsed.name.get('hr')} 1.0: "
                       "sr, bs, hr, cnr.")
    assert loaded.version.parsed.name.get("hr") != loaded.version.parsed.name.get("en")


@pytest.mark.django_db
def test_a_new_version_is_reported_as_published_and_still_unpacks_as_before(world):
    text, _data = _shipped("screening-v1.yaml")

    loaded = services.instrument_load(actor=world.admin, text=text)
    version, published = loaded

    assert (loaded.created, loaded.languages_added, published) == (True, (), True)
    assert version == loaded.version
    assert loaded.message() == "Published Radicalisation concern screening 1.0."


@pytest.mark.django_db
def test_the_command_says_which_languages_it_added(world, tmp_path):
    text, data = _shipped("working-alliance-v1.yaml")
    before = tmp_path / "working-alliance-before.json"
    before.write_text(_without(data, ADDED), encoding="utf-8")
    translated = tmp_path / "working-alliance-v1.yaml"
    translated.write_text(text, encoding="utf-8")
    out = io.StringIO()

    call_command("load_instrument", str(before), str(translated), str(translated), stdout=out)

    assert out.getvalue().splitlines() == [
        "working-alliance-before.json: Published Working alliance measure (reference) 1.0.",
        "working-alliance-v1.yaml: Added sr, bs, hr, cnr to Working alliance measure (reference) 1.0.",
        "working-alliance-v1.yaml: Working alliance measure (reference) 1.0 was already "
        "published with the same content.",
    ]
