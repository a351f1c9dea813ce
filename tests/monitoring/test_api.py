"""The monitoring API as a client uses it: the indicators' definitions, and the statistics each
caller may see (a manager: their agency's exact figures; a regional coordinator: the
jurisdictions and the region, suppressed), every refusal with its status and reason in the API's
error shape, what a regional coordinator never receives, and the audit trail."""

import json

import pytest
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent, AuditOutcome
from alliance.monitoring.indicators import BY_CODE, INDICATORS

from ..api.helpers import ENVELOPE, assert_error
from ..conftest import login
from ..factories import person_fields
from ..matrix import PERSONAS
from .matrix_api import ROWS as MATRIX_ROWS

pytestmark = pytest.mark.django_db

INDICATOR_LIST = "/api/v1/indicators/"
STATISTICS = "/api/v1/statistics/"
DEFINITION_FIELDS = {"code", "title", "definition", "numerator", "denominator", "period_rule",
                     "kind", "over_time", "module", "available", "unit", "higher_is_better"}
FIGURE_FIELDS = {"value", "numerator", "denominator", "suppressed", "computed"}


@pytest.fixture
def w(monitoring_world, snapshot):
    """March 2025 computed (only it: every cut of the year's table is then worked by hand).
    Screenings: J1 15 (prison A 10, prison B 5), J2 3, XK 8: J2 is small, XK hidden with it,
    region 26. Engagement: prison A 12 of 16."""
    put = snapshot.put
    put(monitoring_world.prison_a, "2025-03", "screened", 10)
    put(monitoring_world.prison_b, "2025-03", "screened", 5)
    put(monitoring_world.prison_other, "2025-03", "screened", 3)
    put(monitoring_world.prison_xk, "2025-03", "screened", 8)
    put(monitoring_world.prison_a, "2025-03", "engagement", 12, 16)
    snapshot.computed("2025-03")
    monitoring_world.snapshot = snapshot
    return monitoring_world


def statistics(user, **params):
    return login(user).get(STATISTICS, params)


def facility(w, user=None, **params):
    return statistics(user or w.manager_a, level="facility", agency=str(w.prison_a.uuid),
                      **params)


def figures_of(body, code) -> dict:
    return next(i for i in body["indicators"] if i["code"] == code)["figures"]


def events(**filters):
    return AuditEvent.objects.filter(object_type="monitoring.statistics", **filters)


# --- the definitions -----------------------------------------------------------------------------

def test_it_lists_the_definitions_in_the_order_of_the_dashboards(w):
    body = login(w.manager_a).get(INDICATOR_LIST).json()
    assert set(body) == ENVELOPE and body["count"] == len(INDICATORS) == 13
    assert [i["code"] for i in body["results"]] == [i.code for i in INDICATORS]
    assert all(set(i) == DEFINITION_FIELDS for i in body["results"])


def test_it_gives_one_definition(w):
    response = login(w.regional_coordinator).get(
        reverse("api:indicator-detail", args=["referral_response_days"]))
    assert response.status_code == 200
    indicator = BY_CODE["referral_response_days"]
    assert response.json() == {
        "code": "referral_response_days", "title": str(indicator.title),
        "definition": str(indicator.definition), "numerator": str(indicator.numerator),
        "denominator": str(indicator.denominator), "period_rule": str(indicator.period_rule),
        "kind": "mean", "over_time": "sum", "module": "coordination", "available": True,
        "unit": "days", "higher_is_better": False}
    assert response.json()["title"] == "Referral response time"
    count = login(w.manager_a).get(reverse("api:indicator-detail", args=["screened"])).json()
    assert (count["denominator"], count["kind"], count["unit"]) == (None, "count", "")


def test_an_unknown_indicator_is_404(w):
    assert_error(login(w.manager_a).get(reverse("api:indicator-detail", args=["nope"])), 404,
                 "not_found")


@pytest.mark.parametrize("persona", ["treatment_a", "dpo", "ngo_worker", "admin"])
def test_the_definitions_are_refused_to_who_sees_no_figures(w, persona):
    for url in (INDICATOR_LIST, reverse("api:indicator-detail", args=["screened"])):
        body = assert_error(login(getattr(w, persona)).get(url), 403, "permission_denied")
        assert "managers of a prison or probation service" in body["detail"]


def test_the_api_refuses_who_is_not_signed_in(w):
    from django.test import Client

    assert_error(Client().get(INDICATOR_LIST), 401)
    assert_error(Client().get(STATISTICS, {"level": "region"}), 401)


# --- the facility level ----------------------------------------------------------------------------

