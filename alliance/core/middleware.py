import logging
import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import audit, context
from . import purpose as purposes
from .client import client_address
from .errors import error_body, is_api
from .models import AuditAction, AuditOutcome
from .text import CONTROL_CHARACTERS, clean_text

logger = logging.getLogger(__name__)

def _audit_action(request) -> str:
    return AuditAction.VIEW if request.method in ("GET", "HEAD") else AuditAction.CHANGE


def _invalid_input(request) -> str:
    """The name of the first part of the request that carries an invalid character, or ""."""
    if CONTROL_CHARACTERS.search(request.path):
        return "path"
    if CONTROL_CHARACTERS.search(request.headers.get("X-Alliance-Purpose", "")):
        return "X-Alliance-Purpose"
    # Not an API body: core.parsers checks it, within API_MAX_BODY_BYTES, which reading it here
    # (multipart) would bypass.
    sources = ([request.GET, request.POST] if request.method == "POST" and not is_api(request)
               else [request.GET])
    for source in sources:
        for key, values in source.lists():
            if CONTROL_CHARACTERS.search(key) or any(
                    CONTROL_CHARACTERS.search(v) for v in values if isinstance(v, str)):
                return clean_text(key)[:60]
    return ""


class AuditContextMiddleware:
    """Makes the request's address, id and stated purpose available to the audit trail, and
    makes sure every request leaves a trace even when it fails.

    The purpose comes from the `X-Alliance-Purpose` header (integrations) or a `purpose` query
    parameter (links that say why a record is opened). A request carrying control characters
    (a NUL in a filter, say) is answered 400 before any view runs, and logged: such input can
    otherwise make a database refuse the query, and the audit row with it. An unexpected error
    in a view is logged as an event with the outcome "error".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        purpose = request.headers.get("X-Alliance-Purpose") or request.GET.get("purpose", "")
        token = context.activate(
            context.RequestContext(
                ip_address=client_address(request),
                request_id=str(uuid.uuid4()),
                purpose=clean_text(purpose)[:300],
                memo=purposes.memo_for(request),
            )
        )
        consultations = audit.collect_consultations()
        shown = False
        try:
            invalid = _invalid_input(request)
            response = (self._refuse_invalid(request, invalid) if invalid
                        else self.get_response(request))
            # A redirect or an error shows no record; the refusal was logged when it happened.
            shown = response.status_code < 300 or response.status_code in (409, 422)
        finally:
            try:
                audit.flush_consultations(consultations, shown=shown)
            finally:
                context.deactivate(token)
        response.headers.setdefault("Cache-Control", "no-store, private")
        return response

    def _refuse_invalid(self, request, field: str):
        audit.record(actor=request.user, action=_audit_action(request),
                     outcome=AuditOutcome.DENIED,
                     details={"reason": "invalid_characters", "field": field,
                              "method": request.method, "path": request.path[:300]})
        message = _("The request contains a control character (such as NUL) in “%(field)s”. "
                    "Remove it and try again.") % {"field": field}
        if is_api(request):
            return JsonResponse(error_body(message, "invalid_characters"), status=400)
        return render(request, "errors/400.html", {"reason": message}, status=400)

    def process_exception(self, request, exception):
        """Log the failed or refused request; Django then answers as usual (500, 404, 403).
        A read of a restricted record that states no purpose gets the chooser instead."""
        if isinstance(exception, purposes.PurposeRequired):
            if is_api(request):
                return JsonResponse(error_body(exception.detail, "purpose_required"), status=400)
            return purposes.chooser(request, exception)
        record_failure(request, exception)
        return None


def record_failure(request, exception) -> None:
    """Log a request that ended in an exception: a refusal (404, 403) that the code raising it
    did not log itself (core.policy.refuse does, and marks the exception), or an error. Used
    by the middleware for pages and by the API's exception handler."""
    if getattr(exception, "audited", False):
        return
    refused = isinstance(exception, Http404 | PermissionDenied)
    details = {"method": request.method, "path": request.path[:300]}
    if refused:
        details["reason"] = clean_text(str(exception))[:200]
    else:
        details["error"] = type(exception).__name__
    try:
        audit.record(actor=getattr(request, "user", None), action=_audit_action(request),
                     outcome=AuditOutcome.DENIED if refused else AuditOutcome.ERROR,
                     details=details)
    except Exception:  # noqa: BLE001 - the original error matters more; never mask it
        logger.exception("Could not write the audit event of a failed request")
