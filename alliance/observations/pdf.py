"""A person's security record as a PDF, for the analyst's export (SecurityAction.ANALYSE only;
the view audits it as an export with its purpose). It reuses the assessment PDF's machinery
(assessments/pdf.py): WeasyPrint loaded only when a PDF is asked for, the vendored DejaVu fonts,
and a URL fetcher that reads nothing but files under the static directory.

Only the person's pseudonymous reference identifies them: never a name or another identifier.
Every page says what it is (security material, not to be passed on) and who exported it, when
and why.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from alliance.assessments.pdf import (
    PdfUnavailable,
    load_weasyprint,
    static_dir,
    static_only_fetcher,
)
from alliance.core import purpose
from alliance.core.i18n import current_language

TEMPLATE = "observations/pdf.html"

__all__ = ["PdfUnavailable", "render_document", "security_record_html", "security_record_pdf"]


def printout_context(context: dict) -> dict:
    """What the printout needs, from selectors.export_data + person + exported_by + purpose."""
    return {**context, "language": current_language(), "exported_at": timezone.now(),
            "purpose_label": purpose.label(context.get("purpose", "")),
            "font_url": (static_dir() / "fonts" / "dejavu").as_uri()}


def security_record_html(context: dict) -> str:
    return render_to_string(TEMPLATE, printout_context(context))


def render_document(context: dict):
    """The laid-out WeasyPrint document (its `.pages` can be inspected before writing)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=security_record_html(context),
                           base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render()


def security_record_pdf(context: dict) -> bytes:
    """The record as A4 PDF bytes; PdfUnavailable when WeasyPrint cannot run here."""
    return render_document(context).write_pdf()