def test_a_manager_gets_their_agency_s_exact_figures(w):
    w.snapshot.put(w.prison_a, "2025-02", "screened", 4)
    w.snapshot.computed("2025-02")
    response = facility(w, period="2025-Q1")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"level", "period", "min_count", "computed_months", "footnote", "units",
                         "indicators"}
    assert body["level"] == "facility" and body["min_count"] is None
    assert body["period"] == {"code": "2025-Q1", "first": "2025-01-01", "last": "2025-03-31",
                              "kind": "quarter"}
    assert body["computed_months"] == 2 and body["footnote"] is None
    assert body["units"] == [{"key": "agency", "label": "Prison A", "footnote": False}]
    assert [i["code"] for i in body["indicators"]] == [i.code for i in INDICATORS]
    # exact, small counts included: 4 in February and 10 in March
    assert figures_of(body, "screened") == {"agency": {
        "value": 14.0, "numerator": 14.0, "denominator": None, "suppressed": False,
        "computed": True}}
    assert figures_of(body, "engagement")["agency"]["value"] == 0.75
    assert figures_of(body, "engagement")["agency"]["denominator"] == 16
    screened = next(i for i in body["indicators"] if i["code"] == "screened")
    assert [p["month"] for p in screened["trend"]][-3:] == ["2025-01", "2025-02", "2025-03"]
    assert len(screened["trend"]) == 12
    trend = {p["month"]: p["figures"]["agency"] for p in screened["trend"]}
    assert trend["2025-02"]["value"] == 4.0
    assert trend["2025-01"] == {"value": None, "numerator": None, "denominator": None,
                                "suppressed": False, "computed": False}


def test_a_manager_may_ask_for_a_range_of_months(w):
    w.snapshot.put(w.prison_a, "2025-02", "screened", 4)
    w.snapshot.computed("2025-02")
    body = facility(w, period="2025-02..2025-03").json()
    assert body["period"]["kind"] == "range"
    assert figures_of(body, "screened")["agency"]["value"] == 14.0


def test_the_trend_can_be_left_out(w):
    for off in ("0", "false"):
        body = facility(w, period="2025-03", trend=off).json()
        assert all(i["trend"] == [] for i in body["indicators"])
    assert all(len(i["trend"]) == 12 for i in facility(w, period="2025-03").json()["indicators"])


def test_a_manager_is_refused_an_agency_they_do_not_manage(w):
    body = assert_error(statistics(w.manager_a, level="facility", agency=str(w.prison_b.uuid)),
                        403, "permission_denied")
    assert "Only a manager of that prison or probation service" in body["detail"]


def test_a_regional_coordinator_is_refused_the_facility_level(w):
    for params in ({"agency": str(w.prison_a.uuid)}, {}):
        body = assert_error(statistics(w.regional_coordinator, level="facility", **params), 403,
                            "permission_denied")
        assert "Regional coordinators see anonymous figures" in body["detail"]


def test_someone_without_figures_is_refused_the_facility_level(w):
    body = assert_error(statistics(w.treatment_a, level="facility", agency=str(w.prison_a.uuid)),
                        403, "permission_denied")
    assert "Only a manager" in body["detail"]


def test_the_facility_level_needs_an_agency(w):
    body = assert_error(statistics(w.manager_a, level="facility"), 400, "invalid")
    assert list(body["fields"]) == ["agency"]
    body = assert_error(statistics(w.manager_a, level="facility", agency="prison-a"), 400,
                        "invalid")
    assert list(body["fields"]) == ["agency"]


def test_a_manager_of_two_agencies_sees_each(w):
    w.manager_a.memberships.create(agency=w.prison_b, roles=["prison_manager"])
    body = statistics(w.manager_a, level="facility", agency=str(w.prison_b.uuid),
                      period="2025-03").json()
    assert figures_of(body, "screened")["agency"]["value"] == 5.0  # exact: below 5 is shown


# --- the anonymous levels --------------------------------------------------------------------------

def test_a_regional_coordinator_gets_the_region_suppressed(w):
    response = statistics(w.regional_coordinator, level="region", period="2025-03")
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == "region" and body["min_count"] == 5
    assert [u["key"] for u in body["units"]] == ["J1", "J2", "XK", "region"]
    assert body["units"][2] == {"key": "XK", "label": "Kosovo*", "footnote": True}
    assert body["footnote"].startswith("This designation is without prejudice")
    hidden = {"value": None, "numerator": None, "denominator": None, "suppressed": True,
              "computed": True}
    assert figures_of(body, "screened") == {
        "J1": {"value": 15.0, "numerator": 15.0, "denominator": None, "suppressed": False,
               "computed": True},
        "J2": hidden, "XK": hidden,
        "region": {"value": 26.0, "numerator": 26.0, "denominator": None, "suppressed": False,
                   "computed": True}}


