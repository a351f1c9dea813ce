"""The donors' report: the region's indicators for a period as a PDF, one click from the region
dashboard. The region's table (the same protected Statistics as the page), each indicator's
definition in short, the suppression note with its threshold, the designation footnote, the
date printed and when the figures were computed.

It reuses the assessment PDF's machinery (assessments/pdf.py) as the methodology's printout
does: WeasyPrint loaded only when asked for, the vendored DejaVu fonts, a URL fetcher that reads
nothing but files under the static directory."""

from django.template.loader import render_to_string
from django.utils import timezone

from alliance.assessments.pdf import load_weasyprint, static_dir, static_only_fetcher
from alliance.core.i18n import current_language

from . import selectors
from .exports import suppression_note
from .statistics import Statistics

TEMPLATE = "monitoring/report_pdf.html"


def report_context(stats: Statistics) -> dict:
    return {"stats": stats, "table": selectors.table(stats),
            "indicators": [row.indicator for row in stats.rows],
            "symbol": selectors.SUPPRESSED_SYMBOL,
            "suppression_note": suppression_note(stats.min_count),
            "computed_at": selectors.computed_at(stats.period),
            "printed_at": timezone.now(),
            "language": current_language(),
            "font_url": (static_dir() / "fonts" / "dejavu").as_uri()}


def report_html(context: dict) -> str:
    return render_to_string(TEMPLATE, context)


def render_document(context: dict):
    """The laid-out WeasyPrint document (its `.pages` can be inspected before writing)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=report_html(context), base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render()
