"""The release and reintegration plan as a PDF for the receiving agencies: short, the name only
for a reader whose agency holds identity, audited as an export."""

import datetime

import pytest
from django.urls import reverse

from alliance.assessments import pdf as assessment_pdf
from alliance.core.models import AuditEvent
from alliance.release import pdf, services
from alliance.release.access import get_person_for_release

from ..conftest import login
from .builders import ngo_on_team

pytestmark = pytest.mark.django_db

IDENTIFYING = ("Krasniqi", "Arben", "1705990450011")


def _weasyprint_or_skip():
    try:
        return pdf.load_weasyprint()
    except pdf.PdfUnavailable as exc:
        pytest.skip(f"WeasyPrint cannot run on this machine: {exc}")


def _text(document) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    return " ".join(box.text for page in document.pages
                    for box in page._page_box.descendants() if isinstance(box, TextBox))


def _context(user, person):
    person, grant = get_person_for_release(user, person.uuid)
    return pdf.printout_context(user, person, grant)


@pytest.fixture
def planned(releasing):
    """`releasing` with a support plan: a need and an action, a reporting condition."""
    w = releasing
    plan = services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    entry = plan.pathways.get(pathway="accommodation")
    services.pathway_update(actor=w.probation_officer, entry=entry, expected_version=None,
                            needs="A room near his sister", status="need")
    services.action_add(actor=w.probation_officer, entry=entry,
                        description="Find supported housing", agency=w.ministry)
    services.condition_add(actor=w.probation_officer, plan=plan, kind="reporting",
                           detail="Report weekly to Probation J1",
                           starts_on=datetime.date.today())
    return w


def test_the_pdf_renders_the_plan_for_the_receiving_agency(planned):
    _weasyprint_or_skip()
    w = planned
    response = login(w.probation_officer).get(reverse("release:pdf", args=[w.person_a.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert w.person_a.reference in response["Content-Disposition"]

    document = pdf.render_document(_context(w.probation_officer, w.person_a))
    text = _text(document)
    assert len(document.pages) <= 3
    assert "Release and reintegration plan" in text and w.person_a.reference in text
    assert "Krasniqi" in text  # the probation officer's place on the team holds identity
    assert "A room near his sister" in text and "Find supported housing" in text
    assert "Report weekly to Probation J1" in text
    assert "Reintegration Division J1" in text and "Probation officer" in text


def test_the_pdf_has_no_name_for_a_reader_without_identity(planned):
    _weasyprint_or_skip()
    w = planned
    ngo_on_team(w)
    response = login(w.ngo_worker).get(reverse("release:pdf", args=[w.person_a.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    context = _context(w.ngo_worker, w.person_a)
    text, html = _text(pdf.render_document(context)), pdf.release_plan_html(context)
    assert w.person_a.reference in text and "Find supported housing" in text
    for identifying in IDENTIFYING:
        assert identifying not in text and identifying not in html


def test_printing_the_plan_is_audited_as_an_export(planned):
    _weasyprint_or_skip()
    w = planned
    login(w.manager_a).get(reverse("release:pdf", args=[w.person_a.uuid]))
    event = AuditEvent.objects.filter(action="export", actor=w.manager_a).get()
    assert event.person == w.person_a
    assert event.details["format"] == "pdf" and event.details["document"] == "release_plan"


def test_another_prisons_officer_cannot_print_the_plan(planned):
    response = login(planned.treatment_b).get(reverse("release:pdf",
                                                      args=[planned.person_a.uuid]))
    assert response.status_code == 404


def test_without_weasyprint_the_release_page_says_the_pdf_is_unavailable(planned, monkeypatch):
    def missing(name):
        raise OSError("cannot load libpango")

    monkeypatch.setattr(assessment_pdf, "import_module", missing)
    w = planned
    response = login(w.manager_a).get(reverse("release:pdf", args=[w.person_a.uuid]))
    assert response.status_code == 302
    assert response.url == reverse("release:person", args=[w.person_a.uuid])
    assert not AuditEvent.objects.filter(action="export").exists()
