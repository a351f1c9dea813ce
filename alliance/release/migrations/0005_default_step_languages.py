"""The regional pre-release programme of an existing database gets the interface's new
languages (sr in Cyrillic, bs, hr, cnr), in its steps' names and their checklist items'.

0002 loads the defaults with get_or_create, so a database created before the languages were
added keeps steps without them and a reader of those languages sees English. This adds a
missing (or empty) language only; a text already there is never replaced. The texts are copied
from defaults.py as they stood when the languages were added: a migration must not change with
later code.

A translation is added only where the text it translates is still the shipped one: the English
name for every language, and for Serbian in Cyrillic also the Serbian Latin name it is the
transliteration of. An administrator who reworded a step or an item owns its wording, and a
default translation of the old words would say something else; they add the languages in the
admin. Items an administrator added to a default step, and a jurisdiction's own steps (those
that replace a default too), are theirs and are not touched. Reversed, nothing changes: the
added names were right and removing them would lose any an administrator edited since."""

from django.db import migrations

# step code: (English name, Serbian Latin name, {language: name}).
STEP_NAMES = {
    "release_planning": (
        "Release planning starts", "Počinje planiranje otpusta",
        {"sr": "Почиње планирање отпуста", "bs": "Počinje planiranje otpusta",
         "hr": "Počinje planiranje otpusta", "cnr": "Počinje planiranje otpusta"}),
    "reassessment": (
        "Risk and needs reassessment", "Ponovna procena rizika i potreba",
        {"sr": "Поновна процена ризика и потреба", "bs": "Ponovna procjena rizika i potreba",
         "hr": "Ponovna procjena rizika i potreba", "cnr": "Ponovna procjena rizika i potreba"}),
    "support_plan": (
        "Post-release support plan drafted with probation and the reintegration division",
        "Plan podrške nakon otpusta izrađen sa probacijom i odeljenjem za reintegraciju",
        {"sr": "План подршке након отпуста израђен са пробацијом и одељењем за реинтеграцију",
         "bs": "Plan podrške nakon otpusta izrađen sa probacijom i odjeljenjem za reintegraciju",
         "hr": "Plan potpore nakon otpusta izrađen s probacijom i odjelom za reintegraciju",
         "cnr": "Plan podrške nakon otpusta izrađen sa probacijom i odjeljenjem za reintegraciju"}),
    "case_conference": (
        "Multi-agency case conference", "Multiagencijska konferencija o slučaju",
        {"sr": "Мултиагенцијска конференција о случају",
         "bs": "Multiagencijska konferencija o slučaju",
         "hr": "Multiagencijska konferencija o slučaju",
         "cnr": "Multiagencijska konferencija o slučaju"}),
    "handover": (
        "Handover to probation and the reintegration division",
        "Primopredaja probaciji i odeljenju za reintegraciju",
        {"sr": "Примопредаја пробацији и одељењу за реинтеграцију",
         "bs": "Primopredaja probaciji i odjeljenju za reintegraciju",
         "hr": "Primopredaja probaciji i odjelu za reintegraciju",
         "cnr": "Primopredaja probaciji i odjeljenju za reintegraciju"}),
    "accommodation": (
        "Accommodation confirmed", "Smeštaj je potvrđen",
        {"sr": "Смештај је потврђен", "bs": "Smještaj je potvrđen",
         "hr": "Smještaj je potvrđen", "cnr": "Smještaj je potvrđen"}),
    "identity_documents": (
        "Identity documents ready", "Lična dokumenta su spremna",
        {"sr": "Лична документа су спремна", "bs": "Lični dokumenti su spremni",
         "hr": "Osobni dokumenti su spremni", "cnr": "Lična dokumenta su spremna"}),
    "release_day": (
        "Release day: met at the gate, first appointment given",
        "Dan otpusta: dočekan na kapiji, dobio prvi termin",
        {"sr": "Дан отпуста: дочекан на капији, добио први термин",
         "bs": "Dan otpusta: dočekan na kapiji, dobio prvi termin",
         "hr": "Dan otpusta: dočekan pred vratima, dobio prvi termin",
         "cnr": "Dan otpusta: dočekan na kapiji, dobio prvi termin"}),
}

