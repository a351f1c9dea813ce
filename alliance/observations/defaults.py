"""The regional escalation indicators every jurisdiction starts with (a data migration loads
them; an administrator deactivates or adds in the admin). Names in each interface language."""

INDICATORS = [
    ("glorifies_violence", "Glorifies or justifies violence", {
        "sq": "Lavdëron ose justifikon dhunën", "sr-latn": "Veliča ili opravdava nasilje",
        "mk": "Го велича или оправдува насилството"}),
    ("threatens", "Threatens staff or other prisoners", {
        "sq": "Kërcënon stafin ose të burgosurit e tjerë",
        "sr-latn": "Preti osoblju ili drugim zatvorenicima",
        "mk": "Му се заканува на персоналот или на другите затвореници"}),
    ("recruits", "Tries to recruit or pressure others", {
        "sq": "Përpiqet të rekrutojë ose të bëjë presion mbi të tjerët",
        "sr-latn": "Pokušava da regrutuje druge ili vrši pritisak na njih",
        "mk": "Се обидува да регрутира или да врши притисок врз другите"}),
    ("extremist_material", "Holds or spreads extremist material", {
        "sq": "Mban ose përhap materiale ekstremiste",
        "sr-latn": "Poseduje ili širi ekstremistički materijal",
        "mk": "Поседува или шири екстремистички материјал"}),
    ("grouping", "Leads or joins an extremist grouping on the wing", {
        "sq": "Drejton ose i bashkohet një grupimi ekstremist në pavijon",
        "sr-latn": "Vodi ekstremističku grupu na odeljenju ili joj se pridružuje",
        "mk": "Води или се приклучува на екстремистичка група во одделот"}),
    ("network_contact", "Contact with known extremist networks", {
        "sq": "Kontakte me rrjete të njohura ekstremiste",
        "sr-latn": "Kontakti sa poznatim ekstremističkim mrežama",
        "mk": "Контакти со познати екстремистички мрежи"}),
    ("sudden_change", "Sudden change in behaviour, appearance or associations", {
        "sq": "Ndryshim i papritur në sjellje, pamje ose shoqëri",
        "sr-latn": "Nagla promena ponašanja, izgleda ili društva",
        "mk": "Нагла промена во однесувањето, изгледот или друштвото"}),
    ("attack_talk", "Talks of planning an attack, or of martyrdom", {
        "sq": "Flet për planifikimin e një sulmi ose për martirizimin",
        "sr-latn": "Govori o planiranju napada ili o mučeništvu",
        "mk": "Зборува за планирање напад или за мачеништво"}),
]
