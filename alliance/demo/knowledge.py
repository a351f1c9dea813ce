"""Fictional demo data for the regional knowledge base and the common methodology (DOMAIN.md §11).

* **Entries** from the six beneficiaries and the regional programme, in their languages (Albanian,
  Macedonian, Serbian in Cyrillic and Latin, Bosnian, Montenegrin, English), several with
  translations: practices and lessons on motivating resistant prisoners, dynamic security,
  pre-release steps, the working alliance and family work; two regional recommendations with
  where each jurisdiction stands; a paper. One entry waits for publication (reviewed in Kosovo*),
  one of demo.treatment's lessons waits for demo.editor's review, and demo.treatment has a draft.
* **Meetings**: a working group held in Skopje five months ago, an online one six weeks ago (each
  with participants by jurisdiction and the entries presented), and a regional training next month.
* **The common methodology** with two approved versions: the second adds a chapter on support
  after release and cites the newer entries.
* Two entries support interventions of the home catalogue (the dialogue and the family
  programmes).
* **Training** by demo.trainer at the home prison administration: a risk and needs course held
  two months ago (demo.treatment passed, which renewed their certification; demo.treatment2 was
  absent), and a booster in two weeks for demo.treatment2, whose booster is overdue.

The authors outside the home jurisdiction are demo accounts that cannot sign in. Idempotent: an
entry is found again by its original title, a meeting by its title, a methodology by its title.
No text names a person: this is the knowledge base.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Membership, Role, User
from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.knowledge.entries import services as entry_services
from alliance.knowledge.entries.search import reindex
from alliance.knowledge.models import (
    AdoptionStatus,
    AttendanceResult,
    Chapter,
    EntryKind,
    EntryStatus,
    EntryText,
    EntryTheme,
    KnowledgeEntry,
    Meeting,
    MeetingKind,
    MeetingParticipation,
    Methodology,
    MethodologyStatus,
    MethodologyVersion,
    RecommendationAdoption,
    SessionKind,
    TargetGroup,
    Theme,
    TrainingSession,
)
from alliance.knowledge.training import services as training
from alliance.organisations.models import Jurisdiction
from alliance.plans.models import Intervention

from .seed import HOME

K, T, S = EntryKind, Theme, EntryStatus

# Authors outside the home jurisdiction: knowledge editors at each prison administration.
AUTHORS = {"AL": ("demo.kb.al", "Blerta", "Hoxhaj"), "BA": ("demo.kb.ba", "Amra", "Begović"),
           "XK": ("demo.kb.xk", "Driton", "Berisha"), "ME": ("demo.kb.me", "Milica", "Vuković"),
           "RS": ("demo.kb.rs", "Nenad", "Jovanović")}

# (key, author (username or jurisdiction code), jurisdiction code or None, kind, status, themes,
#  target group, organisation, {language: (title, objectives, description, findings)},
#  original language, intervention codes of the home catalogue)
ENTRIES = [
    ("mi", "demo.editor", "MK", K.GOOD_PRACTICE, S.PUBLISHED, [T.MOTIVATION, T.WORKING_ALLIANCE],
     TargetGroup.VEP, "", {
         "mk": ("Мотивациско интервјуирање со затвореници кои ги одбиваат програмите",
                "Да се отвори разговор со затворениците кои одбиваат секаква програма, без "
                "притисок и без расправа за идеологијата.",
                "Психолозите во одделението со зголемено обезбедување спроведуваат кратки "
                "неделни разговори со секој затвореник кој ги одбил програмите. Разговорот не "
                "бара согласност за програма: се зборува за она што затвореникот сам го смета "
                "за важно (семејство, здравје, работа). Одбивањето се запишува без осуда, а "
                "понудата се повторува секој месец.",
                "По шест месеци повеќе од половина од затворениците кои одбивале прифатиле "
                "барем една активност. Работниот сојуз, мерен на секои три месеци, постојано "
                "растеше. Клучно беше истиот психолог да ги води разговорите."),
         "en": ("Motivational interviewing with prisoners who refuse programmes",
                "To open a conversation with prisoners who refuse every programme, without "
                "pressure and without arguing about ideology.",
                "Psychologists in the high-security unit hold short weekly conversations with "
                "each prisoner who has refused programmes. The conversation asks for no consent "
                "to a programme: it is about what the prisoner considers important (family, "
                "health, work). A refusal is recorded without judgement and the offer is "
                "repeated every month.",
                "After six months more than half of the prisoners who had refused accepted at "
                "least one activity. The working alliance, measured every three months, grew "
                "steadily. It mattered that the same psychologist held the conversations."),
     }, "mk", ["DIALOGUE", "PSY-IND"]),
    ("mentors", "AL", "AL", K.LESSON_LEARNT, S.PUBLISHED, [T.MOTIVATION, T.IDEOLOGICAL_DIALOGUE],
     TargetGroup.VEP, "", {
         "sq": ("Motivimi i të burgosurve rezistentë përmes mentorëve të besuar",
                "Të kuptojmë pse të burgosurit refuzojnë programet dhe kush mund t'i afrojë.",
                "Në dy burgje, imamë dhe ish-të burgosur të trajnuar si mentorë takuan të "
                "burgosurit që refuzonin çdo program. Takimet u mbajtën në grupe të vogla dhe "
                "pa praninë e rojeve, me marrëveshje të qartë për sigurinë.",
                "Motivimi u rrit kur mentori kishte besueshmëri në sytë e të burgosurit. "
                "Mësimi kryesor: mentorët kanë nevojë për mbikëqyrje dhe mbështetje, përndryshe "
                "lodhen shpejt; dhe stafi i sigurisë duhet të informohet që në fillim."),
         "en": ("Motivating resistant prisoners through trusted mentors",
                "To understand why prisoners refuse programmes and who can reach them.",
                "In two prisons, imams and former prisoners trained as mentors met prisoners who "
                "refused every programme, in small groups and without guards present, under a "
                "clear security arrangement.",
                "Motivation grew when the mentor was credible in the prisoner's eyes. The main "
                "lesson: mentors need supervision and support or they burn out quickly; and the "
                "security staff must be briefed from the start."),
     }, "sq", ["DIALOGUE"]),
    ("dynsec", "RS", "RS", K.GOOD_PRACTICE, S.PUBLISHED, [T.DYNAMIC_SECURITY, T.STAFF],
     TargetGroup.STAFF, "", {
         "sr-cyrl": ("Динамичка безбедност: свакодневни разговори на одељењу",
                     "Да службеници обезбеђења познају затворенике и препознају промене на "
                     "време.",
                     "Сваки службеник на одељењу има десет минута дневно за разговор са "
                     "затвореницима за које је задужен. Запажања се бележе структурисано, са "
                     "оценом извора, и дељење са третманом иде само кроз сажетак.",
                     "Број инцидената на одељењу је опао, а запажања су постала прецизнија. "
                     "Службеници кажу да им је посао лакши када познају људе."),
         "sr-latn": ("Dinamička bezbednost: svakodnevni razgovori na odeljenju",
                     "Da službenici obezbeđenja poznaju zatvorenike i prepoznaju promene na "
                     "vreme.",
                     "Svaki službenik na odeljenju ima deset minuta dnevno za razgovor sa "
                     "zatvorenicima za koje je zadužen. Zapažanja se beleže strukturisano, sa "
                     "ocenom izvora, i deljenje sa tretmanom ide samo kroz sažetak.",
                     "Broj incidenata na odeljenju je opao, a zapažanja su postala preciznija. "
                     "Službenici kažu da im je posao lakši kada poznaju ljude."),
     }, "sr-cyrl", []),
    ("coordination", "BA", "BA", K.WEAKNESS, S.PUBLISHED, [T.PRE_RELEASE, T.INTERAGENCY],
     TargetGroup.RELEASED, "", {
         "bs": ("Slaba koordinacija prije otpusta",
                "Utvrditi zašto planovi podrške nakon otpusta kasne.",
                "U tri slučaja plan podrške nije bio spreman na dan otpusta. Probacija i centar "
                "za socijalni rad dobili su informacije tek sedmicu prije otpusta, a sastanak "
                "slučaja nije održan.",
                "Potreban je zajednički kalendar koraka prije otpusta, koji počinje najmanje "
                "godinu dana ranije, i jasan sporazum o razmjeni podataka između agencija."),
     }, "bs", []),
    ("prerelease12", "demo.regional", None, K.RECOMMENDATION, S.PUBLISHED,
     [T.PRE_RELEASE, T.INTERAGENCY], TargetGroup.VEP, "", {
         "en": ("Start pre-release planning twelve months before release",
                "A support plan in place on the day of release for every person convicted of a "
                "violent extremist offence.",
                "Each service should open the pre-release programme twelve months before the "
                "expected release, hold a case conference with probation and the community "
                "providers at least three months before it, and hand over to probation with the "
                "support plan at least a month before.",
                "Where this was done, every person had a support plan on the day of release; "
                "where it was not, plans were late in most cases."),
         "sq": ("Planifikimi para lirimit të fillojë dymbëdhjetë muaj para lirimit",
                "Një plan mbështetjeje gati në ditën e lirimit për çdo person të dënuar për "
                "vepër ekstremiste të dhunshme.",
                "Çdo shërbim duhet ta hapë programin para lirimit dymbëdhjetë muaj para lirimit "
                "të pritur, të mbajë një konferencë rasti me shërbimin e provës dhe ofruesit në "
                "komunitet të paktën tre muaj para tij, dhe t'ia dorëzojë rastin shërbimit të "
                "provës bashkë me planin e mbështetjes të paktën një muaj më parë.",
                "Aty ku u bë kështu, çdo person pati plan mbështetjeje në ditën e lirimit."),
         "mk": ("Планирањето пред отпуст да започне дванаесет месеци пред отпустот",
                "План за поддршка подготвен на денот на отпуштање за секое лице осудено за "
                "насилно екстремистичко дело.",
                "Секоја служба треба да ја отвори програмата пред отпуст дванаесет месеци пред "
                "очекуваниот отпуст, да одржи конференција на случај со пробацијата и "
                "давателите во заедницата најмалку три месеци пред него и да го предаде случајот "
                "на пробацијата со планот за поддршка најмалку еден месец пред тоа.",
                "Каде што тоа беше направено, секое лице имаше план за поддршка на денот на "
                "отпуштање."),
     }, "en", []),
    ("alliance", "demo.regional", None, K.RECOMMENDATION, S.PUBLISHED,
     [T.WORKING_ALLIANCE, T.MOTIVATION], TargetGroup.VEP, "", {
         "en": ("Measure the working alliance at every plan review",
                "Make the relationship between the practitioner and the prisoner visible, so "
                "that a breakdown is noticed early.",
                "At every review of the rehabilitation plan, the key worker and the prisoner "
                "each rate the working alliance with the short common measure; the trend is "
                "discussed in supervision.",
                "Services that did so found that a falling alliance announced refusals and "
                "dropped interventions weeks in advance."),
     }, "en", []),
    ("family", "demo.regional", None, K.PAPER, S.PUBLISHED, [T.FAMILY_WORK, T.POST_RELEASE],
     TargetGroup.FAMILIES, "Western Balkans Regional Programme (demo)", {
         "en": ("Family work in the rehabilitation of violent extremist prisoners: a review",
                "To summarise what the region's services and the literature know about working "
                "with families before and after release.",
                "The paper reviews supported visits, family group conferences and family "
                "counselling in the region's prisons and probation services, and the conditions "
                "under which families are a protective factor.",
                "Families are most often the strongest reason for change, but need support of "
                "their own; work with them should start long before release."),
     }, "en", ["FAMILY"]),
    ("sport", "ME", "ME", K.GOOD_PRACTICE, S.PUBLISHED, [T.WORKING_ALLIANCE, T.EDUCATION_WORK],
     TargetGroup.AT_RISK, "", {
         "cnr": ("Sport i kultura kao prostor za odnos povjerenja",
                 "Uključiti zatvorenike koji odbijaju razgovor u zajedničke aktivnosti.",
                 "Vaspitači organizuju fudbal, radionice muzike i čitalački klub dva puta "
                 "sedmično. Aktivnosti su otvorene svima i ne traže prijavu za program.",
                 "Kroz zajedničke aktivnosti otvoreni su razgovori koji ranije nisu bili "
                 "mogući; nekoliko zatvorenika se nakon toga uključilo u individualni rad."),
     }, "cnr", []),
    ("education", "XK", "XK", K.GOOD_PRACTICE, S.REVIEWED, [T.EDUCATION_WORK],
     TargetGroup.VEP, "", {
         "sq": ("Arsimi dhe puna në burg si rrugë drejt rehabilitimit",
                "T'u ofrohet të burgosurve arsim dhe punë që vlejnë edhe pas lirimit.",
                "Burgu bashkëpunon me një shkollë profesionale për kurse të certifikuara në "
                "ndërtimtari dhe kuzhinë; certifikata nuk përmend burgun.",
                "Të burgosurit që përfunduan kurset gjetën punë më lehtë pas lirimit."),
     }, "sq", []),
    ("conference", "demo.treatment", HOME, K.LESSON_LEARNT, S.DRAFT, [T.PRE_RELEASE],
     TargetGroup.VEP, "", {
         "mk": ("Што научивме од конференциите на случај пред отпуст",
                "Да се подобри подготовката на конференциите на случај.",
                "Конференциите на случај беа подобри кога сите учесници го добија дневниот ред "
                "и резимето на напредокот една недела однапред.",
                "Акциите со сопственик и рок беа исполнети почесто од општите заклучоци."),
     }, "mk", []),
    ("draft", "demo.treatment", HOME, K.GOOD_PRACTICE, S.DRAFT, [T.FAMILY_WORK],
     TargetGroup.FAMILIES, "", {
         "en": ("Supported family visits in the high-security unit",
                "", "Notes for a practice description: how the visits are prepared with the "
                "family and the security sector.", ""),
     }, "en", []),
]

# The recommendations' standing in each jurisdiction: {entry key: {code: (status, note)}}.
ADOPTIONS = {
    "prerelease12": {
        "MK": (AdoptionStatus.ADOPTED, "In the pre-release step templates since this year."),
        "AL": (AdoptionStatus.IN_PROGRESS, "Probation joins the prisons' programme next year."),
        "RS": (AdoptionStatus.NOT_ADOPTED, "Planning starts six months before release for "
                                           "now; to be discussed again."),
        "ME": (AdoptionStatus.IN_PROGRESS, ""),
    },
    "alliance": {
        "MK": (AdoptionStatus.IN_PROGRESS, "Piloted in Demo Prison A."),
        "XK": (AdoptionStatus.ADOPTED, ""),
    },
}


def _author(key, users, agencies, password_unusable=True):
    if key.startswith("demo."):
        return users[key]
    username, first, last = AUTHORS[key]
    user, created = User.objects.get_or_create(username=username, defaults={
        "first_name": first, "last_name": last, "email": f"{username}@example.invalid"})
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.update_or_create(user=user, agency=agencies[(key, "prison_admin")],
                                        defaults={"roles": [Role.KNOWLEDGE_EDITOR],
                                                  "is_active": True})
    return user


def _entry(spec, users, agencies, jurisdictions, now, catalogue):
    (key, author_key, code, kind, status, themes, group, organisation, texts, original,
     interventions) = spec
    title = texts[original][0]
    found = EntryText.objects.filter(language=original, title=title).select_related("entry")
    if found.exists():
        return found.first().entry
    author = _author(author_key, users, agencies)
    jurisdiction = jurisdictions.get(code) if code else None
    reviewer = users["demo.editor"] if code == HOME else (
        users["demo.regional"] if code is None else _author(code, users, agencies))
    days = {"mi": 200, "mentors": 170, "dynsec": 150, "coordination": 60, "prerelease12": 45,
            "alliance": 40, "family": 90, "sport": 30, "education": 5}.get(key, 0)
    when = now - datetime.timedelta(days=days)
    fields = {"kind": kind, "status": status, "jurisdiction": jurisdiction,
              "target_group": group, "organisation": organisation,
              "original_language": original, "author": author}
    if status in (S.REVIEWED, S.PUBLISHED):
        fields["submitted_at"] = when - datetime.timedelta(days=7)
    if status in (S.REVIEWED, S.PUBLISHED):
        fields |= {"reviewed_by": reviewer, "reviewed_at": when - datetime.timedelta(days=2)}
    if status == S.PUBLISHED:
        fields |= {"published_by": users["demo.regional"], "published_at": when}
    entry = KnowledgeEntry.objects.create(**fields)
    # Written before it was submitted (the page's history reads created_at).
    KnowledgeEntry.objects.filter(pk=entry.pk).update(
        created_at=when - datetime.timedelta(days=14 if days else 0))
    for language, (t, objectives, description, findings) in texts.items():
        EntryText.objects.create(entry=entry, language=language, title=t, objectives=objectives,
                                 description=description, findings=findings, written_by=author)
    EntryTheme.objects.bulk_create([EntryTheme(entry=entry, theme=t) for t in themes])
    entry.interventions.set([catalogue[c] for c in interventions if c in catalogue])
    reindex(entry)
    audit.record(actor=author, action=AuditAction.CREATE, obj=entry,
                 details={"source": "seed_demo", "status": status})
    if key == "conference":  # waits for demo.editor's review: their task
        entry = entry_services.entry_submit(actor=author, entry=entry, expected_version=None)
    return entry


MEETINGS = [
    {"title": "Regional working group: motivation and the working alliance (demo)",
     "kind": MeetingKind.WORKING_GROUP, "days_ago": 150, "days": 2, "online": False,
     "place": "Skopje",
     "agenda": "1. Motivating prisoners who refuse programmes: practices from three services.\n"
               "2. Measuring the working alliance: the common short measure.\n"
               "3. Mentors and dialogue: what security staff need to know.",
     "outcomes": "The group agreed to pilot the common working-alliance measure in two prisons "
                 "per beneficiary and to draft a recommendation for the next meeting. The "
                 "chapter on motivation of the common methodology will cite the practices "
                 "presented.",
     "participations": {"AL": 3, "BA": 2, "XK": 3, "ME": 2, "MK": 4, "RS": 3, None: 2},
     "entries": ["mi", "mentors", "dynsec"]},
    {"title": "Online working group: preparing release (demo)",
     "kind": MeetingKind.WORKING_GROUP, "days_ago": 42, "days": 0, "online": True, "place": "",
     "agenda": "1. Late support plans: the weakness identified in Bosnia and Herzegovina.\n"
               "2. A twelve-month pre-release programme: draft recommendation.\n"
               "3. Family work before and after release.",
     "outcomes": "The recommendation on starting pre-release planning twelve months before "
                 "release was adopted by the group for publication. Each beneficiary reports "
                 "where it stands at the next meeting.",
     "participations": {"AL": 2, "BA": 3, "XK": 2, "ME": 1, "MK": 3, "RS": 2, None: 1},
     "entries": ["coordination", "prerelease12", "family"]},
    {"title": "Regional training of trainers: dynamic security (demo)",
     "kind": MeetingKind.TRAINING, "days_ago": -24, "days": 3, "online": False,
     "place": "Podgorica",
     "agenda": "Three days for the trainers of the six services: dynamic security in daily "
               "work, recording observations, need-to-know sharing with the treatment sector.",
     "outcomes": "", "participations": {"AL": 2, "BA": 2, "XK": 2, "ME": 2, "MK": 2, "RS": 2},
     "entries": ["dynsec"]},
]


def _meeting(spec, users, jurisdictions, entries, today):
    if Meeting.objects.filter(title=spec["title"]).exists():
        return None
    starts = today - datetime.timedelta(days=spec["days_ago"])
    meeting = Meeting.objects.create(
        kind=spec["kind"], title=spec["title"], starts_on=starts,
        ends_on=starts + datetime.timedelta(days=spec["days"]) if spec["days"] else None,
        online=spec["online"], place=spec["place"], agenda=spec["agenda"],
        outcomes=spec["outcomes"], created_by=users["demo.regional"])
    MeetingParticipation.objects.bulk_create([
        MeetingParticipation(meeting=meeting, jurisdiction=jurisdictions.get(code) if code else None,
                             participants=n)
        for code, n in spec["participations"].items()])
    meeting.entries.set([entries[k] for k in spec["entries"]])
    audit.record(actor=users["demo.regional"], action=AuditAction.CREATE, obj=meeting,
                 details={"source": "seed_demo"})
    return meeting


METHODOLOGY = "Common methodology for the rehabilitation and reintegration of violent extremist " \
              "prisoners (demo)"
# (key, title, body of version 1, body of version 2 (None: unchanged; "-": not in v1),
#  citations in version 2)
CHAPTERS = [
    ("principles", "Principles",
     "Rehabilitation rests on individual assessment, a plan agreed with the person where "
     "possible, and cooperation between the prison's security and treatment sectors, probation "
     "and the community. Information is shared on a need-to-know basis under written "
     "agreements.", None, []),
    ("assessment", "Screening and assessment",
     "Every person convicted of a terrorism-related offence, and every prisoner showing signs of "
     "radicalisation, is screened at admission. Accredited assessors carry out a structured "
     "professional judgement of risk and needs, reviewed at least every six months.", None, []),
    ("motivation", "Motivation and the working alliance",
     "Refusal is expected and is not a reason to stop offering. The offer is repeated and "
     "recorded.",
     "Refusal is expected and is not a reason to stop offering. The offer is repeated every "
     "month and recorded without judgement. Short, regular conversations with the same "
     "practitioner, and credible mentors, open the way to engagement. The working alliance is "
     "measured at every plan review, and a falling alliance is discussed in supervision.",
     ["mi", "mentors", "alliance"]),
    ("security", "Dynamic security",
     "Security staff know the people in their care; observations are graded and shared as "
     "sanitised summaries.",
     "Security staff know the people in their care through daily conversation; observations "
     "are graded for source and reliability and shared with the treatment sector only as "
     "sanitised summaries with an expiry date.", ["dynsec"]),
    ("release", "Preparing release",
     "Preparation for release starts six months before the expected release.",
     "Preparation for release starts twelve months before the expected release, with a case "
     "conference at least three months before it and the handover to probation a month "
     "before.", ["prerelease12", "coordination"]),
    ("after-release", "Support after release", "-",
     "The support plan covers housing, work, family, health and mentoring. Follow-up contacts "
     "are recorded with coded outcomes; families are supported in their own right.",
     ["family"]),
]


def _methodology(users, entries, now):
    if Methodology.objects.filter(title=METHODOLOGY).exists():
        return 0
    coordinator, editor = users["demo.regional"], users["demo.editor"]
    methodology = Methodology.objects.create(
        title=METHODOLOGY, description="The methodology the six beneficiaries agreed in the "
        "regional working group; each version is approved by the regional coordinator.")
    v1 = MethodologyVersion.objects.create(
        methodology=methodology, number=1, status=MethodologyStatus.APPROVED,
        change_summary="First version.", created_by=coordinator, approved_by=coordinator,
        approved_at=now - datetime.timedelta(days=240))
    v2 = MethodologyVersion.objects.create(
        methodology=methodology, number=2, status=MethodologyStatus.APPROVED, based_on=v1,
        change_summary="Motivation and dynamic security rewritten with the practices presented "
        "to the working group; preparation for release starts twelve months before release; a "
        "new chapter on support after release.", created_by=coordinator,
        approved_by=coordinator, approved_at=now - datetime.timedelta(days=20))
    for position, (key, title, body1, body2, cites) in enumerate(CHAPTERS, start=1):
        if body1 != "-":
            Chapter.objects.create(methodology_version=v1, key=key, position=position,
                                   title=title, body=body1, edited_by=editor)
        chapter = Chapter.objects.create(methodology_version=v2, key=key, position=position,
                                         title=title, body=body2 or body1, edited_by=editor)
        chapter.citations.set([entries[k] for k in cites])
    for version in (v1, v2):
        audit.record(actor=coordinator, action=AuditAction.CHANGE, obj=version,
                     details={"source": "seed_demo", "status": "approved"})
    return 2


def seed_training(users, agencies, today) -> None:
    from alliance.assessments.models import Course

    course = Course.objects.filter(instrument_code="alliance-risk-needs").first()
    agency, trainer = agencies[(HOME, "prison_admin")], users["demo.trainer"]
    if course is None or TrainingSession.objects.filter(agency=agency, course=course).exists():
        return
    held = training.session_create(
        actor=trainer, agency=agency, course=course, kind=SessionKind.CERTIFICATION,
        starts_on=today - datetime.timedelta(days=62), ends_on=today - datetime.timedelta(days=60),
        place="Prison administration training room",
        notes="Three days: the instrument's items, rating practice on fictional cases, the "
              "formulation and the summary.")
    held = training.attendees_set(actor=trainer, session=held, expected_version=None,
                                  users=[users["demo.treatment"], users["demo.treatment2"]])
    training.results_record(actor=trainer, session=held, expected_version=None, results=[
        {"user": users["demo.treatment"], "result": AttendanceResult.PASSED, "score": 86,
         "note": ""},
        {"user": users["demo.treatment2"], "result": AttendanceResult.ABSENT, "score": None,
         "note": "Booked on the booster instead."}])
    booster = training.session_create(
        actor=trainer, agency=agency, course=course, kind=SessionKind.BOOSTER,
        starts_on=today + datetime.timedelta(days=14), online=True,
        notes="Half a day: rating practice on two fictional cases and the changes of the "
              "instrument's latest version.")
    training.attendees_set(actor=trainer, session=booster, expected_version=None,
                           users=[users["demo.treatment2"]])


@transaction.atomic
def seed_knowledge(users, agencies) -> int:
    """The knowledge base, meetings and the methodology; returns the number of entries made."""
    now = timezone.now()
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    catalogue = {i.code: i for i in Intervention.objects.filter(jurisdiction__code=HOME)}
    made = KnowledgeEntry.objects.count()
    entries = {spec[0]: _entry(spec, users, agencies, jurisdictions, now, catalogue)
               for spec in ENTRIES}
    for key, standing in ADOPTIONS.items():
        for code, (status, note) in standing.items():
            RecommendationAdoption.objects.get_or_create(
                entry=entries[key], jurisdiction=jurisdictions[code],
                defaults={"status": status, "note": note, "updated_by": users["demo.regional"]})
    today = timezone.localdate()
    for spec in MEETINGS:
        _meeting(spec, users, jurisdictions, entries, today)
    _methodology(users, entries, now)
    seed_training(users, agencies, today)
    return KnowledgeEntry.objects.count() - made