# (step code, item code): (English name, Serbian Latin name, {language: name}).
ITEM_NAMES = {
    ("release_planning", "case_manager_named"): (
        "Case manager for the release named", "Određen je voditelj slučaja za otpust",
        {"sr": "Одређен је водитељ случаја за отпуст",
         "bs": "Određen je voditelj slučaja za otpust",
         "hr": "Određen je voditelj slučaja za otpust",
         "cnr": "Određen je voditelj slučaja za otpust"}),
    ("release_planning", "person_informed"): (
        "The person told about the programme", "Osoba je obaveštena o programu",
        {"sr": "Особа је обавештена о програму", "bs": "Osoba je obaviještena o programu",
         "hr": "Osoba je obaviještena o programu", "cnr": "Osoba je obaviještena o programu"}),
    ("support_plan", "pathways_assessed"): (
        "Every pathway's needs written down", "Potrebe za svaku oblast su zapisane",
        {"sr": "Потребе за сваку област су записане", "bs": "Potrebe za svaku oblast su zapisane",
         "hr": "Potrebe za svako područje su zapisane",
         "cnr": "Potrebe za svaku oblast su zapisane"}),
    ("support_plan", "municipality_involved"): (
        "Receiving municipality involved", "Uključena je opština prijema",
        {"sr": "Укључена је општина пријема", "bs": "Uključena je općina prijema",
         "hr": "Uključena je općina u koju se osoba vraća",
         "cnr": "Uključena je opština prijema"}),
    ("support_plan", "family_involved"): (
        "Family involved, where appropriate", "Porodica je uključena, kada je to primereno",
        {"sr": "Породица је укључена, када је то примерено",
         "bs": "Porodica je uključena, kada je to primjereno",
         "hr": "Obitelj je uključena, kada je to primjereno",
         "cnr": "Porodica je uključena, kada je to primjereno"}),
    ("identity_documents", "identity_card"): (
        "Identity card", "Lična karta",
        {"sr": "Лична карта", "bs": "Lična karta", "hr": "Osobna iskaznica",
         "cnr": "Lična karta"}),
    ("identity_documents", "birth_certificate"): (
        "Birth certificate", "Izvod iz matične knjige rođenih",
        {"sr": "Извод из матичне књиге рођених", "bs": "Izvod iz matične knjige rođenih",
         "hr": "Izvadak iz matice rođenih", "cnr": "Izvod iz matične knjige rođenih"}),
    ("identity_documents", "health_insurance"): (
        "Health insurance registration", "Prijava na zdravstveno osiguranje",
        {"sr": "Пријава на здравствено осигурање", "bs": "Prijava na zdravstveno osiguranje",
         "hr": "Prijava na zdravstveno osiguranje",
         "cnr": "Prijava na zdravstveno osiguranje"}),
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


def checklist_with_new_languages(step_code: str, checklist: list) -> list:
    """The checklist with the new languages in each shipped item; other items as they are."""
    result = []
    for item in checklist or []:
        shipped = ITEM_NAMES.get((step_code, item.get("code"))) if isinstance(item, dict) else None
        if shipped is not None:
            item = {**item, "names": names_with_new_languages(item.get("name", ""),
                                                              item.get("names"), shipped)}
        result.append(item)
    return result


def add_new_languages(apps, schema_editor):
    StepTemplate = apps.get_model("release", "StepTemplate")
    for step in StepTemplate.objects.filter(jurisdiction=None, code__in=STEP_NAMES):
        names = names_with_new_languages(step.name, step.names, STEP_NAMES[step.code])
        checklist = checklist_with_new_languages(step.code, step.checklist)
        if names != (step.names or {}) or checklist != (step.checklist or []):
            step.names, step.checklist = names, checklist
            step.save(update_fields=["names", "checklist", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("release", "0004_step_evidence_code")]
    operations = [migrations.RunPython(add_new_languages, migrations.RunPython.noop)]