def test_a_share_hidden_by_its_numerator_gives_no_denominator_either(w):
    # J1 attended 12 of 16: the 4 who did not are fewer than 5, so the share is hidden; the
    # service keeps the denominator for the page, the API gives nothing of a hidden figure
    body = statistics(w.regional_coordinator, level="region", period="2025-03").json()
    assert figures_of(body, "engagement")["J1"] == {
        "value": None, "numerator": None, "denominator": None, "suppressed": True,
        "computed": True}


def test_a_regional_coordinator_gets_one_jurisdiction_cut_from_the_same_table(w):
    region = statistics(w.regional_coordinator, level="region", period="2025-03").json()
    for code in ("J1", "J2", "XK"):
        body = statistics(w.regional_coordinator, level="jurisdiction", jurisdiction=code,
                          period="2025-03").json()
        assert body["level"] == "jurisdiction" and [u["key"] for u in body["units"]] == [code]
        assert (body["footnote"] is not None) == (code == "XK")
        for mine, theirs in zip(body["indicators"], region["indicators"], strict=True):
            assert mine["figures"][code] == theirs["figures"][code]
            assert [p["figures"][code] for p in mine["trend"]] == [
                p["figures"][code] for p in theirs["trend"]]


@pytest.mark.parametrize("level", ["region", "jurisdiction"])
@pytest.mark.parametrize("persona", ["manager_a", "manager_other", "coordinator_manager"])
def test_a_manager_is_refused_the_anonymous_levels(w, level, persona):
    body = assert_error(statistics(getattr(w, persona), level=level, jurisdiction="J1"
                                   if level == "jurisdiction" else "", period="2025"),
                        403, "permission_denied")
    assert "so that no one can subtract one from the other" in body["detail"]


@pytest.mark.parametrize("persona", ["treatment_a", "dpo", "probation_officer"])
def test_staff_are_refused_the_anonymous_levels(w, persona):
    body = assert_error(statistics(getattr(w, persona), level="region"), 403,
                        "permission_denied")
    assert "for regional coordinators" in body["detail"]


def test_the_jurisdiction_level_needs_a_known_jurisdiction(w):
    client = login(w.regional_coordinator)
    body = assert_error(client.get(STATISTICS, {"level": "jurisdiction"}), 400, "invalid")
    assert list(body["fields"]) == ["jurisdiction"]
    body = assert_error(client.get(STATISTICS, {"level": "jurisdiction", "jurisdiction": "ZZ"}),
                        400, "invalid")
    assert body["fields"] == {"jurisdiction": ["No jurisdiction has the code “ZZ”."]}
    body = assert_error(client.get(STATISTICS, {"level": "region", "jurisdiction": "J1"}), 400,
                        "invalid")
    assert list(body["fields"]) == ["jurisdiction"]


def test_a_range_of_months_is_refused_at_the_anonymous_levels(w):
    for params in ({"level": "region"}, {"level": "jurisdiction", "jurisdiction": "J1"}):
        body = assert_error(statistics(w.regional_coordinator, period="2025-01..2025-03",
                                       **params), 400, "invalid")
        assert "not for a range of months" in body["fields"]["period"][0]


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("period", "reason"), [
    ("2025-06..2025-01", "ends before it starts"), ("2025-13", "01 to 12"),
    ("last year", "Unknown period"), ("1999", "between 2000 and 2100"),
    ("2010-01..2025-01", "at most ten years")])
def test_a_bad_period_is_400_with_the_reason(w, period, reason):
    body = assert_error(facility(w, period=period), 400, "invalid")
    assert list(body["fields"]) == ["period"] and reason in body["fields"]["period"][0]


def test_a_period_ending_before_it_starts_is_400_at_the_anonymous_levels_too(w):
    body = assert_error(statistics(w.regional_coordinator, level="region",
                                   period="2025-06..2025-01"), 400, "invalid")
    assert "ends before it starts" in body["fields"]["period"][0]


@pytest.mark.parametrize("params", [{}, {"level": "person"}, {"level": ""}])
def test_an_unknown_or_missing_level_is_400(w, params):
    body = assert_error(statistics(w.regional_coordinator, **params), 400, "invalid")
    assert list(body["fields"]) == ["level"]
    if params.get("level"):
        assert body["fields"]["level"] == ["“person” is not one of: facility, jurisdiction, "
                                           "region."]


def test_an_empty_period_is_the_last_quarter_shown_whole(w):
    from alliance.monitoring.periods import default_anonymous

    body = statistics(w.regional_coordinator, level="region").json()
    assert body["period"]["code"] == default_anonymous().code
    assert body["period"]["kind"] == "quarter"


# --- what a regional coordinator never receives ----------------------------------------------------

def keys(value) -> set:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def figures(body):
    for indicator in body["indicators"]:
        yield indicator["code"], indicator["figures"]
        for point in indicator["trend"]:
            yield indicator["code"], point["figures"]


