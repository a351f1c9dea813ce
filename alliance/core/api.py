"""Shared pieces of the REST API, so that every endpoint answers errors, lists and its schema the
same way:

* one error shape (`error_body`, documented as `ErrorSerializer`):
  `{"detail": "...", "code": "not_found"}`, and for invalid input also
  `"fields": {"given_name": ["This field is required."], "sources.1.kind": ["..."]}` -- nested
  errors are flattened to dotted paths (list items by index); errors about the input as a whole
  are under "non_field_errors", and also make up "detail";
* one list envelope (`Pagination`): `{count, next, previous, page, pages, results}`;
* validated query parameters (`ListQuery`, `ChoiceFilter`);
* a schema that documents the error answers of every operation (`AutoSchema`), 429 included
  (the throttle is core.throttling's).
"""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular import openapi
from drf_spectacular.plumbing import force_instance
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict, error_body
from .middleware import record_failure
from .pagination import bounded_page
from .parsers import RequestTooLarge, check_size

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


# --- errors ------------------------------------------------------------------------------------

class ConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = Conflict.default_message
    default_code = "conflict"


def flatten_errors(detail, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {dotted.path: [messages]}:
    {"sources": [{}, {"kind": ["…"]}]} gives {"sources.1.kind": ["…"]}."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and not all(isinstance(d, str) for d in detail):
        items = enumerate(detail)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {path or NON_FIELD: [str(m) for m in messages]} if messages else {}
    fields: dict[str, list[str]] = {}
    for key, value in items:
        # A nested serializer's own errors belong to the field that holds it.
        own = key in (NON_FIELD, "__all__")
        sub = path if own else f"{path}.{key}" if path else str(key)
        for name, messages in flatten_errors(value, sub).items():
            fields.setdefault(name, []).extend(messages)
    return fields


def _as_api_exception(exc):
    """The APIException that stands for `exc`, or None for an unexpected error (a 500)."""
    if isinstance(exc, Conflict):
        return ConflictError(exc.message)
    if isinstance(exc, DjangoValidationError):
        return ValidationError(exc.message_dict if hasattr(exc, "error_dict")
                               else {NON_FIELD: exc.messages})
    # DRF converts these two as well; converting here keeps the exception that the body needs.
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, RequestDataTooBig):  # the body was read before the parser ran
        return RequestTooLarge()
    return exc if isinstance(exc, APIException) else None


def exception_handler(exc, context):
    """DRF's handler (status, headers, rollback), answering in the one error shape. A refusal
    that the code raising it did not log (core.policy.refuse logs its own) is logged here, as the
    middleware does for pages."""
    if isinstance(exc, Http404 | DjangoPermissionDenied | exceptions.NotFound |
                  exceptions.PermissionDenied) and "request" in context:
        record_failure(context["request"], exc)
    exc = _as_api_exception(exc) or exc
    if isinstance(exc, exceptions.UnsupportedMediaType) and "request" in context:
        # Too large is the first thing wrong with a large body, whatever its type.
        try:
            check_size({"request": context["request"]})
        except RequestTooLarge as too_large:
            exc = too_large
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if "request" in context:
        # Errors are JSON whatever the view renders otherwise (the schema's YAML), and even when
        # the Accept header asked for something else (406).
        context["request"].accepted_renderer = JSONRenderer()
        context["request"].accepted_media_type = JSONRenderer.media_type
    if isinstance(exc, exceptions.Throttled):
        response.data = error_body(throttled_message(exc.wait), exc.default_code)
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith(
            ("JSON parse error", "Multipart form parse error")):
        # DRF's parsers word these in English only, with the parser's own message appended: say
        # it in the reader's language, without the internals. (Ours, such as too_deep, are
        # translated already and keep their code.)
        response.data = error_body(_("The request body could not be read: check that it is "
                                     "well-formed and matches its Content-Type."),
                                   exc.default_code)
    elif isinstance(exc, ValidationError):
        fields = flatten_errors(exc.detail)
        detail = " ".join(fields.get(NON_FIELD, [])) or exc.default_detail
        response.data = error_body(detail, exc.default_code, fields)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else exc.default_detail
        response.data = error_body(detail, getattr(exc.detail, "code", None) or exc.default_code)
    return response


def throttled_message(wait: float | None) -> str:
    """The 429's detail, in the request's language: when to try again (also the Retry-After
    header, which DRF's handler sets from the same `wait`)."""
    if wait is None:
        return str(exceptions.Throttled.default_detail)
    seconds = max(1, math.ceil(wait))
    return ngettext("Too many requests. Try again in %(seconds)d second.",
                    "Too many requests. Try again in %(seconds)d seconds.",
                    seconds) % {"seconds": seconds}


def one_of(choices) -> str:
    """Output-only choices, documented in words: an enum shared by several components under a
    name other components also use ("status", "kind") cannot be named without a settings
    entry."""
    return "One of: " + ", ".join(choices.values) + "."


