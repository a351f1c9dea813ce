"""The subject access export as a readable PDF, with the assessment PDF's machinery
(assessments/pdf.py): WeasyPrint loaded only when asked for, the vendored fonts, a URL fetcher
that reads nothing but static files."""

from django.template.loader import render_to_string

from alliance.assessments.pdf import (
    PdfUnavailable,
    load_weasyprint,
    static_dir,
    static_only_fetcher,
)
from alliance.core.i18n import current_language

from .export import Ground

TEMPLATE = "privacy/subject_access_pdf.html"

__all__ = ["PdfUnavailable", "subject_access_html", "subject_access_pdf"]


def subject_access_html(data: dict) -> str:
    return render_to_string(TEMPLATE, {
        "data": data, "language": current_language(), "grounds": dict(Ground.CHOICES),
        "font_url": (static_dir() / "fonts" / "dejavu").as_uri()})


def subject_access_pdf(data: dict) -> bytes:
    """A4 PDF bytes; PdfUnavailable when WeasyPrint cannot run here."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=subject_access_html(data), base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render().write_pdf()
