"""The release and reintegration plan as a short printout for the receiving agencies: key dates,
readiness, the support plan by pathway with its actions, the conditions, the assessment and the
plan in brief, whom to contact. It is the handover package (package.py) on paper, and reuses
the assessment PDF's machinery (assessments/pdf.py): WeasyPrint loaded only when a PDF is asked
for, the vendored DejaVu fonts, a URL fetcher that reads nothing but files under the static
directory.

The person is named only when the reader's grant holds identity; otherwise by the pseudonymous
reference alone. Printing is audited as an export.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.assessments.pdf import (
    PdfUnavailable,
    load_weasyprint,
    static_dir,
    static_only_fetcher,
)
from alliance.core import audit
from alliance.core.i18n import current_language
from alliance.core.models import AuditAction

from .package import handover_package

TEMPLATE = "release/pdf.html"

__all__ = ["PdfUnavailable", "release_plan_html", "render_document", "render_release_plan"]


def printout_context(user, person, grant) -> dict:
    return {"package": handover_package(user, person, grant), "person": person,
            "language": current_language(), "printed_at": timezone.now(), "printed_by": user,
            "font_url": (static_dir() / "fonts" / "dejavu").as_uri()}


def release_plan_html(context: dict) -> str:
    return render_to_string(TEMPLATE, context)


def render_document(context: dict):
    """The laid-out WeasyPrint document (its `.pages` can be inspected before writing)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=release_plan_html(context),
                           base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render()


def render_release_plan(request, person, grant) -> HttpResponse:
    """The PDF response for `person`, whose release `grant` (the release grant, with its
    compartments) the caller obtained through access.get_person_for_release. Audited as an
    export; without WeasyPrint, back to the release page with the reason."""
    context = printout_context(request.user, person, grant)
    try:
        content = render_document(context).write_pdf()
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server (a system library "
                                  "is missing). Ask your administrator."))
        return redirect("release:person", person.uuid)
    audit.consulted(actor=request.user, action=AuditAction.EXPORT, obj=person,
                    agency=grant.agency, details={"format": "pdf", "document": "release_plan"})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="release-plan-{person.reference}.pdf"')
    return response
