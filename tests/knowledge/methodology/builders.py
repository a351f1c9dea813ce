"""Methodologies built through the services, for the methodology's tests and its rows of the
authorization matrix."""

from alliance.knowledge.methodology import services
from alliance.knowledge.models import MethodologyStatus

CHAPTERS = (
    ("Principles", "Rehabilitation rests on individual assessment and a plan agreed with the "
                   "person where possible."),
    ("Motivation", "Refusal is expected and is not a reason to stop offering."),
)


def methodology(coordinator, *, writer=None, chapters=CHAPTERS, citations=(), approve=True,
                title="Common methodology"):
    """A methodology whose version 1 holds `chapters` (written by `writer`, the coordinator by
    default; the first cites `citations`), approved unless told."""
    m = services.methodology_create(actor=coordinator, title=title,
                                    description="Agreed in the regional working group.")
    v1 = m.versions.get()
    for n, (chapter_title, body) in enumerate(chapters):
        services.chapter_add(actor=writer or coordinator, version=v1, title=chapter_title,
                             body=body, citations=[e.uuid for e in citations] if n == 0 else [])
    if approve:
        services.version_approve(actor=coordinator, version=v1, expected_version=None)
    return m


def version(m, number):
    return m.versions.get(number=number)


def draft(m):
    return m.versions.filter(status=MethodologyStatus.DRAFT).first()


def with_draft(coordinator, **kwargs):
    """An approved version 1 and version 2 started from it (a draft)."""
    m = methodology(coordinator, **kwargs)
    services.version_start(actor=coordinator, methodology=m)
    return m
