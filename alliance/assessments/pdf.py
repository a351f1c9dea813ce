"""The PDF of an assessment, in two lengths: the one-page summary (practitioners asked for one
page, not sixty) and, on request, the full record (formulation, sources, every answer with its
evidence, the additional factors).

WeasyPrint needs system libraries (Pango, HarfBuzz, fontconfig) that a server may lack, so it is
imported here, inside the call: a missing library turns off the PDF and nothing else. Rendering
never touches the network: the fonts are vendored under static/fonts/ and the URL fetcher refuses
anything that is not a file under the project's static directory.

Both show the person's pseudonymous reference only, never a name or another identifier, and
labels, never codes alone.
"""

from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string

from alliance.core.i18n import current_language

from .instruments.scoring import Concern
from .selectors import change_counts

TEMPLATE = "assessments/pdf.html"
# Past this, the rationale is cut on the printout (with a note saying so) to keep it to one page;
# the full text stays in the record.
RATIONALE_LIMIT = 900
INSTALL_HINT = ("install the system packages libpango-1.0-0, libpangoft2-1.0-0 and "
                "libharfbuzz-subset0 (Debian/Ubuntu names)")


class PdfUnavailable(Exception):
    """WeasyPrint, or a system library it needs, is missing on this server."""


def static_dir() -> Path:
    return (Path(settings.BASE_DIR) / "alliance" / "static").resolve()


def load_weasyprint():
    """The weasyprint module, or PdfUnavailable when it or its libraries cannot be loaded
    (a missing shared library surfaces as OSError from cffi while importing)."""
    try:
        return import_module("weasyprint")
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(f"PDF output needs WeasyPrint and its system libraries: "
                             f"{INSTALL_HINT}. Loading it failed: {exc}") from exc


def is_static_file(url: str) -> bool:
    """Only file:// URLs of files under the project's static directory may be read."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    return Path(url2pathname(parts.path)).resolve().is_relative_to(static_dir())


def static_only_fetcher(weasyprint):
    class StaticFilesOnly(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if not is_static_file(url):  # WeasyPrint logs this and leaves the resource out
                raise ValueError(f"refused to fetch {url[:80]!r}: not a static file")
            return super().fetch(url, headers)

    return StaticFilesOnly(allowed_protocols={"file"}, allow_redirects=False)


def _shortened(text: str, full: bool) -> tuple[str, bool]:
    text = text.strip()
    if full or len(text) <= RATIONALE_LIMIT:
        return text, False
    return text[:RATIONALE_LIMIT].rstrip() + "…", True


def summary_context(context: dict) -> dict:
    """What the printout needs, from selectors.assessment_page + person + comparison (+ `full`
    for the full record)."""
    full = bool(context.get("full"))
    assessment = context["assessment"]
    comparison = context.get("comparison") or {"previous": None, "rows": [], "factors": []}
    rationale, rationale_shortened = _shortened(assessment.judgement_rationale, full)
    formulation, formulation_shortened = _shortened(assessment.formulation, full)
    return {
        **context, "full": full, "language": current_language(),
        "font_url": (static_dir() / "fonts" / "dejavu").as_uri(),
        "changes": change_counts(comparison["rows"]), "compared_with": comparison["previous"],
        "change_rows": comparison["rows"], "factor_changes": comparison.get("factors", []),
        "worse": [row for row in comparison["rows"] if row["change"].concern == Concern.WORSE],
        "rationale": rationale, "rationale_shortened": rationale_shortened,
        "formulation": formulation, "formulation_shortened": formulation_shortened,
        "judged_domains": [d for d in context["domains"] if d["judgement"]],
    }


def summary_html(context: dict) -> str:
    return render_to_string(TEMPLATE, summary_context(context))


def render_document(context: dict):
    """The laid-out WeasyPrint document (its `.pages` can be inspected before writing)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=summary_html(context), base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render()


def assessment_pdf(context: dict) -> bytes:
    """The A4 summary (or full record) as PDF bytes; PdfUnavailable when WeasyPrint cannot run
    here."""
    return render_document(context).write_pdf()
