"""A version of the methodology for print: a cover (title, version, approval date), the table of
contents with page numbers, the chapters with their numbered references, and the references
(each cited entry's title, kind, jurisdiction, organisation, publication date and address). A
draft's every page carries a "Draft" watermark.

It reuses the assessment PDF's machinery (assessments/pdf.py): WeasyPrint loaded only when
asked for, the vendored DejaVu fonts, a URL fetcher that reads nothing but files under the
static directory. Printing is audited as an export."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
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

from ..entries.search import fold
from ..models import MethodologyStatus
from . import selectors

TEMPLATE = "knowledge/methodology/pdf.html"


def version_context(request, version) -> dict:
    """What the printout needs; the references' addresses are absolute (the paper has no
    links to follow, so the address is printed)."""
    content = selectors.version_chapters(version)
    references = content.pop("references")
    jurisdictions = [r.entry.jurisdiction for r in references if r.entry.jurisdiction]
    return {"methodology": version.methodology, "version": version, **content,
            "references": [(r, request.build_absolute_uri(r.url) if r.url else "")
                           for r in references],
            "draft": version.status == MethodologyStatus.DRAFT,
            "footnote": any(j.designation_footnote for j in jurisdictions),
            "language": current_language(), "printed_at": timezone.now(),
            "printed_by": request.user,
            "font_url": (static_dir() / "fonts" / "dejavu").as_uri()}


def version_html(context: dict) -> str:
    return render_to_string(TEMPLATE, context)


def render_document(context: dict):
    """The laid-out WeasyPrint document (its `.pages` can be inspected before writing)."""
    weasyprint = load_weasyprint()
    return weasyprint.HTML(string=version_html(context), base_url=static_dir().as_uri() + "/",
                           url_fetcher=static_only_fetcher(weasyprint)).render()


def file_name(version) -> str:
    title = slugify(fold(version.methodology.title))[:60].strip("-") or "methodology"
    suffix = "-draft" if version.status == MethodologyStatus.DRAFT else ""
    return f"{title}-v{version.number}{suffix}.pdf"


def render_version(request, version) -> HttpResponse:
    """The PDF response for a version the caller obtained through access.get_version_for_user.
    Without WeasyPrint, back to the version with the reason."""
    try:
        content = render_document(version_context(request, version)).write_pdf()
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server (a system library "
                                  "is missing). Ask your administrator."))
        return redirect("knowledge:methodology_version", version.uuid)
    audit.consulted(actor=request.user, action=AuditAction.EXPORT, obj=version,
                    details={"format": "pdf", "status": version.status})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name(version)}"'
    return response
