"""Pages whose query count would grow with the number of people are a defect: each page below
is fetched with one person and with fifty, and must run the same number of queries.

Person A has a plan with its history (a countersigned plan, sessions attended and refused, a
refusal pattern, a stage of change, a working-alliance measure); each of the other forty-nine is
enrolled too, with a session today and two not produced in the last weeks, so the practitioner's
sessions today and the not-engaging worklist grow from one row to fifty."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance.people import services as people_services
from alliance.plans import selectors as plan_selectors
from alliance.plans import services as plan_services

from .conftest import PROFILE_ANSWERS, login
from .factories import person_fields
from .plans import builders

pytestmark = pytest.mark.django_db

PAGES = {
    "caseload": lambda w: reverse("people:caseload"),
    "caseload search": lambda w: reverse("people:caseload") + "?q=Krasniqi",
    "person page": lambda w: reverse("people:detail", args=[w.person_a.uuid]),
    "assessments worklist": lambda w: reverse("assessments:worklist"),
    "my work": lambda w: reverse("work:my_work"),
    "API persons": lambda w: reverse("api:person-list"),
    "API cases": lambda w: reverse("api:case-list"),
    # the plans module
    "plan": lambda w: reverse("plans:plan", args=[w.plan.uuid]),
    "person's sessions": lambda w: reverse("plans:person_sessions", args=[w.person_a.uuid]),
    "person's offers": lambda w: reverse("plans:offers", args=[w.person_a.uuid]),
    "my sessions today": lambda w: reverse("plans:sessions_today"),
    "not engaging": lambda w: reverse("plans:not_engaging"),
    "working alliance by practitioner": lambda w: reverse("plans:alliance_trends"),
    "API interventions": lambda w: reverse("api:intervention-list"),
    "API plans": lambda w: reverse("api:person-plans", args=[w.person_a.uuid]),
    "API enrolments": lambda w: reverse("api:person-enrolments", args=[w.person_a.uuid]),
    "API sessions": lambda w: reverse("api:person-sessions", args=[w.person_a.uuid]),
    "API refusals": lambda w: reverse("api:person-refusals", args=[w.person_a.uuid]),
    "API motivation": lambda w: reverse("api:person-motivation", args=[w.person_a.uuid]),
    "API alliance measures": lambda w: reverse("api:person-alliance-measures",
                                               args=[w.person_a.uuid]),
}


def _page_counts(client, pages, of) -> dict:
    """The queries each page of `pages` runs, its URL made from `of`."""
    counts = {}
    for name, url in pages.items():
        client.get(url(of))  # the first request of a session loads more
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(of)).status_code == 200, name
        counts[name] = len(ctx.captured_queries)
    return counts


def _counts(world) -> dict:
    return _page_counts(login(world.treatment_a), PAGES, world)


def _noon(days_from_today: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _enrol_with_a_session_today(w, person) -> None:
    enrolment = plan_services.enrolment_create(
        actor=w.treatment_a, person=person, intervention=w.mentoring, practitioner=w.treatment_a,
        started_on=timezone.localdate() - datetime.timedelta(days=20))
    *missed, _today = plan_services.sessions_schedule(
        actor=w.treatment_a, enrolment=enrolment, first_at=_noon(-14), count=3)
    for session in missed:
        plan_services.session_record(actor=w.treatment_a, session=session,
                                     expected_version=None, attendance="not_produced")


@pytest.fixture
def history(world):
    w = world
    builders.current_plan(w)
    builders.recorded_session(w)
    for session in w.sessions[1:4]:
        plan_services.session_record(actor=w.treatment_a, session=session,
                                     expected_version=None, attendance="refused",
                                     reason="no_reason", strategy="wait_and_reoffer")
    builders.alliance_measure(w)
    plan_services.stage_record(actor=w.treatment_a, person=w.person_a, stage="contemplation",
                               assessed_on=timezone.localdate(), rationale="Rationale")
    plan_services.sessions_schedule(actor=w.treatment_a, enrolment=w.enrolment,
                                    first_at=_noon(0))
    return w


def _worklist_rows(w) -> tuple[int, int]:
    return (len(plan_selectors.sessions_today(w.treatment_a)),
            len(plan_selectors.not_engaging(w.treatment_a)))


def test_no_page_runs_more_queries_with_more_people(history):
    w = history
    with_one = _counts(w)
    assert _worklist_rows(w) == (1, 1)
    for n in range(49):
        person = people_services.person_create(actor=w.manager_a, **person_fields(
            w.prison_a, given_name=f"Given{n}", national_id=f"ID{n:06d}"))
        _enrol_with_a_session_today(w, person)
    with_fifty = _counts(w)
    assert _worklist_rows(w) == (50, 50)
    assert with_fifty == with_one


# --- the assessment pages: as many queries for one rated item as for all of them -----------------

ASSESSMENT_PAGES = {
    "assessment overview": lambda a: reverse("assessments:detail", args=[a.uuid]),
    "rating page of a domain": lambda a: reverse("assessments:rate_domain",
                                                 args=[a.uuid, "engagement"]),
    "changes since the previous assessment": lambda a: reverse("assessments:compare",
                                                               args=[a.uuid]),
}
# What each page may run at most (sessions, the user's grants, the assessment and its person,
# the ratings, the previous assessment, the factors, the audit row): a page that starts
# reading per item or per domain breaks the budget long before it breaks the equality.
# The overview's 31: one of them is the per-request read of the access a prison keeps after a
# handover (people.access.retained_access), which every page that filters people now runs once.
# (Each signed-in request also records the session's last activity: one UPDATE, issue 15.)
ASSESSMENT_BUDGETS = {"assessment overview": 32, "rating page of a domain": 22,
                      "changes since the previous assessment": 20, "saving one item": 34}


def _assessment_counts(w, assessment, item_code) -> dict:
    from alliance.assessments.models import ItemRating

    client = login(w.treatment_a)
    counts = _page_counts(client, ASSESSMENT_PAGES, assessment)
    stamp = ItemRating.objects.get(assessment=assessment, item_code=item_code).rated_at
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("assessments:rate_item", args=[assessment.uuid, item_code]),
                               {f"{item_code}-rating": "partial", f"{item_code}-evidence": "New",
                                f"{item_code}-stamp": stamp.isoformat()}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    counts["saving one item"] = len(ctx.captured_queries)
    return counts


def test_the_assessment_pages_do_not_read_per_item(assessing):
    from alliance.assessments import services

    w = assessing
    draft = services.assessment_start(actor=w.treatment_a, person=w.person_a,
                                      instrument_version=w.instruments.structured_profile_v2)

    def rate(code):
        services.assessment_rate_item(actor=w.treatment_a, assessment=draft, item_code=code,
                                      rating=PROFILE_ANSWERS[code], evidence=f"Evidence for {code}")

    rate("PR1")
    with_one = _assessment_counts(w, draft, "PR1")
    for code in PROFILE_ANSWERS:  # PR1 too: back to "strong", so that both saves write
        rate(code)
    for name in ("Online contacts", "Debts"):
        services.factor_add(actor=w.treatment_a, assessment=draft, domain="engagement",
                            name=name, rating={"presence": "present", "influence": "some"},
                            evidence="Seen")
    with_all = _assessment_counts(w, draft, "PR1")

    assert with_all == with_one
    for name, count in with_all.items():
        assert count <= ASSESSMENT_BUDGETS[name], (name, count)


# --- the knowledge base, the methodology and training: as many queries for one row as for many --

KNOWLEDGE_PAGES = {
    # as the regional coordinator, who has every tab: published, the review queue, their own
    "knowledge base": lambda w: reverse("knowledge:entry_list"),
    "knowledge base's review queue": lambda w: reverse("knowledge:entry_list") + "?tab=review",
    "my knowledge entries": lambda w: reverse("knowledge:entry_list") + "?tab=mine",
    "knowledge base search": lambda w: reverse("knowledge:entry_list")
    + "?q=conversations&theme=motivation",
    "API knowledge entries": lambda w: reverse("api:knowledge-entry-list") + "?q=conversations",
    "meetings": lambda w: reverse("knowledge:meeting_list"),
    "API meetings": lambda w: reverse("api:meeting-list"),
    "recommendation matrix": lambda w: reverse("knowledge:recommendation_matrix"),
    "API recommendations": lambda w: reverse("api:recommendation-list"),
    "methodology version": lambda w: reverse("knowledge:methodology_version",
                                             args=[w.methodology_version.uuid]),
    "API methodology version": lambda w: reverse("api:methodology-version",
                                                 args=[w.methodology_version.uuid]),
}
TRAINING_PAGES = {
    # as manager A, who oversees prison A's staff
    "staff training": lambda w: reverse("training:staff"),
    "training sessions": lambda w: reverse("training:session_list"),
    "API training sessions": lambda w: reverse("api:training-session-list"),
}


def _knowledge_counts(w) -> dict:
    return {**_page_counts(login(w.regional_coordinator), KNOWLEDGE_PAGES, w),
            **_page_counts(login(w.manager_a), TRAINING_PAGES, w)}


def _add_knowledge_rows(w, n: int, start: int = 0) -> None:
    """n of each: published entries (with a translation) and reviewed ones waiting for the
    coordinator; published recommendations with where J1 and J2 stand; meetings (past and
    upcoming, each presenting entries); staff of prison A, each certified and attending a
    recorded session; and a version of a methodology with n chapters citing the entries."""
    from alliance.accounts.models import Role, Sector
    from alliance.knowledge.methodology import services as methodology
    from alliance.knowledge.models import EntryKind, EntryStatus, EntryText, Theme
    from alliance.knowledge.recommendations.services import adoption_set

    from .conftest import certify
    from .factories import member
    from .knowledge import security_builders as kb
    from .knowledge.builders import entry
    from .knowledge.meetings import builders as meeting_builders

    c = w.regional_coordinator
    cited = []
    for i in range(start, start + n):
        published = entry(c, title=f"Weekly conversations {i}", jurisdiction=(w.j1, w.j2, None)[i % 3],
                          findings="Fewer incidents", themes=(Theme.MOTIVATION, Theme.STAFF))
        EntryText.objects.create(entry=published, language="sq", title=f"Biseda {i}",
                                 description="Besim", written_by=c)
        cited.append(published)
        entry(w.treatment_a, title=f"Conversations in the wing {i}", jurisdiction=w.j1,
              status=EntryStatus.REVIEWED)
        recommendation = entry(c, title=f"Conversations first {i}", kind=EntryKind.RECOMMENDATION)
        for jurisdiction in (w.j1, w.j2):
            adoption_set(actor=c, entry=recommendation, jurisdiction=jurisdiction,
                         status="in_progress", note="Drafting the rule.", expected_version=None)
        meeting_builders.meeting(w, title=f"Working group {i}", days_from_today=-30 - i,
                                 entries=[published, recommendation])
        meeting_builders.meeting(w, title=f"Training {i}", days_from_today=10 + i,
                                 kind="training")
        officer = member(w.prison_a, Role.TREATMENT_OFFICER, sector=Sector.TREATMENT,
                         username=f"officer{i}")
        certify(officer, "alliance-risk-needs")
        kb.recorded_session(w, attendees=[officer, w.treatment_a],
                            results={officer: ("passed", "Good"), w.treatment_a: ("passed", "")})
    _m, _v1, v2 = kb.methodology_with_draft(c, title=f"Methodology {start}")
    for i, e in enumerate(cited):
        methodology.chapter_add(actor=c, version=v2, title=f"Chapter {i}", body="Text",
                                citations=[e.uuid, cited[0].uuid])
    w.methodology_version = methodology.version_approve(actor=c, version=v2,
                                                        expected_version=None,
                                                        change_summary="More chapters")


def _knowledge_rows(w) -> dict:
    """How many rows the pages show: each tab of the knowledge base under the search, the
    meetings, the recommendations, the chapters of the version, the staff and the sessions."""
    from alliance.knowledge.entries import selectors as entries
    from alliance.knowledge.meetings.selectors import meeting_list
    from alliance.knowledge.recommendations.selectors import filtered
    from alliance.knowledge.training.selectors import session_lists, staff_of

    c = w.regional_coordinator
    search = entries.Filters(q="conversations", theme="motivation")
    meetings = meeting_list(c)
    sessions = session_lists(w.manager_a)
    return {**entries.knowledge_base(c, tab="published", filters=search).counts,
            "meetings": len(meetings.upcoming) + meetings.past.paginator.count,
            "recommendations": filtered(c).count(),
            "chapters": w.methodology_version.chapters.count(),
            "staff": staff_of(w.manager_a).count(),
            "sessions": len(sessions["upcoming"]) + sessions["page"].paginator.count}


def test_no_knowledge_or_training_page_runs_more_queries_with_more_rows(world):
    from .knowledge import security_builders as kb

    w = kb.knowledge_staff(world)
    _add_knowledge_rows(w, 1)
    with_one = _knowledge_counts(w)
    assert _knowledge_rows(w) == {"published": 2, "review": 1, "mine": 2, "meetings": 2,
                                  "recommendations": 1, "chapters": 2, "staff": 5,
                                  "sessions": 1}
    _add_knowledge_rows(w, 12, start=1)
    with_many = _knowledge_counts(w)
    assert _knowledge_rows(w) == {"published": 26, "review": 13, "mine": 26, "meetings": 26,
                                  "recommendations": 13, "chapters": 13, "staff": 17,
                                  "sessions": 13}
    assert with_many == with_one


# --- monitoring: the dashboards, exports and the statistics API read the snapshot table in a
# constant number of queries, whatever the agencies, jurisdictions, months and indicators ------

MONITORING_PAGES = {
    # as manager A: prison A's exact figures
    "agency dashboard": ("manager_a", lambda w: reverse("monitoring:agency", args=[
        w.prison_a.uuid]) + "?period=2025-Q1"),
    "agency dashboard, a range of months": ("manager_a", lambda w: reverse(
        "monitoring:agency", args=[w.prison_a.uuid]) + "?period=2024-07..2025-06"),
    "agency export": ("manager_a", lambda w: reverse("monitoring:agency_export", args=[
        w.prison_a.uuid, "xlsx"]) + "?period=2025"),
    "API facility": ("manager_a", lambda w: reverse("api:statistics")
                     + f"?level=facility&agency={w.prison_a.uuid}&period=2025-03"),
    # as the regional coordinator: the anonymous figures (a month's trend spans two years)
    "region dashboard": ("regional_coordinator", lambda w: reverse("monitoring:region")
                         + "?period=2025"),
    "region dashboard, a month": ("regional_coordinator", lambda w: reverse("monitoring:region")
                                  + "?period=2025-02"),
    "region export": ("regional_coordinator", lambda w: reverse(
        "monitoring:region_export", args=["csv"]) + "?period=2025-Q2"),
    "jurisdiction dashboard": ("regional_coordinator", lambda w: reverse(
        "monitoring:jurisdiction", args=["J1"]) + "?period=2025-Q3"),
    "API region": ("regional_coordinator", lambda w: reverse("api:statistics")
                   + "?level=region&period=2025-02"),
    "API jurisdiction": ("regional_coordinator", lambda w: reverse("api:statistics")
                         + "?level=jurisdiction&jurisdiction=J2&period=2025"),
}
# Most of them are the session, the user's grants, the computed months, the snapshot rows (one
# query per calendar year at the anonymous levels) and the database cache of the protected
# tables; a page that reads per agency, month or indicator breaks the equality at once.
# (An API request also counts its throttling budgets in the shared cache, issue 15.)
MONITORING_BUDGET = 36


def _monitoring_counts(w, *, cold: bool) -> dict:
    """The queries of each monitoring page; `cold`: the protected tables computed afresh."""
    from django.core.cache import cache

    clients = {persona: login(getattr(w, persona)) for persona in ("manager_a",
                                                                   "regional_coordinator")}
    counts = {}
    for name, (persona, url) in MONITORING_PAGES.items():
        clients[persona].get(url(w))  # the first request of a session loads more
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = clients[persona].get(url(w))
            assert response.status_code == 200, name
            b"".join(response) if response.streaming else response.content
        counts[name] = len(ctx.captured_queries)
    return counts


def _snapshot_rows(w, agencies, months) -> None:
    """Every indicator of every agency in every month (2024 and 2025), and the months marked
    computed, as the daily job leaves them."""
    from alliance.monitoring.indicators import INDICATORS, Kind
    from alliance.monitoring.models import IndicatorValue, SnapshotMonth
    from alliance.monitoring.periods import months_between

    every = months_between(datetime.date(2024, 1, 1), datetime.date(2025, 12, 1))
    IndicatorValue.objects.bulk_create([
        IndicatorValue(agency=agency, jurisdiction=agency.jurisdiction, month=month,
                       indicator=i.code, numerator=7 + n % 5,
                       denominator=None if i.kind == Kind.COUNT else 20 + n % 7)
        for n, (agency, month, i) in enumerate(
            (a, m, i) for a in agencies for m in every[:months] for i in INDICATORS)])
    for month in every:
        SnapshotMonth.objects.update_or_create(month=month,
                                               defaults={"computed_at": timezone.now()})


def test_no_monitoring_page_runs_more_queries_with_more_agencies_months_or_rows(world):
    from alliance.monitoring.models import IndicatorValue
    from alliance.organisations.models import AgencyType

    from .factories import AgencyFactory, JurisdictionFactory

    w = world
    _snapshot_rows(w, [w.prison_a], months=1)
    few = (_monitoring_counts(w, cold=False), _monitoring_counts(w, cold=True))
    agencies = [w.prison_b, w.probation, w.prison_other]
    for code in ("J3", "J4", "J5", "XK"):
        place = JurisdictionFactory(code=code, designation_footnote=code == "XK")
        agencies += [AgencyFactory(jurisdiction=place, type=AgencyType.PRISON)
                     for _ in range(3)]
    IndicatorValue.objects.all().delete()
    _snapshot_rows(w, [w.prison_a, *agencies], months=24)
    assert IndicatorValue.objects.count() == 16 * 24 * 13
    many = (_monitoring_counts(w, cold=False), _monitoring_counts(w, cold=True))
    assert many == few
    for name, count in many[1].items():
        assert count <= MONITORING_BUDGET, (name, count)


# --- the person page: near its floor (issue 17, goal 2) ------------------------------------------

# Every section of the registry, for a person with a plan, sessions, refusals, a stage of change,
# a working-alliance measure, a custody episode and a case team (no release work yet, no case
# conference: one query each says so): the session and its activity, the reader's grants (read
# once), each section's own tables, the navigation's counts (one query), the audit row (in the
# test's transaction with a savepoint around it; on PostgreSQL with one more statement: the lock
# of its stripe). 38 on SQLite. A section that starts reading per row, or a grant computed again
# by a section, breaks it.
PERSON_PAGE_BUDGET = 39


def _person_page_queries(w) -> list[str]:
    client = login(w.treatment_a)
    url = reverse("people:detail", args=[w.person_a.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_person_page_stays_within_its_budget(history):
    assert len(_person_page_queries(history)) <= PERSON_PAGE_BUDGET


def test_the_person_page_reads_each_shared_fact_once(history):
    """The reader's grant on the person, their case-team places, the open case and the custody
    episodes are read once per request, however many sections ask (core.context.remembered)."""
    queries = _person_page_queries(history)

    def reading(table: str, where: str = "") -> list[str]:
        return [q for q in queries if q.startswith("SELECT") and f'FROM "{table}"' in q
                and where in q]

    # The reader's places, once: the lists' filters read them for every person, and the grant
    # on this person takes its places from them.
    me, person = history.treatment_a.pk, history.person_a.pk
    assert len(reading("cases_caseteammember", f'"cases_caseteammember"."user_id" = {me}')) == 1
    assert len(reading("cases_case", f'"cases_case"."case_manager_id" = {me}')) == 1
    assert len(reading("cases_case", f'"cases_case"."person_id" = {person}')) == 1  # open case
    assert len(reading("people_custodyepisode")) == 1
    assert len([q for q in queries if "work_task" in q or "work_notification" in q]) == 1


def test_no_page_fetches_an_instrument_definition_to_ignore_it(history):
    """The definition (76 KB of JSON for the reference instrument) is parsed once per process;
    pages that name an instrument or follow an assessment to its version never fetch it."""
    w = history
    client = login(w.treatment_a)
    urls = [reverse("people:detail", args=[w.person_a.uuid]),
            reverse("plans:plan", args=[w.plan.uuid])]
    for url in urls:
        client.get(url)  # the first request parses what the process has not yet
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert not [q["sql"] for q in ctx.captured_queries
                    if '"assessments_instrumentversion"."definition"' in q["sql"]], url
