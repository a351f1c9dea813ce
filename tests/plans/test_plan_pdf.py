"""The plan's printout: short, identified by the reference only, audited as an export."""

import pytest
from django.urls import reverse

from alliance.assessments import pdf as assessment_pdf
from alliance.core.models import AuditEvent
from alliance.plans import pdf, selectors

from ..conftest import login

pytestmark = pytest.mark.django_db

IDENTIFYING = ("Krasniqi", "Arben", "Beni", "1705990450011", "17.05.1990")


def _weasyprint_or_skip():
    try:
        return pdf.load_weasyprint()
    except pdf.PdfUnavailable as exc:
        pytest.skip(f"WeasyPrint cannot run on this machine: {exc}")


def _context(plan, user):
    context = selectors.plan_page(user, plan)
    context.update(plan=plan, person=plan.person)
    return context


def _text(document) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    return " ".join(box.text for page in document.pages
                    for box in page._page_box.descendants() if isinstance(box, TextBox))


def test_the_pdf_shows_the_plan_with_the_reference_and_without_the_name(current_plan):
    _weasyprint_or_skip()
    w = current_plan
    response = login(w.treatment_a).get(reverse("plans:plan_pdf", args=[w.plan.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert w.person_a.reference in response["Content-Disposition"]

    context = _context(w.plan, w.treatment_a)
    document = pdf.render_document(context)
    text = _text(document)
    assert len(document.pages) <= 3
    assert w.person_a.reference in text
    assert "Attend mentoring" in text and "Individual mentoring" in text  # steps
    assert "Ideology and beliefs" in text  # a goal's need
    assert "Agrees with the plan" in text and "I want to try." in text  # the position
    assert str(w.manager_a) in text  # countersigned by
    assert w.plan.next_review_on.strftime("%d.%m.%Y") in text
    html = pdf.plan_html(context)
    for identifying in IDENTIFYING:
        assert identifying not in text and identifying not in html


def test_the_pdf_of_a_draft_says_it_is_not_final(current_plan):
    _weasyprint_or_skip()
    from .builders import draft_plan

    draft = draft_plan(current_plan)
    text = _text(pdf.render_document(_context(draft, current_plan.treatment_a)))
    assert "Not final" in text and "New needs" in text  # the reason for the version


def test_printing_the_plan_is_audited_as_an_export(current_plan):
    _weasyprint_or_skip()
    w = current_plan
    login(w.security_a).get(reverse("plans:plan_pdf", args=[w.plan.uuid]))
    event = AuditEvent.objects.filter(action="export", object_uuid=str(w.plan.uuid)).get()
    assert event.actor == w.security_a and event.person == w.person_a
    assert event.details["format"] == "pdf"


def test_another_prisons_officer_cannot_print_the_plan(current_plan):
    response = login(current_plan.treatment_b).get(
        reverse("plans:plan_pdf", args=[current_plan.plan.uuid]))
    assert response.status_code == 404


def test_without_weasyprint_the_plan_page_says_the_pdf_is_unavailable(current_plan,
                                                                       monkeypatch):
    def missing(name):
        raise OSError("cannot load libpango")

    monkeypatch.setattr(assessment_pdf, "import_module", missing)
    w = current_plan
    client = login(w.treatment_a)
    response = client.get(reverse("plans:plan_pdf", args=[w.plan.uuid]))
    assert response.status_code == 302
    assert response.url == reverse("plans:plan", args=[w.plan.uuid])
    assert "PDF output is not available on this server" in client.get(
        response.url).content.decode()
