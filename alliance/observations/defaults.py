"""The regional escalation indicators every jurisdiction starts with (a data migration loads
them; an administrator deactivates or adds in the admin). Names in each interface language."""

INDICATORS = [
    ("glorifies_violence", "Glorifies or justifies violence", {
        "sq": "Lavdëron ose justifikon dhunën", "sr-latn": "Veliča ili opravdava nasilje",
        "mk": "Го велича или оправдува насилството",
        "sr": "Велича или оправдава насиље", "bs": "Veliča ili opravdava nasilje",
        "hr": "Veliča ili opravdava nasilje", "cnr": "Veliča ili opravdava nasilje"}),
    ("threatens", "Threatens staff or other prisoners", {
        "sq": "Kërcënon stafin ose të burgosurit e tjerë",
        "sr-latn": "Preti osoblju ili drugim zatvorenicima",
        "mk": "Му се заканува на персоналот или на другите затвореници",
        "sr": "Прети особљу или другим затвореницима",
        "bs": "Prijeti osoblju ili drugim zatvorenicima",
        "hr": "Prijeti osoblju ili drugim zatvorenicima",
        "cnr": "Prijeti osoblju ili drugim zatvorenicima"}),
    ("recruits", "Tries to recruit or pressure others", {
        "sq": "Përpiqet të rekrutojë ose të bëjë presion mbi të tjerët",
        "sr-latn": "Pokušava da regrutuje druge ili vrši pritisak na njih",
        "mk": "Се обидува да регрутира или да врши притисок врз другите",
        "sr": "Покушава да регрутује друге или врши притисак на њих",
        "bs": "Pokušava regrutovati druge ili vrši pritisak na njih",
        "hr": "Pokušava novačiti druge ili vrši pritisak na njih",
        "cnr": "Pokušava da regrutuje druge ili vrši pritisak na njih"}),
    ("extremist_material", "Holds or spreads extremist material", {
        "sq": "Mban ose përhap materiale ekstremiste",
        "sr-latn": "Poseduje ili širi ekstremistički materijal",
        "mk": "Поседува или шири екстремистички материјал",
        "sr": "Поседује или шири екстремистички материјал",
        "bs": "Posjeduje ili širi ekstremistički materijal",
        "hr": "Posjeduje ili širi ekstremistički materijal",
        "cnr": "Posjeduje ili širi ekstremistički materijal"}),
    ("grouping", "Leads or joins an extremist grouping on the wing", {
        "sq": "Drejton ose i bashkohet një grupimi ekstremist në pavijon",
        "sr-latn": "Vodi ekstremističku grupu na odeljenju ili joj se pridružuje",
        "mk": "Води или се приклучува на екстремистичка група во одделот",
        "sr": "Води екстремистичку групу на одељењу или јој се придружује",
        "bs": "Vodi ekstremističku grupu na odjeljenju ili joj se pridružuje",
        "hr": "Vodi ekstremističku skupinu na odjelu ili joj se pridružuje",
        "cnr": "Vodi ekstremističku grupu na odjeljenju ili joj se pridružuje"}),
    ("network_contact", "Contact with known extremist networks", {
        "sq": "Kontakte me rrjete të njohura ekstremiste",
        "sr-latn": "Kontakti sa poznatim ekstremističkim mrežama",
        "mk": "Контакти со познати екстремистички мрежи",
        "sr": "Контакти са познатим екстремистичким мрежама",
        "bs": "Kontakti sa poznatim ekstremističkim mrežama",
        "hr": "Kontakti s poznatim ekstremističkim mrežama",
        "cnr": "Kontakti sa poznatim ekstremističkim mrežama"}),
    ("sudden_change", "Sudden change in behaviour, appearance or associations", {
        "sq": "Ndryshim i papritur në sjellje, pamje ose shoqëri",
        "sr-latn": "Nagla promena ponašanja, izgleda ili društva",
        "mk": "Нагла промена во однесувањето, изгледот или друштвото",
        "sr": "Нагла промена понашања, изгледа или друштва",
        "bs": "Nagla promjena ponašanja, izgleda ili društva",
        "hr": "Nagla promjena ponašanja, izgleda ili društva",
        "cnr": "Nagla promjena ponašanja, izgleda ili društva"}),
    ("attack_talk", "Talks of planning an attack, or of martyrdom", {
        "sq": "Flet për planifikimin e një sulmi ose për martirizimin",
        "sr-latn": "Govori o planiranju napada ili o mučeništvu",
        "mk": "Зборува за планирање напад или за мачеништво",
        "sr": "Говори о планирању напада или о мучеништву",
        "bs": "Govori o planiranju napada ili o mučeništvu",
        "hr": "Govori o planiranju napada ili o mučeništvu",
        "cnr": "Govori o planiranju napada ili o mučeništvu"}),
]
