"""`{% special_marker "observations.Observation.verbatim" %}`: the visible mark beside a field
that holds, or may hold, special categories of data (core/special.py)."""

from django import template
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from alliance.core.special import SpecialCategory, special

register = template.Library()


@register.simple_tag
def special_marker(field_path: str):
    entry = special(field_path)
    if entry is None:
        return ""
    categories = ", ".join(str(SpecialCategory(c).label) for c in entry.categories)
    text = _("Special category") if entry.explicit else _("May hold special categories")
    return format_html(
        '<span class="badge text-bg-warning fw-normal text-wrap" title="{}">{}</span>'
        '<span class="visually-hidden"> ({})</span>',
        format_lazy(_("Record only what is strictly necessary: {}"), categories), text,
        categories)
