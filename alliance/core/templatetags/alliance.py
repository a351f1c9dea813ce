from django import template

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
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
