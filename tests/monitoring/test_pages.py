"""The monitoring pages through the HTTP client: who sees which level, the figures as shown
(exact for a manager, suppressed for a regional coordinator), the period picker's refusals, the
"not computed yet" months, the footnote, recomputing, the definitions, the menu entry, the audit
trail and the number of queries. The snapshot table is filled directly (conftest.snapshot)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from alliance.accounts.models import Role, Sector
from alliance.core.models import AuditAction, AuditEvent, AuditOutcome
from alliance.monitoring import selectors, urls
from alliance.monitoring.indicators import BY_CODE
from alliance.monitoring.models import SnapshotMonth

from ..conftest import login
from ..matrix import PERSONAS
from . import matrix_pages, page_data

pytestmark = pytest.mark.django_db

FOOTNOTE = "in line with UNSCR 1244/1999"


def url(name, *args, period=None):
    address = reverse(f"monitoring:{name}", args=args)
    return f"{address}?period={period}" if period else address


def figure(html: str, code: str) -> str:
    """The text of an agency or jurisdiction dashboard's figure of indicator `code`."""
    found = re.search(rf'data-figure="{code}">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", " ", found[1]) if found else ""


def cell(html: str, code: str, unit: str) -> str:
    """The text of the region table's cell (indicator `code`, unit `unit`)."""
    found = re.search(rf'data-cell="{code}:{unit}">(.*?)</td>', html, re.S)
    return re.sub(r"<[^>]+>", " ", found[1]) if found else ""


def events(**filters):
    return AuditEvent.objects.filter(object_type="monitoring.statistics", **filters)


@pytest.fixture
def filled(monitoring_world, snapshot):
    return page_data.agency_months(monitoring_world, snapshot)


@pytest.fixture
def small_july(monitoring_world, snapshot):
    return page_data.small_july(monitoring_world, snapshot)


# --- who sees what --------------------------------------------------------------------------------

def test_the_menu_shows_monitoring_only_to_those_who_see_a_level(monitoring_world):
    w = monitoring_world
    starts = {w.manager_a: url("agency", w.prison_a.uuid), w.regional_coordinator: url("region"),
              w.coordinator_manager: url("agency", w.prison_b.uuid)}
    for user, start in starts.items():  # straight to the page: the entry is no redirect
        html = login(user).get(reverse("home"), follow=True).content.decode()
        assert f'href="{start}">Monitoring<' in html
    for user in (w.treatment_a, w.dpo, w.admin, w.ngo_worker):
        html = login(user).get(reverse("home"), follow=True).content.decode()
        assert ">Monitoring<" not in html


def test_the_home_sends_a_manager_to_their_agency(monitoring_world):
    w = monitoring_world
    response = login(w.manager_a).get(url("home"))
    assert response.status_code == 302 and response["Location"] == url("agency", w.prison_a.uuid)


def test_the_home_lets_a_manager_of_several_agencies_choose(monitoring_world):
    w = monitoring_world
    w.manager_a.memberships.create(agency=w.prison_b, roles=[Role.PRISON_MANAGER],
                                   sector=Sector.MANAGEMENT)
    response = login(w.manager_a).get(url("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert url("agency", w.prison_a.uuid) in html and url("agency", w.prison_b.uuid) in html


def test_the_home_sends_a_regional_coordinator_to_the_region(monitoring_world):
    response = login(monitoring_world.regional_coordinator).get(url("home"))
    assert response.status_code == 302 and response["Location"] == url("region")


def test_the_home_tells_anyone_else_why_not(monitoring_world):
    response = login(monitoring_world.treatment_a).get(url("home"))
    assert response.status_code == 403
    assert "regional coordinators" in response.content.decode()


def test_it_refuses_the_manager_of_another_agency(filled):
    w = filled
    response = login(w.manager_other).get(url("agency", w.prison_a.uuid, period="2026-07"))
    assert response.status_code == 403
    assert "Only a manager of that prison or probation service" in response.content.decode()
    assert events(actor=w.manager_other, outcome=AuditOutcome.DENIED).exists()


def test_it_refuses_an_agency_to_a_regional_coordinator(filled):
    w = filled
    response = login(w.regional_coordinator).get(url("agency", w.prison_a.uuid))
    assert response.status_code == 403
    assert "not an agency" in response.content.decode()


def test_it_refuses_the_region_and_a_jurisdiction_to_a_manager(small_july):
    w = small_july
    for user in (w.manager_a, w.coordinator_manager):
        client = login(user)
        for address in (url("region"), url("jurisdiction", "J1")):
            response = client.get(address)
            assert response.status_code == 403
            assert "no one can subtract one from the other" in response.content.decode()


# --- the agency's dashboard -----------------------------------------------------------------------

def test_a_manager_sees_their_agencys_exact_figures_and_trend(filled):
    w = filled
    response = login(w.manager_a).get(url("agency", w.prison_a.uuid, period="2026-07"))
    html = response.content.decode()
    assert response.status_code == 200
    assert figure(html, "screened").split() == ["4"]  # exact: no suppression at this level
    assert "75%" in figure(html, "engagement") and "n = 8" in figure(html, "engagement")
    assert "4.5 days" in figure(html, "referral_response_days")
    assert "up from 2 (better)" in html and "up from 50% (better)" in html
    # The trend: a chart per indicator, the months named, the uncomputed ones as gaps.
    assert html.count("<svg") == sum(1 for i in BY_CODE.values() if i.available)
    assert "People screened, month by month (count)" in html
    assert "06.2026 2, 07.2026 4" in html and "05.2026 not computed yet" in html
    assert "Engagement rate, month by month (share (%))" in html and "07.2026 75%" in html
    assert f'href="{url("indicator", "screened")}"' in html


def test_a_range_of_months_adds_up_at_the_agency_level(filled):
    w = filled
    response = login(w.manager_a).get(url("agency", w.prison_a.uuid),
                                      {"kind": "range", "first": "2026-06", "last": "2026-07"})
    html = response.content.decode()
    assert response.status_code == 200
    assert figure(html, "screened").split() == ["6"]
    assert "64.3%" in figure(html, "engagement") and "n = 14" in figure(html, "engagement")


def test_the_picker_shows_the_period_asked_for(filled):
    w = filled
    html = login(w.manager_a).get(url("agency", w.prison_a.uuid, period="2026-Q3")).content.decode()
    assert re.search(r'<option value="quarter" selected>', html)
    assert re.search(r'<option value="3" selected>Q3</option>', html)
    assert 'name="year" value="2026"' in html
    assert url("agency", w.prison_a.uuid, period="2026-Q2") in html  # the previous quarter


def test_a_period_that_ends_before_it_starts_is_refused_with_the_reason(filled):
    w = filled
    client = login(w.manager_a)
    response = client.get(url("agency", w.prison_a.uuid),
                          {"kind": "range", "first": "2026-06", "last": "2026-01"})
    assert response.status_code == 400
    assert "The period ends before it starts: 2026-06..2026-01." in response.content.decode()
    response = client.get(url("agency", w.prison_a.uuid, period="2026-13"))
    assert response.status_code == 400 and "A month is written 01 to 12." in response.content.decode()
    assert not events(actor=w.manager_a, action=AuditAction.VIEW).exists()  # no figure shown


def test_months_never_computed_show_as_not_computed_never_zero(filled):
    w = filled
    response = login(w.manager_a).get(url("agency", w.prison_a.uuid, period="2026-09"))
    html = response.content.decode()
    assert response.status_code == 200
    assert figure(html, "screened").split() == ["Not", "computed", "yet"]
    assert "No month of this period has been computed yet" in html
    assert "Recompute this period" in html


def test_viewing_the_dashboard_writes_one_audit_event_without_figures(filled):
    w = filled
    client = login(w.manager_a)
    before = AuditEvent.objects.count()
    client.get(url("agency", w.prison_a.uuid, period="2026-07"))
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert event.action == AuditAction.VIEW and event.object_type == "monitoring.statistics"
    assert event.agency == w.prison_a and event.object_uuid == str(w.prison_a.uuid)
    assert event.details == {"level": "facility", "period": "2026-07", "format": "html"}


# --- recomputing ----------------------------------------------------------------------------------

def test_a_manager_recomputes_a_period_and_it_is_audited(filled):
    w = filled
    client = login(w.manager_a)
    response = client.post(url("recompute", w.prison_a.uuid), {"period": "2026-08"})
    assert response.status_code == 302
    assert response["Location"] == url("agency", w.prison_a.uuid, period="2026-08")
    assert SnapshotMonth.objects.filter(month__year=2026, month__month=8).exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Recomputed 1 month(s) of every agency, 08.2026 to 08.2026, in" in message
    event = AuditEvent.objects.get(object_type="monitoring.snapshot", actor=w.manager_a)
    assert event.action == AuditAction.CHANGE and event.details["reason"] == "manager"
    assert event.details["first"] == event.details["last"] == "2026-08"


def test_a_longer_period_is_recomputed_by_the_background_worker(filled, monkeypatch):
    import signal

    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    w = filled
    response = login(w.manager_a).post(url("recompute", w.prison_a.uuid), {"period": "2025-Q4"})
    assert response.status_code == 302
    # a quarter is done while the manager waits; a year goes to the worker
    assert SnapshotMonth.objects.filter(month__year=2025, month__month=12).exists()
    SnapshotMonth.objects.filter(month__year=2025).delete()
    response = login(w.manager_a).post(url("recompute", w.prison_a.uuid), {"period": "2025"})
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "The background worker is recomputing 12 months" in message
    assert not SnapshotMonth.objects.filter(month__year=2025).exists()
    result = DBTaskResult.objects.get()
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL", result.exception_class_path
    assert SnapshotMonth.objects.filter(month__year=2025).count() == 12
    event = AuditEvent.objects.filter(object_type="monitoring.snapshot").latest("id")
    assert event.actor == w.manager_a and event.details["first"] == "2025-01"


def test_recomputing_is_a_post_for_the_agencys_managers_only(filled):
    w = filled
    assert login(w.manager_a).get(url("recompute", w.prison_a.uuid)).status_code == 405
    for user in (w.manager_other, w.regional_coordinator, w.treatment_a):
        response = login(user).post(url("recompute", w.prison_a.uuid), {"period": "2026-08"})
        assert response.status_code == 403
    assert not SnapshotMonth.objects.filter(month__month=8).exists()


# --- the region and the jurisdictions -------------------------------------------------------------

def test_the_region_suppresses_a_small_count_and_the_cell_that_would_reveal_it(small_july):
    w = small_july
    response = login(w.regional_coordinator).get(url("region", period="2026-07"))
    html = response.content.decode()
    assert response.status_code == 200
    assert cell(html, "screened", "J1").split() == ["x", "suppressed"]
    assert cell(html, "screened", "J2").split() == ["x", "suppressed"]  # secondary
    assert cell(html, "screened", "XK").split() == ["2345"]
    assert cell(html, "screened", "region").split() == ["3336"]
    # J2's count: in no cell, chart or description (as a number: the charts' random element
    # ids, such as "td987ed4b", may hold the digits)
    assert not re.search(r"(?<![\w-])987(?![\w-])", html)
    assert "fewer than 5, or hidden so that a small figure cannot be worked out" in html
    # No agency appears at this level, and the suppressed months are gaps in the trend.
    assert "Prison A" not in html and "Prison J2" not in html
    assert "Jurisdiction One: 08.2025 not computed yet" in html
    assert "06.2026 not computed yet, 07.2026 suppressed; Jurisdiction Two:" in html
    assert cell(html, "engagement", "J1").split() == ["x", "suppressed", "(n", "=", "8)"]
    assert events(actor=w.regional_coordinator, action=AuditAction.VIEW,
                  details={"level": "region", "period": "2026-07", "format": "html"}).count() == 1


def test_the_region_shows_kosovo_with_its_footnote(small_july):
    html = login(small_july.regional_coordinator).get(url("region", period="2026-07")).content.decode()
    assert "Kosovo*" in html
    assert html.count(FOOTNOTE) == 2  # the page's own, and base.html's footer


def test_the_region_refuses_a_range_with_the_reason(small_july):
    client = login(small_july.regional_coordinator)
    reason = "not for a range of months"
    response = client.get(url("region", period="2026-01..2026-06"))
    assert response.status_code == 400 and reason in response.content.decode()
    response = client.get(url("region"), {"kind": "range", "first": "2026-01", "last": "2026-06"})
    assert response.status_code == 400 and reason in response.content.decode()
    assert 'value="range"' not in response.content.decode()  # the picker offers no range


def test_a_jurisdictions_page_shows_its_figures_only(small_july):
    w = small_july
    response = login(w.regional_coordinator).get(url("jurisdiction", "XK", period="2026-07"))
    html = response.content.decode()
    assert response.status_code == 200
    assert figure(html, "screened").split() == ["2345"]
    assert "Kosovo*" in html and FOOTNOTE in html
    assert "3336" not in html and "987" not in html
    html = login(w.regional_coordinator).get(url("jurisdiction", "J1", period="2026-07")).content
    assert figure(html.decode(), "screened").split() == ["x", "suppressed"]
    event = events(actor=w.regional_coordinator, details__jurisdiction="XK").get()
    assert event.details["level"] == "jurisdiction"


def test_an_unknown_jurisdiction_is_not_found(small_july):
    assert login(small_july.regional_coordinator).get(url("jurisdiction", "ZZ")).status_code == 404


# --- the definitions ------------------------------------------------------------------------------

def test_the_definitions_are_readable_by_whoever_sees_a_level(monitoring_world):
    w = monitoring_world
    for user in (w.manager_a, w.regional_coordinator):
        client = login(user)
        html = client.get(url("indicators")).content.decode()
        assert all(str(i.title) in html for i in BY_CODE.values())
        html = client.get(url("indicator", "engagement")).content.decode()
        assert escape(str(BY_CODE["engagement"].denominator)) in html
        assert "The months of a longer period add up" in html
    assert login(w.treatment_a).get(url("indicators")).status_code == 403
    assert login(w.manager_a).get(url("indicator", "nope")).status_code == 404


def test_an_indicator_whose_module_is_missing_is_not_available_never_zero():
    shown = selectors.cell(BY_CODE["screened"], None, available=False)
    assert shown.state == selectors.State.NOT_AVAILABLE and shown.text == "Not available"


# --- queries --------------------------------------------------------------------------------------

def _fill_year(snapshot, agencies, year=2025):
    for agency in agencies:
        for m in range(1, 13):
            for code in BY_CODE:
                snapshot.put(agency, f"{year}-{m:02d}", code, 10 + m, 20 + m)
    snapshot.computed_year(year)


def test_the_pages_read_a_small_and_constant_number_of_queries(
        monitoring_world, snapshot, django_assert_max_num_queries):
    w = monitoring_world
    _fill_year(snapshot, [w.prison_a])
    pages = [(w.manager_a, url("agency", w.prison_a.uuid, period="2025-Q3")),
             (w.regional_coordinator, url("region", period="2025")),
             (w.regional_coordinator, url("jurisdiction", "J1", period="2025-07"))]
    clients = {user: login(user) for user, _address in pages}

    def counts():
        result = []
        for user, address in pages:
            cache.clear()  # the anonymous tables computed afresh each time: the worst case
            # (a trend across two calendar years protects two tables: ~8 queries each)
            with django_assert_max_num_queries(34) as queries:
                assert clients[user].get(address).status_code == 200
            result.append(len(queries))
        return result

    few = counts()
    _fill_year(snapshot, [w.prison_b, w.probation, w.prison_other, w.prison_xk])
    assert counts() == few


# --- the authorization matrix ---------------------------------------------------------------------

def test_every_monitoring_page_has_a_matrix_row():
    assert {f"monitoring:{p.name}" for p in urls.urlpatterns} == set(matrix_pages.ROWS)


@pytest.mark.parametrize("name", sorted(matrix_pages.ROWS))
def test_each_persona_gets_the_expected_status(name, world):
    row = matrix_pages.ROWS[name]
    failures = []
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else login(getattr(world, persona))
        response = getattr(client, row.method)(row.url(world), row.data)
        if response.status_code != row.status_for(persona):
            failures.append(f"{persona}: expected {row.status_for(persona)}, "
                            f"got {response.status_code}")
    assert not failures, f"{name}: " + "; ".join(failures)
