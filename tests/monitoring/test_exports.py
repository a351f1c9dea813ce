"""The exports (CSV, XLSX) and the donors' report (PDF): the figures of the page and nothing
more, suppressed cells as the symbol, no formula, no agency or person in a file name, each
audited as one export, refused to whoever may not see the level."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from alliance.core.models import AuditAction, AuditEvent
from alliance.monitoring import pdf, statistics
from alliance.monitoring.indicators import BY_CODE
from alliance.monitoring.periods import parse

from ..conftest import login
from . import page_data

pytestmark = pytest.mark.django_db

FOOTNOTE = "in line with UNSCR 1244/1999"


@pytest.fixture
def filled(monitoring_world, snapshot):
    return page_data.agency_months(monitoring_world, snapshot)


@pytest.fixture
def small_july(monitoring_world, snapshot):
    return page_data.small_july(monitoring_world, snapshot)


def export(name, *args, fmt="csv", period="2026-07"):
    return reverse(f"monitoring:{name}_export", args=[*args, fmt]) + f"?period={period}"


def rows_of_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def rows_of_xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def row_of(rows, code) -> list:
    return next(row for row in rows if len(row) > 1 and row[1] == code)


def exported(user) -> AuditEvent:
    return AuditEvent.objects.get(actor=user, action=AuditAction.EXPORT,
                                  object_type="monitoring.statistics")


# --- the agency level ---------------------------------------------------------------------------

def test_a_manager_exports_their_agencys_figures_as_csv(filled):
    w = filled
    response = login(w.manager_a).get(export("agency", w.prison_a.uuid))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="monitoring-facility-2026-07.csv"')  # no agency's name
    assert not response.content.startswith(b"\xef\xbb\xbf")  # no BOM, as the other CSVs
    rows = rows_of_csv(response)
    assert rows[0] == ["Level", "Facility"] and rows[1] == ["Period", "2026-07"]
    assert ["Indicator", "Code", "Measure", "Prison A", "Prison A: n"] in rows
    assert row_of(rows, "screened")[3:] == ["4", ""]
    assert row_of(rows, "engagement")[2:] == ["share (%)", "75", "8"]
    assert row_of(rows, "referral_response_days")[3:] == ["4.5", "6"]
    assert row_of(rows, "assessed")[3:] == ["0", ""]  # computed, none: a real zero
    event = exported(w.manager_a)
    assert event.agency == w.prison_a
    assert event.details == {"level": "facility", "period": "2026-07", "format": "csv"}


def test_a_manager_exports_their_agencys_figures_as_xlsx(filled):
    w = filled
    response = login(w.manager_a).get(export("agency", w.prison_a.uuid, fmt="xlsx",
                                             period="2026-09"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="monitoring-facility-2026-09.xlsx"')
    rows = rows_of_xlsx(response)
    assert rows[0][:2] == ["Level", "Facility"] and rows[1][:2] == ["Period", "2026-09"]
    assert row_of(rows, "screened")[3] == "Not computed yet"  # never a zero
    response = login(w.manager_a).get(export("agency", w.prison_a.uuid, fmt="xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    engagement = next(r for r in sheet.iter_rows() if r[1].value == "engagement")
    assert engagement[3].value == 0.75 and engagement[3].number_format == "0.0%"
    assert engagement[4].value == 8
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_no_exported_text_is_a_formula(filled):
    w = filled
    w.prison_a.name = "=HYPERLINK(\"http://example.org\")"
    w.prison_a.save()
    client = login(w.manager_a)
    rows = rows_of_csv(client.get(export("agency", w.prison_a.uuid)))
    header = next(row for row in rows if row[:1] == ["Indicator"])
    assert header[3] == "'=HYPERLINK(\"http://example.org\")"
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get(export("agency", w.prison_a.uuid, fmt="xlsx")).content)).active
    header = next(r for r in sheet.iter_rows() if r[0].value == "Indicator")
    assert header[3].value == "=HYPERLINK(\"http://example.org\")" and header[3].data_type == "s"


def test_an_agencys_exports_are_refused_to_the_others(filled):
    w = filled
    for user in (w.manager_other, w.regional_coordinator, w.treatment_a):
        for fmt in ("csv", "xlsx"):
            assert login(user).get(export("agency", w.prison_a.uuid, fmt=fmt)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_unknown_format_is_not_found(filled):
    w = filled
    address = reverse("monitoring:agency", args=[w.prison_a.uuid]) + "export.ods"
    assert login(w.manager_a).get(address).status_code == 404


def test_a_period_that_ends_before_it_starts_is_refused(filled):
    w = filled
    response = login(w.manager_a).get(export("agency", w.prison_a.uuid,
                                             period="2026-06..2026-01"))
    assert response.status_code == 400
    assert "ends before it starts" in response.content.decode()


# --- the anonymous levels -----------------------------------------------------------------------

def test_the_regions_csv_shows_suppressed_cells_as_the_symbol(small_july):
    w = small_july
    response = login(w.regional_coordinator).get(export("region"))
    assert response["Content-Disposition"].endswith('filename="monitoring-region-2026-07.csv"')
    text = response.content.decode()
    rows = rows_of_csv(response)
    assert ["Level", "Region"] in rows
    assert any(row[0] == "Suppressed" and "fewer than 5" in row[1] for row in rows)
    assert any(row[0] == "*" and FOOTNOTE in row[1] for row in rows)
    header = next(row for row in rows if row[:1] == ["Indicator"])
    assert header[3::2] == ["Jurisdiction One", "Jurisdiction Two", "Kosovo*", "Region"]
    assert row_of(rows, "screened")[3::2] == ["x", "x", "2345", "3336"]
    assert row_of(rows, "engagement")[3:5] == ["x", "8"]  # the share hidden, its n shown
    assert "987" not in text and "Prison" not in text
    assert exported(w.regional_coordinator).details == {
        "level": "region", "period": "2026-07", "format": "csv"}


def test_the_regions_xlsx_shows_the_same_cells(small_july):
    w = small_july
    response = login(w.regional_coordinator).get(export("region", fmt="xlsx"))
    assert response.status_code == 200
    rows = rows_of_xlsx(response)
    assert row_of(rows, "screened")[3::2] == ["x", "x", 2345, 3336]
    assert not any(value == 987 or "987" in str(value) for row in rows for value in row)


def test_a_jurisdictions_export_names_its_code_not_an_agency(small_july):
    w = small_july
    response = login(w.regional_coordinator).get(export("jurisdiction", "XK"))
    assert response["Content-Disposition"].endswith(
        'filename="monitoring-jurisdiction-XK-2026-07.csv"')
    assert row_of(rows_of_csv(response), "screened")[3] == "2345"
    assert exported(w.regional_coordinator).details["jurisdiction"] == "XK"


def test_the_anonymous_exports_refuse_a_manager_and_a_range(small_july):
    w = small_july
    assert login(w.manager_a).get(export("region")).status_code == 403
    assert login(w.manager_a).get(export("jurisdiction", "J1")).status_code == 403
    response = login(w.regional_coordinator).get(export("region", period="2026-01..2026-06"))
    assert response.status_code == 400
    assert "not for a range of months" in response.content.decode()


# --- the donors' report -------------------------------------------------------------------------

def _text(document) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    text = " ".join(box.text for page in document.pages
                    for box in page._page_box.descendants() if isinstance(box, TextBox))
    return " ".join(text.split())


def test_the_donors_report_is_a_pdf_of_the_regions_table(small_july):
    w = small_july
    response = login(w.regional_coordinator).get(reverse("monitoring:report") + "?period=2026-07")
    if response.status_code == 302:
        pytest.skip("WeasyPrint cannot run on this machine")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="monitoring-region-2026-07.pdf"'
    assert exported(w.regional_coordinator).details == {
        "level": "region", "period": "2026-07", "format": "pdf"}
    # The text laid out on its pages.
    context = pdf.report_context(statistics.anonymous(parse("2026-07", allow_range=False)))
    text = _text(pdf.render_document(context))
    assert "The region's indicators, 07.2026" in text
    assert "2345" in text and "3336" in text and "987" not in text
    assert "fewer than 5, or hidden so that a small figure cannot be worked out" in text
    assert "Kosovo*" in text and FOOTNOTE in text and "figures computed on" in text
    assert str(BY_CODE["engagement"].definition) in text  # the definitions, in short
    assert "Prison" not in text


def test_the_donors_report_is_refused_to_a_manager_and_for_a_range(small_july):
    w = small_july
    assert login(w.manager_a).get(reverse("monitoring:report")).status_code == 403
    response = login(w.regional_coordinator).get(reverse("monitoring:report")
                                                 + "?period=2026-01..2026-03")
    assert response.status_code == 400
