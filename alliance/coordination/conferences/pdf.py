"""The minutes of a case conference as a short printout: reference, date, attendees by agency
(staff are named), what was shared, decisions, actions. The person is never named, whoever
prints it: the minutes travel to every attending agency. It reuses the assessment PDF's
machinery (assessments/pdf.py): WeasyPrint loaded only when asked for, the vendored DejaVu
fonts, a URL fetcher that reads nothing but files under the static directory. Printing is
audited as an export."""

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
from alliance.core.compartments import DataCategory
from alliance.core.i18n import current_language
from alliance.core.models import AuditAction

from . import selectors

TEMPLATE = "coordination/conferences/pdf.html"


def minutes_context(user, conference) -> dict:
    minutes = selectors.minutes(conference)
    return {"conference": conference, "person": conference.person, **minutes,
            "agencies": selectors.by_agency(minutes["attendees"]),
            "categories": dict(DataCategory.choices), "language": current_language(),
            "printed_at": timezone.now(), "printed_by": user,
            "font_url": (static_dir() / "fonts" / "dejavu").as_uri()}


def minutes_html(context: dict) -> str:
    return render_to_string(TEMPLATE, context)


def render_document(context: dict):
    """The laid-out WeasyPrint document (its `.pages` can be inspected before writing)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=minutes_html(context), base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render()


def render_minutes(request, conference, grant) -> HttpResponse:
    """The PDF response for a conference the caller obtained through
    access.get_conference_for_user. Without WeasyPrint, back to the conference with the
    reason."""
    try:
        content = render_document(minutes_context(request.user, conference)).write_pdf()
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server (a system library "
                                  "is missing). Ask your administrator."))
        return redirect("coordination:conference_detail", conference.uuid)
    audit.consulted(actor=request.user, action=AuditAction.EXPORT, obj=conference,
                    agency=grant.agency, details={"format": "pdf", "document": "minutes"})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="conference-{conference.person.reference}-'
        f'{timezone.localtime(conference.scheduled_for):%Y-%m-%d}.pdf"')
    return response
