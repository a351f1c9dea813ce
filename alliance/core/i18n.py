"""The reader's language, for texts stored in several languages (instruments, jurisdictions)."""

from django.conf import settings
from django.utils.translation import get_language


def current_language() -> str:
    """The active language code, or the site's default outside a request."""
    return get_language() or settings.LANGUAGE_CODE


# Content written by people (knowledge entries) names Serbian's two scripts explicitly; the
# interface calls Cyrillic Serbian `sr`, as Django does.
_CONTENT_LANGUAGE = {"sr": "sr-cyrl"}
# A reader of one script of Serbian reads the other before a foreign original.
_OTHER_SCRIPT = {"sr-latn": "sr-cyrl", "sr-cyrl": "sr-latn"}


def content_languages() -> tuple[str, ...]:
    """The content languages the reader prefers, best first: the interface's (`sr` read as
    `sr-cyrl`), then the other script of Serbian if that is theirs."""
    language = current_language().lower()
    language = _CONTENT_LANGUAGE.get(language, language)
    other = _OTHER_SCRIPT.get(language)
    return (language, other) if other else (language,)
