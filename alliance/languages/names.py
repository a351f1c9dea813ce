"""Names kept in several interface languages by the people who configure the system (a
jurisdiction's, an escalation indicator's, a pre-release step's), shown in the reader's."""

from django.conf import settings
from django.utils.translation import get_language

from .cyrillic import to_cyrillic


def localized(names: dict | None, original: str) -> str:
    """A name kept in several interface languages (`names`, e.g. a jurisdiction's, an
    escalation indicator's, a pre-release step's) in the reader's: for Serbian, written in the
    other script when only that one was given (Latin turned into Cyrillic, Cyrillic read as it
    is); else the `original` name."""
    names = names or {}
    language = get_language() or settings.LANGUAGE_CODE
    if names.get(language):
        return names[language]
    if language == "sr" and names.get("sr-latn"):
        return to_cyrillic(names["sr-latn"])
    if language == "sr-latn" and names.get("sr"):
        return names["sr"]
    return original