def test_a_regional_coordinator_never_receives_a_person_or_a_suppressed_value(w):
    person = w.person_a
    # the figures rest on person-level records; none of them may leave with the figures
    fields = person_fields(w.prison_a)
    secrets = [person.reference, fields["given_name"], fields["family_name"], fields["aliases"],
               fields["national_id"], str(person.uuid), "1990-05-17"]
    for params in ({"level": "region", "period": "2025-03"},
                   {"level": "region", "period": "2025"},
                   {"level": "jurisdiction", "jurisdiction": "J1", "period": "2025-Q1"},
                   {"level": "jurisdiction", "jurisdiction": "J2", "period": "2025-03"}):
        response = statistics(w.regional_coordinator, **params)
        assert response.status_code == 200
        text, body = response.content.decode(), response.json()
        assert not [s for s in secrets if s in text]
        # only the documented fields, none of them a person's: unit keys are jurisdictions
        unit_keys = {u["key"] for u in body["units"]}
        allowed = {"level", "period", "code", "first", "last", "kind", "min_count",
                   "computed_months", "footnote", "units", "key", "label", "indicators",
                   "available", "figures", "trend", "month"} | FIGURE_FIELDS | unit_keys
        assert keys(body) <= allowed
        assert unit_keys <= {"J1", "J2", "XK", "region"}
        # and no value of a suppressed figure, no count below the threshold
        for code, by_unit in figures(body):
            for figure in by_unit.values():
                assert set(figure) == FIGURE_FIELDS
                if figure["suppressed"]:
                    assert figure["value"] is figure["numerator"] is figure["denominator"] is None
                elif figure["numerator"] is not None:
                    counted = figure["numerator"] if figure["denominator"] is None \
                        else figure["denominator"]
                    assert counted >= 5, (code, figure)


def test_the_anonymous_answer_names_no_agency(w):
    body = statistics(w.regional_coordinator, level="region", period="2025-03")
    text = body.content.decode()
    for agency in (w.prison_a, w.prison_b, w.prison_other, w.prison_xk):
        assert agency.name not in text and str(agency.uuid) not in text


# --- the audit trail -------------------------------------------------------------------------------

def test_each_answer_writes_one_view_event_without_figures(w):
    client = login(w.regional_coordinator)
    before = AuditEvent.objects.count()
    client.get(STATISTICS, {"level": "jurisdiction", "jurisdiction": "XK", "period": "2025-03"})
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.outcome, event.object_type, event.actor) == (
        AuditAction.VIEW, AuditOutcome.SUCCESS, "monitoring.statistics", w.regional_coordinator)
    assert event.details == {"level": "jurisdiction", "period": "2025-03", "api": True,
                             "jurisdiction": "XK"}
    assert event.person is None

    client = login(w.manager_a)
    before = AuditEvent.objects.count()
    client.get(STATISTICS, {"level": "facility", "agency": str(w.prison_a.uuid),
                            "period": "2025-Q1"})
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.details == {"level": "facility", "period": "2025-Q1", "api": True}
    assert event.object_uuid == str(w.prison_a.uuid) and event.agency == w.prison_a
    assert events(outcome=AuditOutcome.SUCCESS).count() == 2
    assert "15" not in json.dumps(event.details)


def test_a_refusal_writes_one_denied_event(w):
    client = login(w.regional_coordinator)
    before = AuditEvent.objects.count()
    client.get(STATISTICS, {"level": "facility", "agency": str(w.prison_a.uuid)})
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.outcome, event.object_type, event.details) == (
        AuditOutcome.DENIED, "monitoring.statistics", {"level": "facility"})
    assert event.object_uuid == str(w.prison_a.uuid)
    statistics(w.manager_a, level="region")
    assert events(outcome=AuditOutcome.DENIED).count() == 2
    assert not events(outcome=AuditOutcome.SUCCESS).exists()


def test_bad_input_shows_nothing_and_logs_no_view(w):
    statistics(w.regional_coordinator, level="region", period="2025-13")
    assert not events(outcome=AuditOutcome.SUCCESS).exists()


# --- the authorization matrix's rows (tests/monitoring/matrix_api.py) ------------------------------

@pytest.mark.parametrize("name", sorted(MATRIX_ROWS))
def test_each_persona_gets_the_status_of_the_matrix(world, name):
    from django.test import Client

    row = MATRIX_ROWS[name]
    failures = []
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else login(getattr(world, persona))
        response = getattr(client, row.method)(row.url(world), row.data)
        if response.status_code != row.status_for(persona):
            failures.append(f"{persona}: {response.status_code}")
    assert not failures, f"{name}: " + "; ".join(failures)
