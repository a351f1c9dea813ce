"""Errors that services raise and every interface (form, API, command) translates the same way."""

from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """The record changed since the user loaded it: their edit would silently overwrite."""

    default_message = _(
        "Someone else changed this record while you were editing it. Your changes were not "
        "saved: reload the page to see the current version, then make your changes again."
    )

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


def error_body(detail, code: str, fields: dict | None = None) -> dict:
    """The JSON of every API error, wherever it is raised; `fields` only for invalid input."""
    body = {"detail": str(detail), "code": code}
    if fields is not None:
        body["fields"] = fields
    return body


def is_api(request) -> bool:
    """Whether an error for this request is answered in the API's JSON shape."""
    return request.path.startswith("/api/")


def check_version(obj, expected_version) -> None:
    """Raise Conflict unless the caller edited the version that is stored now."""
    if expected_version is None:
        return
    if int(expected_version) != obj.version:
        raise Conflict()
