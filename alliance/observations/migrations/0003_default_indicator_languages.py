"""The regional indicators of an existing database get the interface's new languages (sr in
Cyrillic, bs, hr, cnr).

0002 loads the defaults with get_or_create, so a database created before the languages were
added keeps rows without them and a reader of those languages sees English. This adds a
missing (or empty) language only; a text already there is never replaced. The texts are copied
from defaults.py as they stood when the languages were added: a migration must not change with
later code.

A translation is added only where the text it translates is still the shipped one: the English
name for every language, and for Serbian in Cyrillic also the Serbian Latin name it is the
transliteration of. An administrator who reworded an indicator owns its wording, and a default
translation of the old words would say something else; they add the languages in the admin.
A jurisdiction's own indicators are theirs and are not touched. Reversed, nothing changes: the
added names were right and removing them would lose any an administrator edited since."""

from django.db import migrations

# code: (English name, Serbian Latin name, {language: name}).
NEW_LANGUAGES = {
    "glorifies_violence": (
        "Glorifies or justifies violence", "Veliča ili opravdava nasilje",
        {"sr": "Велича или оправдава насиље", "bs": "Veliča ili opravdava nasilje",
         "hr": "Veliča ili opravdava nasilje", "cnr": "Veliča ili opravdava nasilje"}),
    "threatens": (
        "Threatens staff or other prisoners", "Preti osoblju ili drugim zatvorenicima",
        {"sr": "Прети особљу или другим затвореницима",
         "bs": "Prijeti osoblju ili drugim zatvorenicima",
         "hr": "Prijeti osoblju ili drugim zatvorenicima",
         "cnr": "Prijeti osoblju ili drugim zatvorenicima"}),
    "recruits": (
        "Tries to recruit or pressure others",
        "Pokušava da regrutuje druge ili vrši pritisak na njih",
        {"sr": "Покушава да регрутује друге или врши притисак на њих",
         "bs": "Pokušava regrutovati druge ili vrši pritisak na njih",
         "hr": "Pokušava novačiti druge ili vrši pritisak na njih",
         "cnr": "Pokušava da regrutuje druge ili vrši pritisak na njih"}),
    "extremist_material": (
        "Holds or spreads extremist material", "Poseduje ili širi ekstremistički materijal",
        {"sr": "Поседује или шири екстремистички материјал",
         "bs": "Posjeduje ili širi ekstremistički materijal",
         "hr": "Posjeduje ili širi ekstremistički materijal",
         "cnr": "Posjeduje ili širi ekstremistički materijal"}),
    "grouping": (
        "Leads or joins an extremist grouping on the wing",
        "Vodi ekstremističku grupu na odeljenju ili joj se pridružuje",
        {"sr": "Води екстремистичку групу на одељењу или јој се придружује",
         "bs": "Vodi ekstremističku grupu na odjeljenju ili joj se pridružuje",
         "hr": "Vodi ekstremističku skupinu na odjelu ili joj se pridružuje",
         "cnr": "Vodi ekstremističku grupu na odjeljenju ili joj se pridružuje"}),
    "network_contact": (
        "Contact with known extremist networks", "Kontakti sa poznatim ekstremističkim mrežama",
        {"sr": "Контакти са познатим екстремистичким мрежама",
         "bs": "Kontakti sa poznatim ekstremističkim mrežama",
         "hr": "Kontakti s poznatim ekstremističkim mrežama",
         "cnr": "Kontakti sa poznatim ekstremističkim mrežama"}),
    "sudden_change": (
        "Sudden change in behaviour, appearance or associations",
        "Nagla promena ponašanja, izgleda ili društva",
        {"sr": "Нагла промена понашања, изгледа или друштва",
         "bs": "Nagla promjena ponašanja, izgleda ili društva",
         "hr": "Nagla promjena ponašanja, izgleda ili društva",
         "cnr": "Nagla promjena ponašanja, izgleda ili društva"}),
    "attack_talk": (
        "Talks of planning an attack, or of martyrdom",
        "Govori o planiranju napada ili o mučeništvu",
        {"sr": "Говори о планирању напада или о мучеништву",
         "bs": "Govori o planiranju napada ili o mučeništvu",
         "hr": "Govori o planiranju napada ili o mučeništvu",
         "cnr": "Govori o planiranju napada ili o mučeništvu"}),
}


def names_with_new_languages(name: str, names: dict, shipped: tuple) -> dict:
    """`names` with each new language it lacks, where the text translated is the shipped one."""
    english, serbian_latin, translations = shipped
    names = dict(names or {})
    if name != english:
        return names
    for language, text in translations.items():
        if (names.get(language) or "").strip():
            continue
        if language == "sr" and names.get("sr-latn") != serbian_latin:
            continue
        names[language] = text
    return names


def add_new_languages(apps, schema_editor):
    Indicator = apps.get_model("observations", "Indicator")
    for indicator in Indicator.objects.filter(jurisdiction=None, code__in=NEW_LANGUAGES):
        names = names_with_new_languages(indicator.name, indicator.names,
                                         NEW_LANGUAGES[indicator.code])
        if names != (indicator.names or {}):
            indicator.names = names
            indicator.save(update_fields=["names", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("observations", "0002_default_indicators")]
    operations = [migrations.RunPython(add_new_languages, migrations.RunPython.noop)]
