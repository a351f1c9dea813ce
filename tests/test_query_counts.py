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
ASSESSMENT_BUDGETS = {"assessment overview": 31, "rating page of a domain": 22,
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
