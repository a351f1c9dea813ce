"""The person page is made of sections that each module registers from its own apps.py, so that
the people app imports no module above it (STYLE.md, docs/architecture.md).

A section says where it stands (column, order), which compartment a reader needs to see it at
all ("" for anyone who sees the person), the template it renders, and a context function
`(user, person, grant) -> dict` that runs a constant number of queries whatever the person has.
The grant is the reader's (core/policy.py): a section cuts what it shows to it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template import Context, engines
from django.template.loader import get_template
from django.utils.safestring import SafeString

from . import selectors


@dataclass(frozen=True)
class PersonSection:
    key: str
    template: str
    context: Callable[..., dict]
    order: int = 100
    column: str = "main"  # "main" (wide) or "side"
    compartment: str = ""
    # The section's main actions (Screen, Start assessment...), rendered with the same context
    # into a bar at the top of the page: on a phone the columns stack and a section's own
    # header can sit thousands of pixels down. Empty when the section has none.
    actions_template: str = ""


_sections: dict[str, PersonSection] = {}


def register(section: PersonSection) -> None:
    """Called from an app's ready(); registering a key again replaces it (autoreload)."""
    _sections[section.key] = section


def registered() -> list[PersonSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class RenderedSection:
    key: str
    column: str
    html: SafeString
    actions: SafeString = SafeString("")


def _request_context(request) -> dict:
    """What the context processors give a template for this request (the user, the CSRF
    token, the language, the navigation's counts...), computed once for all the sections:
    rendering each section with `render_to_string(..., request)` would run every processor
    again, once per section."""
    values = {}
    for processor in engines["django"].engine.template_context_processors:
        values.update(processor(request))
    return values


def _render(name: str, values: dict) -> SafeString:
    return get_template(name).template.render(Context(values))


def render_sections(request, person, grant) -> list[RenderedSection]:
    """Every section the reader may see, rendered in order."""
    shown, processed = [], _request_context(request)
    for section in registered():
        if section.compartment and not grant.holds(section.compartment):
            continue
        context = {**processed, "person": person, "grant": grant,
                   **section.context(request.user, person, grant)}
        # Rendered templates are safe strings as they are; a bar with nothing in it is no bar.
        actions = _render(section.actions_template, context) if section.actions_template else ""
        shown.append(
            RenderedSection(
                section.key,
                section.column,
                _render(section.template, context),
                actions if actions.strip() else "",
            )
        )
    return shown


def register_own() -> None:
    """The people app's own sections: who the person is, custody, classification, timeline."""
    register(
        PersonSection(
            key="identity",
            template="people/sections/identity.html",
            context=lambda user, person, grant: {},
            order=10,
        )
    )
    register(
        PersonSection(
            key="custody",
            template="people/sections/custody.html",
            context=selectors.custody_section,
            order=20,
        )
    )
    register(
        PersonSection(
            key="classification",
            template="people/sections/classification.html",
            context=selectors.classification_section,
            order=30,
        )
    )
    register(
        PersonSection(
            key="timeline",
            template="people/sections/timeline.html",
            context=selectors.timeline_section,
            order=900,
            column="side",
        )
    )
