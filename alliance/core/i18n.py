"""The reader's language, for texts stored in several languages (instruments, jurisdictions)."""

from django.conf import settings
from django.utils.translation import get_language


def current_language() -> str:
    """The active language code, or the site's default outside a request."""
    return get_language() or settings.LANGUAGE_CODE
