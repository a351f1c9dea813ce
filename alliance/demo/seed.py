"""Fictional demo data: the six beneficiaries, their agencies, the demo users, and N people.

Idempotent: organisations and users are matched by name, and people are numbered, so running it
again only adds what is missing (and resets the demo users' password). People are written in
bulk, with their audit events, so that 20,000 of them take seconds, not hours.
"""

import datetime
import random
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Membership, Role, Sector, User
from alliance.cases.models import Case, CaseTeamMember, ManagementLevel, ManagementLevelChange
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.models import AuditAction
from alliance.organisations.models import Agency, AgencyType, FacilityUnit, Jurisdiction
from alliance.people.key_dates import Sentence, compute_key_dates
from alliance.people.models import (
    COMPUTED_KEY_DATES,
    Classification,
    ClassificationChange,
    CustodyEpisode,
    DataSubjectCategory,
    KeyDateOverride,
    KeyDateSource,
    LegalStatus,
    Person,
    PersonSearchToken,
    TimelineEvent,
)
from alliance.people.services import expected_release_keys_refresh, search_tokens_for

from .names import BY_JURISDICTION

JURISDICTIONS = [
    ("AL", "Albania", {"sq": "Shqipëria", "sr-latn": "Albanija", "mk": "Албанија",
                       "sr": "Албанија", "bs": "Albanija", "hr": "Albanija", "cnr": "Albanija"},
     ["sq"], False),
    ("BA", "Bosnia and Herzegovina", {"sq": "Bosnja dhe Hercegovina",
                                      "sr-latn": "Bosna i Hercegovina",
                                      "mk": "Босна и Херцеговина",
                                      "sr": "Босна и Херцеговина", "bs": "Bosna i Hercegovina",
                                      "hr": "Bosna i Hercegovina", "cnr": "Bosna i Hercegovina"},
     ["bs", "hr", "sr"], False),
    ("XK", "Kosovo", {"sq": "Kosova", "sr-latn": "Kosovo", "mk": "Косово",
                      "sr": "Косово", "bs": "Kosovo", "hr": "Kosovo", "cnr": "Kosovo"},
     ["sq", "sr"], True),
    ("ME", "Montenegro", {"sq": "Mali i Zi", "sr-latn": "Crna Gora", "mk": "Црна Гора",
                          "sr": "Црна Гора", "bs": "Crna Gora", "hr": "Crna Gora",
                          "cnr": "Crna Gora"},
     ["cnr", "sr"], False),
    ("MK", "North Macedonia", {"sq": "Maqedonia e Veriut", "sr-latn": "Severna Makedonija",
                               "mk": "Северна Македонија",
                               "sr": "Северна Македонија", "bs": "Sjeverna Makedonija",
                               "hr": "Sjeverna Makedonija", "cnr": "Sjeverna Makedonija"},
     ["mk", "sq"], False),
    ("RS", "Serbia", {"sq": "Serbia", "sr-latn": "Srbija", "mk": "Србија",
                      "sr": "Србија", "bs": "Srbija", "hr": "Srbija", "cnr": "Srbija"},
     ["sr-latn", "sr-cyrl"], False),
]
AGENCIES = [
    ("prison_admin", "Prison Administration ({code}, demo)", AgencyType.PRISON_ADMINISTRATION),
    ("prison_a", "Demo Prison A ({code})", AgencyType.PRISON),
    ("prison_b", "Demo Prison B ({code})", AgencyType.PRISON),
    ("probation", "Probation Service ({code}, demo)", AgencyType.PROBATION),
    ("reintegration", "Reintegration Division, Ministry of Justice ({code}, demo)",
     AgencyType.MINISTRY_DIVISION),
    ("municipality", "Municipal Social Services ({code}, demo)", AgencyType.MUNICIPALITY),
    ("ngo", "Pathways Community Association ({code}, demo)", AgencyType.COMMUNITY_PROVIDER),
]
UNITS = ["Admissions", "Wing 1", "Wing 2", "High-security unit"]
HOME = "MK"  # the demo users work in this jurisdiction
REGIONAL = "Western Balkans Regional Programme (demo)"

