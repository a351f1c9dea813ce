"""The issue's promise: the regional coordinator never receives a person-level field in any
page, export or API response of monitoring.

The world is the canary walk's (tests/security/test_canary_walk.py: person A with a marker in
every compartment-bearing field, and their records in every module) with people of prison A,
prison B, prison J2 and the Kosovo* prison behind the figures (each with a distinctive
reference, names, alias, national id and date of birth), staff trained and certified, and the
snapshots computed. The regional coordinator then fetches every monitoring address (every
pattern of the monitoring pages and of the monitoring API, for several periods and each
jurisdiction, agency and indicator), reads every byte of each answer (the pages, the CSV, every
XML part of the workbook, the HTML the donors' PDF is made from and the PDF itself, the JSON)
and must find no person's reference, name, alias, national id, date of birth or id, no staff
member's name or username, no agency's name, and no marker. The API's figures shown must all
rest on counts of at least the threshold.
"""

import csv
import datetime
import io
import itertools
import re
import zipfile

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from alliance.accounts.models import Role, Sector, User
from alliance.monitoring import pdf, snapshots
from alliance.monitoring.indicators import BY_CODE, INDICATORS, Kind
from alliance.monitoring.statistics import threshold
from alliance.people.models import Person
from alliance.plans.models import Attendance

from ..conftest import login
from ..factories import member
from ..security.test_canary_walk import walk_world  # noqa: F401 - the fixture
from .conftest import Records, at

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Per agency (by its attribute on the world): people screened in the month, sessions
# (attended, refused, not produced), working-alliance measures, assessments countersigned.
# Some figures clear the threshold (5), some do not, at every level and of every kind.
PEOPLE = {
    "prison_a": {"screened": 7, "sessions": (6, 5, 1), "alliance": 6, "assessed": 5},
    "prison_b": {"screened": 2, "sessions": (1, 0, 0), "alliance": 1, "assessed": 0},
    "prison_other": {"screened": 6, "sessions": (5, 5, 0), "alliance": 2, "assessed": 1},
    "prison_xk": {"screened": 9, "sessions": (3, 1, 0), "alliance": 5, "assessed": 6},
}
STAFF = 6  # treatment officers of prison A, trained in the month and certified


def _month() -> datetime.date:
    """The month of the records: January of last year, settled long ago and the first of its
    year's table (after months with nothing, a month is often hidden with its quarter, since
    the quarter less the month would give the empty months hidden the month before)."""
    return datetime.date(timezone.localdate().year - 1, 1, 1)


def _person(agency, n: int) -> Person:
    return Person.objects.create(
        reference=f"PRIVREF{n:04d}", jurisdiction=agency.jurisdiction, responsible_agency=agency,
        given_name=f"Privgiven{n}", family_name=f"Privfamily{n}", aliases=f"Privalias{n}",
        national_id=f"PRIVNID{n:04d}", date_of_birth=datetime.date(1970, 1, 1)
        + datetime.timedelta(days=397 * n), data_subject_category="convicted",
        classification="at_risk")


def _people_of(records: Records, w, agency, plan: dict, numbers) -> None:
    """`agency`'s people and their records in the month (its 10th, at noon)."""
    day = at(_month() + datetime.timedelta(days=9))
    people = []
    for _ in range(max(plan["screened"], plan["alliance"], plan["assessed"], 1)):
        person = _person(agency, next(numbers))
        records.episode(person, agency, datetime.date(2020, 1, 1))
        people.append(person)
    for person in people[:plan["screened"]]:
        records.screening(person, day)
    for person in people[:plan["assessed"]]:
        records.assessment(person, day)
    for person in people[:plan["alliance"]]:
        records.alliance(person, day.date(), 4.0)
    attended, refused, not_produced = plan["sessions"]
    outcomes = ([Attendance.ATTENDED] * attended + [Attendance.REFUSED] * refused
                + [Attendance.NOT_PRODUCED] * not_produced)
    for person, outcome in zip(itertools.cycle(people), outcomes):
        records.session(person, day, outcome)