def validated(serializer_class, request) -> dict:
    """The request body checked by `serializer_class` (400 with the fields otherwise)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ErrorSerializer(serializers.Serializer):
    """The shape of every error answer (for the schema; responses are built by error_body)."""

    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    code = serializers.CharField(help_text=(
        "Stable, for programs: invalid, invalid_characters, parse_error, too_deep, "
        "not_authenticated, authentication_failed, permission_denied, not_found, "
        "method_not_allowed, not_acceptable, conflict, request_too_large, "
        "unsupported_media_type, throttled, server_error, second_factor_required (set up "
        "two-factor authentication first), session_expired, record_restricted (the person's "
        "record is read-only), purpose_required (say why, in the X-Alliance-Purpose header)."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="Invalid input only: field -> messages. Nested fields are dotted paths "
                  "(\"sources.1.kind\", \"ratings.BA1\"); \"non_field_errors\" for the rest.")


# --- query parameters --------------------------------------------------------------------------

class ChoiceFilter(serializers.ChoiceField):
    """A list filter: blank or absent means any; anything else must be one of the choices, and
    the error names them."""

    default_error_messages = {"invalid_choice": _("“{input}” is not one of: {allowed}.")}

    def __init__(self, choices, **kwargs):
        super().__init__(choices, required=False, allow_blank=True, default="", **kwargs)

    def to_internal_value(self, data):
        if data == "":
            return ""
        if str(data) not in self.choice_strings_to_values:
            self.fail("invalid_choice", input=data,
                      allowed=", ".join(self.choice_strings_to_values))
        return self.choice_strings_to_values[str(data)]


class ListQuery(serializers.Serializer):
    """The query parameters of a list (subclasses declare its filters). A parameter carrying a
    control character never gets here: the audit middleware answers it with 400 first."""

    @classmethod
    def validated(cls, request) -> dict:
        """The validated parameters of `request`, or ValidationError (400) naming the bad one."""
        query = cls(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data


# --- pagination --------------------------------------------------------------------------------

class Pagination(PageNumberPagination):
    """The one envelope of every API list: {count, next, previous, page, pages, results}.

    Every list is bounded (core.pagination): a page is read with LIMIT size + 1 and nothing is
    counted, so its cost does not grow with the list. `count` and `pages` are null until the
    last page, which gives them; `next` says there is more.

    A page that is not a whole number from 1 is refused (400). A page past the last answers the
    last page (as on the pages): the person list is paged by people.selectors.caseload_page,
    which audits exactly the rows it returns, so every list clamps the same way.
    """

    page_query_description = _("A page number from 1; past the last page, the last page.")

    def page_number(self, request) -> int:
        """The requested page number, or ValidationError naming the parameter."""
        raw = request.query_params.get(self.page_query_param) or 1
        try:
            return serializers.IntegerField(min_value=1).run_validation(raw)
        except ValidationError as exc:
            raise ValidationError({self.page_query_param: exc.detail}) from exc

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = bounded_page(queryset, self.page_number(request), self.page_size)
        return list(self.page)

    def paginated_response(self, request, page, data) -> Response:
        """The envelope of a page paginated elsewhere (by a selector that audits it)."""
        self.request, self.page = request, page
        return self.get_paginated_response(data)

    def get_paginated_response(self, data):
        return Response({"count": self.page.paginator.count, "next": self.get_next_link(),
                         "previous": self.get_previous_link(), "page": self.page.number,
                         "pages": self.page.paginator.num_pages, "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "page", "pages", "results"],
            "properties": {
                "count": {"type": "integer", "nullable": True, "description": (
                    "Rows in the whole list, given on the last page only; null while `next` "
                    "is set.")},
                "next": {**link, "description": "The next page, or null on the last."},
                "previous": {**link, "description": "The previous page, or null on the first."},
                "page": {"type": "integer", "description": "This page's number, from 1."},
                "pages": {"type": "integer", "nullable": True, "description": (
                    "How many pages there are, given on the last page only.")},
                "results": schema,
            },
        }


# --- schema ------------------------------------------------------------------------------------

ERROR_DESCRIPTIONS = {
    400: "Invalid input or query parameter: `fields` says which, with messages in the "
         "request's language.",
    401: "Not signed in: no session, or no valid token.",
    403: "Signed in but not allowed (e.g. you may see the person but not their treatment "
         "compartment).",
    404: "No such record, or not one you may see.",
    406: "The Accept header asks for something other than JSON, the only answer there is.",
    409: "Changed since you read it: nothing was saved; read it again and retry.",
    413: "The body is larger than the server accepts.",
    415: "The body is neither JSON nor a form.",
    429: "Too many requests from this user or token: the `Retry-After` header (and `detail`) "
         "says after how many seconds to try again.",
    500: "An unexpected error on the server: nothing was saved; it has been logged.",
}
# A request carrying the version (or item stamp) the client read is refused when it is stale.
CONFLICT_FIELDS = {"version", "stamp"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error answers each operation can give, in the error
    shape, so views declare only their successful responses."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        content = {"application/json": {
            "schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        responses = operation["responses"]
        for code in self._error_codes(operation):
            responses.setdefault(str(code), {"description": ERROR_DESCRIPTIONS[code],
                                             "content": content})
        responses["429"]["headers"] = {"Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer", "minimum": 1}}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, operation) -> list[int]:
        places = {p["in"] for p in operation.get("parameters", [])}
        has_body = "requestBody" in operation
        # Any operation may be refused these: no credentials, no permission, an Accept header
        # that is not JSON, too many requests, or our own fault.
        codes = [401, 403, 406, 429, 500]
        # 400 also for a path parameter: one carrying a control character is refused before any
        # view (core.middleware).
        if has_body or places & {"query", "path"}:
            codes.append(400)
        if "path" in places:
            codes.append(404)
        if has_body:
            codes += [413, 415]
            request = force_instance(self.get_request_serializer())
            if CONFLICT_FIELDS & set(getattr(request, "fields", {})):
                codes.append(409)
        return codes