DEMO_USERS = [
    # username, first, last, agency key, roles, sector
    ("demo.admin", "Ana", "Admin", "prison_admin", [Role.SYSTEM_ADMINISTRATOR], ""),
    ("demo.manager", "Marija", "Menaxhere", "prison_a", [Role.PRISON_MANAGER, Role.CASE_MANAGER],
     Sector.MANAGEMENT),
    ("demo.security", "Sašo", "Sigurnost", "prison_a", [Role.SECURITY_OFFICER], Sector.SECURITY),
    ("demo.analyst", "Arta", "Analiza", "prison_a", [Role.SECURITY_ANALYST], Sector.SECURITY),
    ("demo.treatment", "Tea", "Tretman", "prison_a", [Role.TREATMENT_OFFICER], Sector.TREATMENT),
    ("demo.treatment2", "Toni", "Tretman", "prison_b", [Role.TREATMENT_OFFICER],
     Sector.TREATMENT),
    ("demo.probation", "Petra", "Probacija", "probation", [Role.PROBATION_OFFICER], ""),
    ("demo.reintegration", "Rina", "Reintegrimi", "reintegration", [Role.REINTEGRATION_OFFICER],
     ""),
    ("demo.ngo", "Nikola", "Zaednica", "ngo", [Role.COMMUNITY_PROVIDER], ""),
    ("demo.regional", "Rade", "Regionalni", "regional", [Role.REGIONAL_COORDINATOR], ""),
    ("demo.dpo", "Dora", "Zaštita", "prison_admin", [Role.DATA_PROTECTION_OFFICER], ""),
    ("demo.editor", "Elena", "Urednik", "prison_admin", [Role.KNOWLEDGE_EDITOR], ""),
    ("demo.trainer", "Goran", "Obuka", "prison_admin", [Role.TRAINER], ""),
    # Also the system-level DPO: events tied to no jurisdiction (core/access.py).
    ("demo.dpo", "Dora", "Zaštita", "regional", [Role.DATA_PROTECTION_OFFICER], ""),
]


def seed_organisations() -> dict:
    """Jurisdictions, agencies and units. Returns {(code, key): Agency} plus the regional body."""
    agencies = {}
    for code, name, names, languages, footnote in JURISDICTIONS:
        j, _ = Jurisdiction.objects.update_or_create(code=code, defaults={
            "name": name, "names": names, "languages": languages,
            "designation_footnote": footnote})
        for key, pattern, kind in AGENCIES:
            agency, _ = Agency.objects.get_or_create(jurisdiction=j, name=pattern.format(code=code),
                                                     defaults={"type": kind})
            agencies[(code, key)] = agency
            if kind == AgencyType.PRISON:
                for unit in UNITS:
                    FacilityUnit.objects.get_or_create(agency=agency, name=unit)
    agencies[(None, "regional")], _ = Agency.objects.get_or_create(
        jurisdiction=None, name=REGIONAL, defaults={"type": AgencyType.REGIONAL_PROGRAMME})
    return agencies


def seed_users(agencies, password: str) -> dict:
    users = {}
    for username, first, last, key, roles, sector in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@example.invalid"})
        user.set_password(password)
        user.is_active = True
        user.save()
        agency = agencies[(None if key == "regional" else HOME, key)]
        Membership.objects.update_or_create(user=user, agency=agency, defaults={
            "roles": [str(r) for r in roles], "sector": sector, "is_active": True})
        users[username] = user
    return users


