from django import template
from django.conf import settings

from alliance.core import purpose
from alliance.core.i18n import current_language

register = template.Library()


@register.filter
def getfield(form, name):
    """The bound field `name` of a form built at run time (instrument-driven forms)."""
    return form[name]


@register.filter
def localised(text, language=None):
    """An instrument's localised text in the reader's language (English as the fallback)."""
    if text is None:
        return ""
    return text.get(language or current_language())


@register.filter
def purpose_label(stored):
    """A stored purpose (audit events, disclosures) in the reader's language (core/purpose.py)."""
    return purpose.label(stored)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def interface_languages():
    """settings.LANGUAGES as they are: each language in its own name. Django's
    get_available_languages passes the names through gettext, which turns "English" into the
    reader's word for it (Anglisht, Engleski) on a menu where every other entry is in its own."""
    return settings.LANGUAGES
