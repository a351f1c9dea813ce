"""The one-page PDF summary of an assessment (practitioners asked for one page, not sixty).

WeasyPrint needs system libraries (Pango, HarfBuzz, fontconfig) that a server may lack, so it is
imported here, inside the call: a missing library turns off the PDF and nothing else. Rendering
never touches the network: the fonts are vendored under static/fonts/ and the URL fetcher refuses
anything that is not a file under the project's static directory.

The summary shows the person's pseudonymous reference only, never a name or another identifier.
"""

from collections import Counter
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string

from alliance.core.i18n import current_language

from .instruments import UNKNOWN

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


def _rating_label(item: dict) -> str:
    rating = item["rating"]
    if rating is None or rating == UNKNOWN:
        return ""  # the template says "not rated" or "unknown", translated
    return dict(item["points"]).get(rating, str(rating))


def summary_context(context: dict) -> dict:
    """What the printout needs, cut down from selectors.assessment_page + person + comparison."""
    definition, lang = context["definition"], current_language()
    domains = [{
        "name": d["name"],
        "unknowns": sum(1 for i in d["items"] if i["unknown"]),
        "items": [{"code": i["code"], "label": _rating_label(i), "unknown": i["unknown"],
                   "unrated": i["rating"] is None} for i in d["items"]],
    } for d in context["domains"]]
    needs, strengths = [], []
    for result in context["outputs"].values():
        if result.type.value == "needs":
            needs = [(definition.need_area(area).label.get(lang), codes)
                     for area, codes in result.value.items()]
        elif result.type.value == "protective_factors":
            strengths = [(code, definition.item(code).text.get(lang)) for code in result.value]
    comparison = context.get("comparison") or {"previous": None, "rows": []}
    changes = Counter(row["change"].change.value for row in comparison["rows"])
    rationale = context["assessment"].judgement_rationale.strip()
    return {
        **context, "language": current_language(),
        "font_url": (static_dir() / "fonts" / "dejavu").as_uri(),
        "summary_domains": domains, "needs": needs, "strengths": strengths,
        "changes": changes, "compared_with": comparison["previous"],
        "rationale": rationale[:RATIONALE_LIMIT].rstrip() + ("…" if len(rationale) >
                                                             RATIONALE_LIMIT else ""),
        "rationale_shortened": len(rationale) > RATIONALE_LIMIT,
    }


def summary_html(context: dict) -> str:
    return render_to_string(TEMPLATE, summary_context(context))


def render_document(context: dict):
    """The laid-out WeasyPrint document (its `.pages` can be inspected before writing)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=summary_html(context), base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render()


def assessment_pdf(context: dict) -> bytes:
    """The one-page A4 summary as PDF bytes; PdfUnavailable when WeasyPrint cannot run here."""
    return render_document(context).write_pdf()