def _placement(i: int, agencies) -> Agency:
    """Most demo people sit in the home prison A, some in B, the rest across the region."""
    if i % 10 < 4:
        return agencies[(HOME, "prison_a")]
    if i % 10 == 4:
        return agencies[(HOME, "prison_b")]
    others = [c for c, *_ in JURISDICTIONS if c != HOME]
    return agencies[(others[i % len(others)], "prison_a" if (i // 10) % 2 else "prison_b")]


class _Batch:
    def __init__(self):
        self.persons, self.episodes, self.changes, self.timeline = [], [], [], []
        self.cases, self.members, self.levels, self.overrides, self.events = [], [], [], [], []


def _person(i, rng, agency, references, today):
    code = agency.jurisdiction.code
    given_names, family_names = rng.choice(BY_JURISDICTION[code])
    classification = rng.choices([Classification.VEP, Classification.AT_RISK,
                                  Classification.OTHER], weights=[25, 50, 25])[0]
    remand = rng.random() < 0.1
    while True:
        ref = f"{code}-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
        if ref not in references:
            references.add(ref)
            break
    aliases = ""
    if rng.random() < 0.2:
        aliases = f"{rng.choice(given_names)} {rng.choice(family_names)}"
    return Person(
        reference=ref, jurisdiction=agency.jurisdiction, responsible_agency=agency,
        given_name=rng.choice(given_names), family_name=rng.choice(family_names), aliases=aliases,
        date_of_birth=datetime.date(rng.randint(1970, 2003), rng.randint(1, 12),
                                    rng.randint(1, 28)),
        national_id="".join(str(rng.randint(0, 9)) for _ in range(13)),
        data_subject_category=DataSubjectCategory.REMAND if remand
        else DataSubjectCategory.CONVICTED,
        classification=classification,
    )


def _episode(person, rng, agency, units, today):
    remand = person.data_subject_category == DataSubjectCategory.REMAND
    years, months = rng.randint(2, 14), rng.choice([0, 0, 6])
    # Admitted part-way through the sentence, so that release is still ahead.
    served = rng.randint(20, int((years * 365 + months * 30) * 0.85))
    admitted = today - datetime.timedelta(days=rng.randint(5, 300) if remand else served)
    episode = CustodyEpisode(
        person=person, facility=agency, unit=rng.choice(units[agency.pk]), admitted_on=admitted,
        legal_status=LegalStatus.REMAND if remand else LegalStatus.SENTENCED,
        offences="Fictional offence for demonstration (Art. 394-b)" if person.classification ==
        Classification.VEP else "Fictional offence for demonstration",
        terrorism_related=person.classification == Classification.VEP)
    if not remand:
        episode.sentence_years, episode.sentence_months = years, months
        episode.remand_credit_days = rng.choice([0, 0, 45, 120, 210])
        episode.sentence_start, episode.sentence_start_source = admitted, \
            KeyDateSource.COURT_JUDGMENT
        dates = compute_key_dates(Sentence(admitted, episode.sentence_years,
                                           episode.sentence_months, 0,
                                           episode.remand_credit_days), Fraction(2, 3))
        for kd in COMPUTED_KEY_DATES:
            setattr(episode, kd.value, dates[kd.value])
            setattr(episode, f"{kd.value}_source", KeyDateSource.COMPUTED)
    return episode


def seed_people(n: int, agencies, users, *, batch_size: int = 1000, stdout=None) -> int:
    """Create people numbered from the current count up to n. Returns how many were added."""
    start = Person.objects.count()
    if start >= n:
        return 0
    references = set(Person.objects.values_list("reference", flat=True))
    units = {}
    for unit in FacilityUnit.objects.all():
        units.setdefault(unit.agency_id, []).append(unit)
    manager, system_actor = users["demo.manager"], users["demo.admin"]
    home_a = agencies[(HOME, "prison_a")]
    team_memberships = {m.user.username: m for m in Membership.objects.filter(
        user__username__in=["demo.probation", "demo.reintegration", "demo.ngo"]).select_related(
        "user", "agency")}
    today = timezone.localdate()
    now = timezone.now()
    for batch_start in range(start, n, batch_size):
        with transaction.atomic():
            _write_batch(range(batch_start, min(n, batch_start + batch_size)), agencies, units,
                         references, today, now, manager, system_actor, home_a, team_memberships)
        if stdout:
            stdout.write(f"  {min(n, batch_start + batch_size)} / {n} people")
    # The episodes were bulk-written, past the services that keep the caseload's sort key.
    expected_release_keys_refresh()
    return n - start


def _write_batch(indices, agencies, units, references, today, now, manager, system_actor, home_a,
                 team_memberships):
    b = _Batch()
    rngs = {}
    for i in indices:
        rng = rngs[i] = random.Random(i)  # noqa: S311 - fictional data, reproducible on purpose
        agency = _placement(i, agencies)
        b.persons.append(_person(i, rng, agency, references, today))
    Person.objects.bulk_create(b.persons)
    tokens = [t for p in b.persons for t in search_tokens_for(p)]
    PersonSearchToken.objects.bulk_create(tokens)
    for i, person in zip(indices, b.persons, strict=True):
        rng, agency = rngs[i], person.responsible_agency
        episode = _episode(person, rng, agency, units, today)
        b.episodes.append(episode)
        registered = timezone.make_aware(datetime.datetime.combine(episode.admitted_on,
                                                                   datetime.time(9)))
        first = Classification.AT_RISK if person.classification == Classification.VEP \
            else person.classification
        actor = manager if agency == home_a else system_actor
        b.changes.append(ClassificationChange(
            person=person, previous="", new=first, changed_by=actor, changed_at=registered,
            reason="Screening at admission (fictional demo record)."))
        b.timeline += [
            TimelineEvent(person=person, kind="person_registered", compartment="case_team",
                          params={"reference": person.reference}, occurred_at=registered,
                          actor=actor),
            TimelineEvent(person=person, kind="custody_started", compartment="case_team",
                          params={"facility": agency.name}, occurred_at=registered, actor=actor),
        ]
        if person.classification == Classification.VEP:
            later = registered + datetime.timedelta(days=rng.randint(10, 60))
            b.changes.append(ClassificationChange(
                person=person, previous=first, new=Classification.VEP, changed_by=actor,
                changed_at=min(later, now),
                reason="Full risk and needs assessment concluded (fictional demo record)."))
            b.timeline.append(TimelineEvent(
                person=person, kind="classification_changed", compartment="case_team",
                params={"previous": first, "new": "vep"}, occurred_at=min(later, now),
                actor=actor))
        level = ManagementLevel.MULTI_AGENCY if person.classification == Classification.VEP \
            else ManagementLevel.SINGLE_AGENCY
        b.cases.append(Case(person=person, opened_at=registered, management_level=level,
                            case_manager=manager if agency == home_a else None))
        b.events.append(audit.build(actor=actor, action=AuditAction.CREATE, obj=person,
                                    agency=agency, details={"source": "seed_demo"}))
    CustodyEpisode.objects.bulk_create(b.episodes)
    ClassificationChange.objects.bulk_create(b.changes)
    Case.objects.bulk_create(b.cases)
    for i, case, episode in zip(indices, b.cases, b.episodes, strict=True):
        rng = rngs[i]
        actor = case.case_manager or system_actor
        b.levels.append(ManagementLevelChange(case=case, level=case.management_level,
                                              reason="Case opened (fictional demo record).",
                                              decided_by=actor, decided_at=case.opened_at))
        b.timeline.append(TimelineEvent(person=case.person, kind="case_opened",
                                        compartment="case_team", occurred_at=case.opened_at,
                                        actor=actor))
        if episode.expected_release and rng.random() < 0.1:
            granted = episode.conditional_release_eligibility
            b.overrides.append(KeyDateOverride(
                episode=episode, key_date="expected_release",
                previous_value=episode.expected_release, new_value=granted, actor=actor,
                at=case.opened_at, reason="Conditional release granted, decision 12/2025 "
                                          "(fictional)."))
        if case.person.responsible_agency == home_a:
            for username, every, scopes, role in [
                    ("demo.probation", 3, [Compartment.IDENTITY], "Probation officer after release"),
                    ("demo.reintegration", 4, [], "Reintegration support"),
                    ("demo.ngo", 5, [], "Mentor (community provider)")]:
                if i % every == 0 and username in team_memberships:
                    m = team_memberships[username]
                    b.members.append(CaseTeamMember(
                        case=case, user=m.user, agency=m.agency, team_role=role, scopes=scopes,
                        added_at=case.opened_at, added_by=actor))
                    b.timeline.append(TimelineEvent(
                        person=case.person, kind="team_member_added", compartment="case_team",
                        params={"name": str(m.user), "agency": m.agency.name},
                        occurred_at=case.opened_at, actor=actor))
        b.events.append(audit.build(actor=actor, action=AuditAction.CREATE, obj=case,
                                    person=case.person, details={"source": "seed_demo"}))
    for override in b.overrides:
        episode = override.episode
        episode.expected_release = override.new_value
        episode.expected_release_source = KeyDateSource.MANUAL_OVERRIDE
    CustodyEpisode.objects.bulk_update([o.episode for o in b.overrides],
                                       ["expected_release", "expected_release_source"])
    KeyDateOverride.objects.bulk_create(b.overrides)
    ManagementLevelChange.objects.bulk_create(b.levels)
    CaseTeamMember.objects.bulk_create(b.members)
    TimelineEvent.objects.bulk_create(b.timeline)
    audit.append(b.events, bulk=True)




def reference_versions() -> dict:
    """The open reference instruments, loaded (idempotent): {kind: InstrumentVersion}."""
    from alliance.assessments import services as a_services
    from alliance.assessments.instruments import (
        InstrumentDefinitionError,
        load_definition,
        reference_definition_paths,
    )
    from alliance.assessments.models import InstrumentVersion

    versions = {}
    for path in reference_definition_paths():
        try:
            version, _ = a_services.instrument_load(
                actor=None, text=path.read_text(encoding="utf-8"), filename=path.name)
        except InstrumentDefinitionError:
            # A demo database from an older checkout holds this version with other text;
            # published versions are immutable, so keep using the one it has.
            definition = load_definition(path)
            version = InstrumentVersion.objects.get(instrument__code=definition.code,
                                                    version=definition.version)
        # The first of each kind (the format-1 instruments) drives the generated history; the
        # others are offered for new assessments too.
        versions.setdefault(version.instrument.kind, version)
    return versions


def countersigned_assessment(person, version, treatment, manager, rng, levels, judgement,
                             when):
    """A risk and needs assessment of `person` through the services, rated at random within
    `levels`, countersigned by `manager`, then dated `when` (demo only: so the history and the
    trend chart have a shape; the audit trail keeps the real times)."""
    from alliance.assessments import services as a_services
    from alliance.assessments.models import Assessment

    today = timezone.localdate()
    draft = a_services.assessment_start(actor=treatment, person=person,
                                        instrument_version=version)
    definition = draft.instrument_version.parsed
    for item in definition.items:
        scale = definition.scale_of(item)
        codes = [p.code for p in scale.points]
        rating = ("unknown" if item.unknown_allowed and rng.random() < 0.1 else
                  rng.choice([c for c in codes if c in levels] or codes))
        a_services.assessment_rate_item(actor=treatment, assessment=draft,
                                        item_code=item.code, rating=rating,
                                        evidence="Fictional evidence for the demo.")
    draft = a_services.assessment_update(
        actor=treatment, assessment=draft, expected_version=None,
        sources=[{"kind": "interview", "description": "Two interviews (fictional)",
                  "on": today.isoformat()},
                 {"kind": "file", "description": "Prison file", "on": ""}],
        formulation="Fictional formulation for the demonstration.",
        overall_judgement=judgement,
        judgement_rationale="Fictional rationale for the demonstration.")
    draft = a_services.assessment_submit(actor=treatment, assessment=draft,
                                         expected_version=None)
    draft = a_services.assessment_countersign(actor=manager, assessment=draft,
                                              expected_version=None)
    Assessment.objects.filter(pk=draft.pk).update(created_at=when, submitted_at=when,
                                                  countersigned_at=when)
    draft.refresh_from_db()
    return draft


def seed_assessments(users, *, people: int = 12) -> int:
    """Reference instruments, certifications, and a few screenings and countersigned assessments
    in the home prison, so that the worklists, the history, the comparison and the trend chart
    have something to show. Idempotent: people who already have assessments are skipped."""
    from alliance.assessments import services as a_services
    from alliance.assessments.models import Assessment, Certification, Course, DueDetail, DueReason

    versions = reference_versions()
    today = timezone.localdate()
    course, _ = Course.objects.get_or_create(name="Alliance risk and needs assessment (demo)",
                                             instrument_code="alliance-risk-needs")
    for username in ("demo.treatment", "demo.treatment2"):
        # (a training session of the demo renews demo.treatment's: look for any, not one)
        if not Certification.objects.filter(user=users[username],
                                            instrument_code="alliance-risk-needs").exists():
            Certification.objects.create(
                user=users[username], instrument_code="alliance-risk-needs", course=course,
                certified_on=today - datetime.timedelta(days=400),
                expires_on=today + datetime.timedelta(days=700),
                booster_due_on=today - datetime.timedelta(days=10)
                if username == "demo.treatment2" else today + datetime.timedelta(days=200))
    treatment, manager = users["demo.treatment"], users["demo.manager"]
    home = Agency.objects.get(name=AGENCIES[1][1].format(code=HOME))
    persons = list(Person.objects.filter(responsible_agency=home).exclude(pk__in=_monitoring_people())
                   .order_by("id")[:people])
    added = 0
    for n, person in enumerate(persons):
        if Assessment.objects.filter(person=person).exists():
            continue
        if n % 3 == 2:
            a_services.mark_reassessment_due(
                person=person, reason=DueReason.SIGNIFICANT_EVENT, actor=manager,
                compartment=Compartment.SECURITY,
                detail=DueDetail.OBSERVATION_ESCALATED,
                detail_params={"observed_on": today - datetime.timedelta(days=n + 2),
                               "indicators": []},
                due_on=today - datetime.timedelta(days=n))
            continue
        rng = random.Random(1000 + n)  # noqa: S311 - fictional, reproducible
        # A first assessment a year ago, and the reassessment the current plan is built on
        # (seed_plan_work) some months ago.
        for round_, levels in enumerate([("moderate", "high"), ("low", "moderate")]):
            countersigned_assessment(
                person, versions["risk_needs"], treatment, manager, rng, levels,
                levels[1] if round_ == 0 else levels[0],
                timezone.now() - datetime.timedelta(days=380 if round_ == 0 else 140 + 2 * n))
        added += 1
    seed_profiles(users, persons)
    seed_work(users)
    return added


# The format-2 reference instrument (a structured profile: named ratings, not applicable, a
# conditional item, domain judgements, additional factors, a formulation as the judgement).
PROFILE_CODE = "alliance-structured-profile"
PROFILE_EARLIER = {
    "EN1": {"presence": "present", "influence": "strong"},
    "EN2": {"presence": "present", "influence": "some"},
    "EN3": {"presence": "partly_present", "influence": "little"},
    "IN1": {"presence": "partly_present", "influence": "some"},
    "IN2": {"presence": "unknown"},
    "IN3": {"presence": "partly_present", "influence": "some"},
    "CA1": {"presence": "present", "timeframe": "historical"},
    "CA2": {"presence": "partly_present", "influence": "some"},
    "PR1": "strong",
    "PR2": "partial",
}
# Months later: engagement has eased, identification with the group is gone (so IN3 is no
# longer asked), contact with the family has ended (PR2 no longer applies) and the rejection of
# violence has weakened: a protective factor going down, which the comparison shows as worse.
PROFILE_LATER = {
    "EN1": {"presence": "partly_present", "influence": "some"},
    "EN2": {"presence": "partly_present", "influence": "little"},
    "EN3": {"presence": "not_present"},
    "IN1": {"presence": "not_present"},
    "IN2": {"presence": "partly_present", "influence": "little"},
    "CA1": {"presence": "present", "timeframe": "historical"},
    "CA2": {"presence": "partly_present", "influence": "some"},
    "PR1": "partial",
    "PR2": "not_applicable",
}
PROFILE_JUDGEMENTS = [
    {"engagement": ("high", "The group is the main source of belonging (fictional)."),
     "intent": ("moderate", "Sympathy with those who used violence, voiced in interviews "
                            "(fictional)."),
     "capability": ("moderate", "A history of violence; no current access (fictional).")},
    {"engagement": ("moderate", "Belonging now also found in work and education (fictional)."),
     "intent": ("low", "No identification with a violent group seen since (fictional)."),
     "capability": ("moderate", "Unchanged: the history of violence remains (fictional).")},
]
PROFILE_DRAFT = {code: PROFILE_LATER[code] for code in ("EN1", "EN2", "EN3", "PR1")}


def _profile_assessment(person, version, treatment, manager, answers, judgements, factor,
                        when):
    """One structured profile of `person` through the services, countersigned, dated `when`."""
    from alliance.assessments import services as a_services
    from alliance.assessments.models import Assessment

    draft = a_services.assessment_start(actor=treatment, person=person,
                                        instrument_version=version)
    for code, rating in answers.items():
        a_services.assessment_rate_item(actor=treatment, assessment=draft, item_code=code,
                                        rating=rating,
                                        evidence="Fictional evidence for the demo.")
    a_services.factor_add(actor=treatment, assessment=draft, domain="engagement",
                          name=factor, rating={"presence": "partly_present", "influence": "some"},
                          evidence="Wing reports and an interview (fictional).")
    draft = a_services.assessment_update(
        actor=treatment, assessment=draft, expected_version=None,
        domain_judgements={code: {"judgement": option, "rationale": rationale}
                           for code, (option, rationale) in judgements.items()},
        sources=[{"kind": "interview", "description": "Two interviews (fictional)",
                  "on": when.date().isoformat()},
                 {"kind": "file", "description": "Prison file", "on": ""}],
        formulation="Fictional formulation for the demonstration: what draws the person to the "
                    "group, what holds them back from violence, and what the plan can build on.")
    draft = a_services.assessment_submit(actor=treatment, assessment=draft,
                                         expected_version=None)
    draft = a_services.assessment_countersign(actor=manager, assessment=draft,
                                              expected_version=None)
    Assessment.objects.filter(pk=draft.pk).update(created_at=when, submitted_at=when,
                                                  countersigned_at=when)
    return draft


def seed_profiles(users, persons, *, people: int = 3) -> int:
    """The format-2 reference instrument in use: demo.treatment and demo.treatment2 certified
    for it; for a few people of the home prison A who have risk and needs assessments, two
    countersigned structured profiles (so the comparison has moves, a protective factor going
    down among them), both older than their latest risk and needs assessment, which their plan
    stays built on; and a draft in progress for demo.treatment. Idempotent: people who already
    have a structured profile are skipped. Returns how many people got one."""
    from alliance.assessments import services as a_services
    from alliance.assessments.models import (
        Assessment,
        AssessmentStatus,
        Certification,
        Course,
        InstrumentVersion,
    )

    version = (InstrumentVersion.objects.filter(instrument__code=PROFILE_CODE, is_active=True)
               .order_by("-created_at").first())
    if version is None:
        return 0
    today = timezone.localdate()
    course, _ = Course.objects.get_or_create(name="Alliance structured profile (demo)",
                                             instrument_code=PROFILE_CODE)
    for username in ("demo.treatment", "demo.treatment2"):
        Certification.objects.get_or_create(
            user=users[username], instrument_code=PROFILE_CODE, defaults={
                "course": course, "certified_on": today - datetime.timedelta(days=200),
                "expires_on": today + datetime.timedelta(days=900)})
    treatment, manager = users["demo.treatment"], users["demo.manager"]
    assessed = [person for n, person in enumerate(persons) if n % 3 != 2]
    profiled = set(Assessment.objects.filter(person__in=persons,
                                             instrument_version__instrument__code=PROFILE_CODE)
                   .values_list("person_id", flat=True))
    factors = ["Status among peers on the wing (fictional)",
               "Online contact with a recruiter (fictional)",
               "Grievance about a relative's treatment (fictional)"]
    added = 0
    for k, person in enumerate(assessed[:people]):
        if person.pk in profiled:
            continue
        for round_, answers in enumerate((PROFILE_EARLIER, PROFILE_LATER)):
            _profile_assessment(
                person, version, treatment, manager, answers, PROFILE_JUDGEMENTS[round_],
                factors[k % len(factors)],
                timezone.now() - datetime.timedelta(days=(480 if round_ == 0 else 200) + k))
        added += 1
    # A draft in progress for demo.treatment, with a few items rated.
    drafts = Assessment.objects.filter(person__in=persons, status=AssessmentStatus.DRAFT,
                                       instrument_version__instrument__code=PROFILE_CODE)
    if len(assessed) > people and not drafts.exists():
        draft = a_services.assessment_start(actor=treatment, person=assessed[people],
                                            instrument_version=version)
        for code, rating in PROFILE_DRAFT.items():
            a_services.assessment_rate_item(actor=treatment, assessment=draft, item_code=code,
                                            rating=rating,
                                            evidence="Fictional evidence for the demo.")
    return added


def seed_plan_work(users, agencies) -> int:
    """The intervention catalogues, and plans with a few months of work for most people of the
    home prison A (plans.py); people there without an assessment get one first. Returns how
    many plans were started."""
    from . import plans

    catalogue = plans.seed_catalogue(agencies, users["demo.admin"])
    version = reference_versions()["risk_needs"]
    treatment, manager = users["demo.treatment"], users["demo.manager"]

    def assess(person, n):
        rng = random.Random(1000 + n)  # noqa: S311 - fictional, reproducible
        return countersigned_assessment(
            person, version, treatment, manager, rng, ("low", "moderate", "high"), "moderate",
            timezone.now() - datetime.timedelta(days=100 + 3 * (n % 12)))

    started = plans.seed_plans(users, agencies, catalogue[HOME], assess)
    read_countersignature_notices(manager)
    return started


# Casework demo users, each left with a few open tasks (two overdue) and unread notifications.
# The team members come first: they see the fewest people, and no person gets two follow-ups.
WORK_DEMO_USERS = ["demo.probation", "demo.reintegration", "demo.ngo", "demo.treatment2",
                   "demo.treatment", "demo.security", "demo.manager"]
WORK_DUE_IN_DAYS = [-5, -1, 4]


def seed_work(users) -> int:
    """Follow-up tasks, assigned by the demo manager through the work app's services, about
    people each user sees (the team members: people whose case team they are on), each told by
    a notification. People are taken in id order, none twice, so a second run finds the same
    tasks open and creates nothing (task_ensure and notify are idempotent). Returns how many
    open follow-ups the demo users have."""
    from alliance.people.access import persons_visible_to
    from alliance.work import kinds
    from alliance.work import services as work_services

    today = timezone.localdate()
    manager, taken, total = users["demo.manager"], set(), 0
    for username in WORK_DEMO_USERS:
        user = users[username]
        people = []
        for person in persons_visible_to(user).order_by("pk").iterator(chunk_size=100):
            if person.pk not in taken:
                people.append(person)
            if len(people) == len(WORK_DUE_IN_DAYS):
                break
        for person, days in zip(people, WORK_DUE_IN_DAYS, strict=False):
            taken.add(person.pk)
            due_on = today + datetime.timedelta(days=days)
            task = work_services.task_ensure(
                kind=kinds.FOLLOW_UP, source=person, person=person, assignee=user,
                due_on=due_on, params={"reference": person.reference}, created_by=manager)
            work_services.notify(recipient=user, kind=kinds.TASK_ASSIGNED, person=person,
                                 target=task, params={"reference": person.reference,
                                                      "due_on": task.due_on},
                                 occurrence="assigned", actor=manager)
            total += 1
    read_countersignature_notices(manager)
    return total


def read_countersignature_notices(manager) -> None:
    """The assessments seeded were submitted and countersigned at once: the manager has read
    the notices that they were waiting."""
    from alliance.assessments.models import Assessment, AssessmentStatus
    from alliance.work import services as work_services
    from alliance.work.models import Notification

    countersigned = Assessment.objects.exclude(status=AssessmentStatus.SUBMITTED).values("uuid")
    for note in Notification.objects.filter(recipient=manager, read_at__isnull=True,
                                            kind="countersignature_waiting",
                                            target_uuid__in=countersigned):
        work_services.notification_read(actor=manager, notification=note)


def _monitoring_people():
    """The monitoring history's people (seeded last): never picked for the stories above, so
    that a second run picks the same people as the first."""
    from alliance.demo.monitoring import history  # the history's module imports this one

    return history()
