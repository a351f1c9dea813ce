"""Error pages that say what happened and what to do, in the user's language.

Under /api/ they answer JSON in the API's error shape (core.errors.error_body) instead: a client of
/api/v1/nope/ should not have to parse an HTML page. DRF's own messages are reused, so they are
translated already.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import exceptions

from .errors import error_body, is_api
from .parsers import RequestTooLarge


@login_not_required
def bad_request(request, exception=None):
    """A request Django could not read: a form body over DATA_UPLOAD_MAX_MEMORY_SIZE (413), or
    one that breaks another of its limits (too many fields, a bad host)."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if is_api(request):
        return JsonResponse(error_body(exceptions.ParseError.default_detail, "parse_error"),
                            status=400)
    return render(request, "errors/400.html", {"reason": ""}, status=400)


def request_too_large(request):
    if is_api(request):
        return JsonResponse(error_body(RequestTooLarge.default_detail, "request_too_large"),
                            status=413)
    reason = _("The form is larger than the server accepts: send less at once, or a smaller "
               "file.")
    return render(request, "errors/400.html", {"reason": reason}, status=413)


@login_not_required
def permission_denied(request, exception=None):
    if is_api(request):
        detail = str(exception or "") or exceptions.PermissionDenied.default_detail
        return JsonResponse(error_body(detail, "permission_denied"), status=403)
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


@login_not_required
def page_not_found(request, exception=None):
    if is_api(request):
        # Never the exception's text: for an unmatched address it lists our URL patterns.
        return JsonResponse(error_body(exceptions.NotFound.default_detail, "not_found"),
                            status=404)
    return render(request, "errors/404.html", status=404)


@login_not_required
def server_error(request):
    if is_api(request):
        return JsonResponse(error_body(exceptions.APIException.default_detail, "server_error"),
                            status=500)
    return render(request, "errors/500.html", status=500)


@login_not_required
def csrf_failure(request, reason=""):
    """A form whose CSRF token no longer matches (sent from a page opened before signing in
    again, say). Django's own page carries an inline style, which the content-security policy
    blocks; this one is the site's, in the user's language."""
    if is_api(request):
        return JsonResponse(error_body(exceptions.PermissionDenied.default_detail,
                                       "csrf_failed"), status=403)
    reason = _("The form was sent from a page that has expired. Go back, reload the page and "
               "send the form again.")
    return render(request, "errors/400.html", {"reason": reason}, status=403)
