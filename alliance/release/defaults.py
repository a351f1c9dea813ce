"""The regional pre-release programme (DOMAIN.md §8) every jurisdiction starts with: a data
migration loads it as the regional default; a jurisdiction changes a step, drops it (a row of
its own with the same code, not in use) or adds its own, in the admin. Names in each
interface language; checklist items likewise.

Each step: code, name, names, lead (months, days) before the expected release, the type of
agency responsible, whether evidence is required, whether it blocks release readiness, and its
checklist.
"""

STEPS = [
    {"code": "release_planning", "lead": (12, 0), "agency_type": "prison",
     "evidence_required": False, "blocks_readiness": True,
     "name": "Release planning starts",
     "names": {"sq": "Fillon planifikimi i lirimit", "sr-latn": "Počinje planiranje otpusta",
               "mk": "Започнува планирањето на отпуштањето"},
     "checklist": [
         {"code": "case_manager_named", "name": "Case manager for the release named",
          "names": {"sq": "Caktohet menaxheri i rastit për lirimin",
                    "sr-latn": "Određen je voditelj slučaja za otpust",
                    "mk": "Определен е менаџер на случајот за отпуштањето"}},
         {"code": "person_informed", "name": "The person told about the programme",
          "names": {"sq": "Personi është njoftuar për programin",
                    "sr-latn": "Osoba je obaveštena o programu",
                    "mk": "Лицето е известено за програмата"}},
     ]},
    {"code": "reassessment", "lead": (9, 0), "agency_type": "prison",
     "evidence_required": True, "blocks_readiness": True,
     "name": "Risk and needs reassessment",
     "names": {"sq": "Rivlerësimi i rrezikut dhe i nevojave",
               "sr-latn": "Ponovna procena rizika i potreba",
               "mk": "Повторна процена на ризикот и потребите"},
     "checklist": []},
    {"code": "support_plan", "lead": (6, 0), "agency_type": "probation",
     "evidence_required": False, "blocks_readiness": True,
     "name": "Post-release support plan drafted with probation and the reintegration division",
     "names": {"sq": "Hartohet plani i mbështetjes pas lirimit me shërbimin e provës dhe "
                     "divizionin e riintegrimit",
               "sr-latn": "Plan podrške nakon otpusta izrađen sa probacijom i odeljenjem za "
                          "reintegraciju",
               "mk": "Планот за поддршка по отпуштањето е изготвен со пробацијата и одделението "
                     "за реинтеграција"},
     "checklist": [
         {"code": "pathways_assessed", "name": "Every pathway's needs written down",
          "names": {"sq": "Nevojat e çdo fushe janë shkruar",
                    "sr-latn": "Potrebe za svaku oblast su zapisane",
                    "mk": "Потребите за секоја област се запишани"}},
         {"code": "municipality_involved", "name": "Receiving municipality involved",
          "names": {"sq": "Komuna pritëse është përfshirë",
                    "sr-latn": "Uključena je opština prijema",
                    "mk": "Вклучена е општината што го прима лицето"}},
         {"code": "family_involved", "name": "Family involved, where appropriate",
          "names": {"sq": "Familja është përfshirë, kur është e përshtatshme",
                    "sr-latn": "Porodica je uključena, kada je to primereno",
                    "mk": "Семејството е вклучено, кога е соодветно"}},
     ]},
    {"code": "case_conference", "lead": (3, 0), "agency_type": "prison",
     "evidence_required": True, "blocks_readiness": True,
     "name": "Multi-agency case conference",
     "names": {"sq": "Konferencë shumë-agjencish për rastin",
               "sr-latn": "Multiagencijska konferencija o slučaju",
               "mk": "Мултиагенциска конференција за случајот"},
     "checklist": []},
    {"code": "handover", "lead": (1, 0), "agency_type": "prison",
     "evidence_required": False, "blocks_readiness": True,
     "name": "Handover to probation and the reintegration division",
     "names": {"sq": "Dorëzimi te shërbimi i provës dhe divizioni i riintegrimit",
               "sr-latn": "Primopredaja probaciji i odeljenju za reintegraciju",
               "mk": "Предавање на пробацијата и одделението за реинтеграција"},
     "checklist": []},
    {"code": "accommodation", "lead": (1, 0), "agency_type": "ministry_division",
     "evidence_required": True, "blocks_readiness": True,
     "name": "Accommodation confirmed",
     "names": {"sq": "Strehimi është konfirmuar", "sr-latn": "Smeštaj je potvrđen",
               "mk": "Сместувањето е потврдено"},
     "checklist": []},
    {"code": "identity_documents", "lead": (1, 0), "agency_type": "prison",
     "evidence_required": False, "blocks_readiness": True,
     "name": "Identity documents ready",
     "names": {"sq": "Dokumentet e identitetit janë gati",
               "sr-latn": "Lična dokumenta su spremna", "mk": "Личните документи се подготвени"},
     "checklist": [
         {"code": "identity_card", "name": "Identity card",
          "names": {"sq": "Letërnjoftimi", "sr-latn": "Lična karta", "mk": "Лична карта"}},
         {"code": "birth_certificate", "name": "Birth certificate",
          "names": {"sq": "Certifikata e lindjes", "sr-latn": "Izvod iz matične knjige rođenih",
                    "mk": "Извод од матична книга на родени"}},
         {"code": "health_insurance", "name": "Health insurance registration",
          "names": {"sq": "Regjistrimi në sigurimin shëndetësor",
                    "sr-latn": "Prijava na zdravstveno osiguranje",
                    "mk": "Пријава за здравствено осигурување"}},
     ]},
    {"code": "release_day", "lead": (0, 0), "agency_type": "prison",
     "evidence_required": False, "blocks_readiness": False,
     "name": "Release day: met at the gate, first appointment given",
     "names": {"sq": "Dita e lirimit: pritet te porta, i jepet takimi i parë",
               "sr-latn": "Dan otpusta: dočekan na kapiji, dobio prvi termin",
               "mk": "Ден на отпуштање: пречекан на портата, му е даден првиот термин"},
     "checklist": []},
]

# Follow-up contacts after release (DOMAIN.md §9): 1 week, 1, 3, 6 and 12 months.
FOLLOW_UP_OFFSETS = ["1w", "1m", "3m", "6m", "12m"]