@pytest.fixture
def peopled(walk_world, monitoring_world):  # noqa: F811 - the imported fixture
    w = monitoring_world
    records = Records(w)
    numbers = itertools.count(1)
    for name, plan in PEOPLE.items():
        _people_of(records, w, getattr(w, name), plan, numbers)
    month = _month()
    training = records.training(month + datetime.timedelta(days=3))
    w.staff = []
    for n in range(STAFF):
        officer = member(w.prison_a, Role.TREATMENT_OFFICER, sector=Sector.TREATMENT,
                         username=f"privstaff{n}", first_name=f"Privfirst{n}",
                         last_name=f"Privlast{n}")
        records.attend(training, officer)
        records.certification(officer, month - datetime.timedelta(days=300),
                              month + datetime.timedelta(days=700))
        w.staff.append(officer)
    snapshots.compute(datetime.date(2019, 1, 1), timezone.localdate(), actor=None,
                      reason="test")
    cache.clear()
    return w


def secrets(w) -> dict[str, str]:
    """Every person-level string of the world -> what it is."""
    found = {}
    for person in Person.objects.all():
        found[person.reference] = "a person's reference"
        found[str(person.uuid)] = "a person's id"
        for field in ("given_name", "family_name", "aliases", "national_id"):
            if getattr(person, field):
                found[getattr(person, field)] = f"a person's {field}"
        if person.date_of_birth:
            found[f"{person.date_of_birth:%Y-%m-%d}"] = "a date of birth"
            found[f"{person.date_of_birth:%d.%m.%Y}"] = "a date of birth"
    for marker in w.markers:
        found[marker] = "a canary marker"
    for user in User.objects.exclude(pk=w.regional_coordinator.pk):
        found[str(user.uuid)] = "a user's id"
    for officer in w.staff:
        for value in (officer.username, officer.first_name, officer.last_name):
            found[value] = "a staff member's name"
    for agency in (w.prison_a, w.prison_b, w.probation, w.prison_other, w.prison_xk):
        found[agency.name] = "an agency's name"
        found[str(agency.uuid)] = "an agency's id"
    return found


