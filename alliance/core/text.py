"""What no text of ours may carry, stated once for every way text comes in.

C0 control characters other than tab, line feed and carriage return, DEL, and unpaired
surrogates: PostgreSQL cannot store NUL, a surrogate cannot be encoded for any database, and
nothing a person types needs them. Requests carrying them are refused (core/middleware.py for
addresses, queries and forms; core/parsers.py for API bodies); the audit trail, which must
always be writable, replaces them (`clean_text`).
"""

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """`value` with every such character replaced by U+FFFD."""
    return CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", value)


def checked_text(value: str | None, field: str, *, required: bool = False, message: str = "",
                 limit: int = 10_000) -> str:
    """A free-text field's value, stripped; a ValidationError on `field` (in the user's
    language) when it is required and empty or longer than `limit`. The services' one check."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("Keep this under %(max)d characters.") % {"max": limit}})
    return value
