"""Request body parsers of the API: the limits every body meets before a view sees it.

A body is refused when it is larger than settings.API_MAX_BODY_BYTES (413), nested deeper than
MAX_DEPTH (400), or when any text in it (a key or a value) holds a control character or an
unpaired surrogate (400): PostgreSQL cannot store NUL, an unpaired surrogate cannot be encoded
for any database, and nothing a person types needs either.
"""

import json
import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant

from .text import CONTROL_CHARACTERS

MAX_DEPTH = 32

FORBIDDEN_MESSAGE = gettext_lazy(
    "Text may not contain control characters (such as NUL); tab and line breaks are allowed.")

# For measuring depth: JSON strings (whose brackets do not count), then everything but brackets.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request is too large.")
    default_code = "request_too_large"

    def __init__(self, limit: int | None = None):
        super().__init__(_("The request is too large: send at most %(limit)d bytes.")
                         % {"limit": limit} if limit else None)


def check_size(parser_context) -> None:
    """Refuse by the declared length, before reading: the stream is cut at that length anyway."""
    limit = settings.API_MAX_BODY_BYTES
    meta = parser_context["request"].META
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise RequestTooLarge(limit)


class InvalidCharacters(ValidationError):
    default_detail = FORBIDDEN_MESSAGE
    default_code = "invalid_characters"  # as the audit middleware answers for addresses


def forbidden_text_path(data) -> str | None:
    """The dotted path of the first key or string in `data` with a forbidden character ("" for a
    key at the top), or None. Walks with a stack, so no depth can exhaust the recursion limit."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if CONTROL_CHARACTERS.search(key):
                    return path
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return None


def refuse_forbidden_text(data) -> None:
    """Raise InvalidCharacters (400) naming the field whose text holds a forbidden character."""
    path = forbidden_text_path(data)
    if path is not None:
        raise InvalidCharacters({path or api_settings.NON_FIELD_ERRORS_KEY: [FORBIDDEN_MESSAGE]})


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON `text`, counted without recursion."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


class JSONParser(parsers.BaseParser):
    """JSON with the limits above. The depth is measured before json.loads runs, so a body of
    thousands of nested brackets is refused instead of raising RecursionError (a 500)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        check_size(parser_context)
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(limit)
        try:
            text = raw.decode(parser_context.get("encoding", settings.DEFAULT_CHARSET))
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("The request body is not valid text in its character set.")) \
                from exc
        if nesting_depth(text) > MAX_DEPTH:
            raise ParseError(_("The JSON is nested too deeply: at most %(limit)d levels.")
                             % {"limit": MAX_DEPTH}, code="too_deep")
        try:
            data = json.loads(text, parse_constant=strict_constant)
        except ValueError as exc:  # also json.JSONDecodeError, and NaN/Infinity
            raise ParseError(_("The request body is not valid JSON: %(error)s")
                             % {"error": exc}) from exc
        refuse_forbidden_text(data)
        return data


def _form_text(data) -> dict:
    # A field's values joined: so an error names the field, not "field.0".
    return {key: "".join(values) for key, values in data.lists()}


class FormParser(parsers.FormParser):
    """Form bodies, with the same size and character limits. The API speaks JSON, but forms
    stay accepted: HTTP clients (Django's test client among them) send an empty form as the
    body of a POST without data, which should get the view's 400, not 415."""

    def parse(self, stream, media_type=None, parser_context=None):
        check_size(parser_context or {})
        data = super().parse(stream, media_type, parser_context)
        refuse_forbidden_text(_form_text(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Multipart bodies, with the same size and character limits. No endpoint takes a file."""

    def parse(self, stream, media_type=None, parser_context=None):
        check_size(parser_context or {})
        parsed = super().parse(stream, media_type, parser_context)
        refuse_forbidden_text(_form_text(parsed.data))
        return parsed
