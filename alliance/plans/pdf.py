"""The plan as a short printout: goals, steps, the person's position, countersignature, next
review. It reuses the assessment PDF's machinery (assessments/pdf.py): WeasyPrint loaded only
when a PDF is asked for, the vendored DejaVu fonts, and a URL fetcher that reads nothing but
files under the static directory.

Only the person's pseudonymous reference identifies them: never a name or another identifier.
"""

from django.template.loader import render_to_string

from alliance.assessments.pdf import (
    PdfUnavailable,
    load_weasyprint,
    static_dir,
    static_only_fetcher,
)
from alliance.core.i18n import current_language

TEMPLATE = "plans/plan/pdf.html"

__all__ = ["PdfUnavailable", "plan_html", "plan_pdf", "render_document"]


def printout_context(context: dict) -> dict:
    """What the printout needs, from selectors.plan_page + plan + person."""
    labels = context["labels"]
    goals = [{"goal": g, "label": labels.get(g.need_area or g.protective_item, ""),
              "is_need": bool(g.need_area), "steps": list(g.steps.all())}
             for g in context["goals"]]
    return {**context, "goal_rows": goals, "language": current_language(),
            "latest_review": context["reviews"][0] if context["reviews"] else None,
            "font_url": (static_dir() / "fonts" / "dejavu").as_uri()}


def plan_html(context: dict) -> str:
    return render_to_string(TEMPLATE, printout_context(context))


def render_document(context: dict):
    """The laid-out WeasyPrint document (its `.pages` can be inspected before writing)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=plan_html(context), base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render()


def plan_pdf(context: dict) -> bytes:
    """The plan as A4 PDF bytes; PdfUnavailable when WeasyPrint cannot run here."""
    return render_document(context).write_pdf()
