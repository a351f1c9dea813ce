from django import template
from django.utils.translation import get_language

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
    return text.get(language or get_language() or "en")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