def _routes(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _routes(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern), list(p.pattern.converters)


MONITORING_API = ("api:indicator-list", "api:indicator-detail", "api:statistics")


def addresses(w) -> dict[str, list[str]]:
    """Every monitoring URL pattern (the pages' namespace and the monitoring API) -> the
    addresses fetched for it: each agency, jurisdiction and indicator, each format, several
    periods; the statistics API at each level."""
    month = _month()
    periods = ["", str(timezone.localdate().year), f"{month:%Y-%m}",
               f"{month.year}-Q{(month.month - 1) // 3 + 1}", str(month.year - 1)]
    agencies = [a.uuid for a in (w.prison_a, w.prison_b, w.probation, w.prison_other,
                                 w.prison_xk)]
    found = {}
    for name, route, converters in _routes():
        if not (name.startswith("monitoring:") or name in MONITORING_API):
            continue
        # a jurisdiction's code where one is asked for, an indicator's elsewhere (and one of
        # the other kind: not found)
        codes = (["J1", "J2", "XK", "screened"] if "jurisdiction" in name
                 else [*(i.code for i in INDICATORS), "J1"])
        values = {"agency_uuid": agencies, "code": codes, "fmt": ["csv", "xlsx"]}
        urls = []
        for combo in itertools.product(*(values[c] for c in converters)):
            url = "/" + route
            for key, value in zip(converters, combo, strict=True):
                url = re.sub(r"<(\w+:)?" + key + ">", str(value), url)
            urls.append(url)
        if name == "api:statistics":
            queries = ["level=region", *(f"level=jurisdiction&jurisdiction={j}"
                                         for j in ("J1", "J2", "XK")),
                       *(f"level=facility&agency={a}" for a in agencies)]
            urls = [f"{url}?{q}&period={p}{trend}" for url in urls for q in queries
                    for p in periods for trend in ("", "&trend=0")]
        elif name not in ("monitoring:home", "monitoring:indicators", "monitoring:indicator",
                          "api:indicator-list", "api:indicator-detail"):
            urls = [f"{url}?period={p}" if p else url for url in urls for p in periods]
        found[name] = urls
    return found


def _texts(response, url) -> list[str]:
    """Every text an answer holds: the body, and each part of a workbook."""
    body = b"".join(response) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            parts = book.namelist()
            assert "xl/worksheets/sheet1.xml" in parts, url
            return [book.read(part).decode("utf-8") for part in parts]
    return [body.decode("utf-8", errors="replace")]


def test_the_regional_coordinator_never_receives_a_person_level_field(peopled, monkeypatch):
    w = peopled
    secret = secrets(w)
    printed = []  # the HTML each donors' report was made from

    def report_html(context, original=pdf.report_html):
        printed.append(original(context))
        return printed[-1]

    monkeypatch.setattr(pdf, "report_html", report_html)
    client = login(w.regional_coordinator)
    leaks, statuses = [], {}
    for name, urls in addresses(w).items():
        for url in urls:
            response = client.post(url) if name == "monitoring:recompute" else client.get(url)
            statuses.setdefault(name, set()).add(response.status_code)
            texts = _texts(response, url)
            if response.get("Content-Type", "").startswith("application/pdf"):
                assert printed, url
                texts.append(printed.pop())
            for text in texts:
                # (an address asked for is echoed back, e.g. by the language switcher)
                leaks += [f"{url}: {what} ({value})" for value, what in secret.items()
                          if value in text and value not in url]
    assert not leaks, "\n".join(leaks)
    # what the coordinator was shown and refused: the walk really read the figures
    assert statuses == {
        "monitoring:home": {302}, "monitoring:agency": {403}, "monitoring:agency_export": {403},
        "monitoring:recompute": {403}, "monitoring:region": {200},
        "monitoring:region_export": {200}, "monitoring:report": {200},
        "monitoring:jurisdiction": {200, 404}, "monitoring:jurisdiction_export": {200, 404},
        "monitoring:indicators": {200}, "monitoring:indicator": {200, 404},
        "api:indicator-list": {200}, "api:indicator-detail": {200, 404},
        "api:statistics": {200, 403}}


def _figures(body):
    for row in body["indicators"]:
        yield BY_CODE[row["code"]], row["figures"]
        for point in row["trend"]:
            yield BY_CODE[row["code"]], point["figures"]


def _too_small(indicator, figure, k: int) -> str:
    """Why a shown figure rests on fewer than `k` of something ("" if it does not)."""
    if indicator.kind == Kind.COUNT:
        return "a count" if figure["value"] < k else ""
    if figure["denominator"] < k:
        return "a denominator"
    if indicator.kind == Kind.RATE:
        if figure["numerator"] < k:
            return "a numerator"
        if figure["denominator"] - figure["numerator"] < k:
            return "the rest of a denominator"
    return ""


def test_no_figure_below_the_threshold_is_shown_in_the_api(peopled):
    w = peopled
    k = threshold()
    client = login(w.regional_coordinator)
    shown, small = set(), []
    for url in addresses(w)["api:statistics"]:
        response = client.get(url)
        if "level=facility" in url:
            assert response.status_code == 403, url
            continue
        assert response.status_code == 200, url
        body = response.json()
        assert body["min_count"] == k
        for indicator, by_unit in _figures(body):
            for unit, figure in by_unit.items():
                if figure["suppressed"]:
                    assert figure["value"] is figure["numerator"] is figure["denominator"] \
                        is None
                elif figure["computed"]:
                    shown.add(indicator.kind)
                    if why := _too_small(indicator, figure, k):
                        small.append(f"{url}: {indicator.code} {unit} {figure}: {why}")
    assert not small, "\n".join(small)
    # the check checked something: figures of every kind cleared the threshold and were shown
    assert shown == {Kind.COUNT, Kind.RATE, Kind.MEAN}


def test_no_count_below_the_threshold_is_shown_in_the_anonymous_csv(peopled):
    """The exports hold the same cells: every number a count, or the n of a share or a mean,
    is at least the threshold (the rest is the symbol or words)."""
    w = peopled
    k = threshold()
    client = login(w.regional_coordinator)
    month = _month()
    checked = 0
    for url in (f"/monitoring/region/export.csv?period={month:%Y-%m}",
                f"/monitoring/region/export.csv?period={month.year}",
                f"/monitoring/jurisdiction/XK/export.csv?period={month:%Y-%m}"):
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
        start = next(i for i, row in enumerate(rows) if row[1:2] == ["screened"])
        for row in rows[start:]:
            indicator = BY_CODE[row[1]]
            for position in range(3, len(row), 2):
                value, n = row[position], row[position + 1]
                if indicator.kind == Kind.COUNT and re.fullmatch(r"\d+", value):
                    assert int(value) >= k, (url, row)
                    checked += 1
                if n:
                    assert int(n) >= k, (url, row)
                    checked += 1
                if indicator.kind == Kind.RATE and n and re.fullmatch(r"[\d.]+", value):
                    numerator = round(float(value) * int(n) / 100)
                    assert min(numerator, int(n) - numerator) >= k, (url, row)
    assert checked > 10
