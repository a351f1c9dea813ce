"""Entries written and moved through the workflow by the services, as the pages and the API
do, for the entries' own tests."""

from django.urls import reverse

from alliance.knowledge.entries import services
from alliance.knowledge.models import EntryKind, TargetGroup, Theme

TITLE = "Motivational interviewing in the high-security wing"
DESCRIPTION = "Short weekly conversations built trust with prisoners who refused programmes."


def write(author, *, jurisdiction, title=TITLE, description=DESCRIPTION, language="en",
          kind=EntryKind.GOOD_PRACTICE, themes=(Theme.MOTIVATION,), findings="", **extra):
    """A draft by `author` (the service, as the page calls it)."""
    return services.entry_create(actor=author, kind=kind, jurisdiction=jurisdiction,
                                 target_group=TargetGroup.VEP, language=language, title=title,
                                 description=description, findings=findings, themes=themes,
                                 **extra)


def submitted(w, **kwargs):
    """A J1 draft by treatment A, submitted for review."""
    entry = write(w.treatment_a, jurisdiction=w.j1, **kwargs)
    return services.entry_submit(actor=w.treatment_a, entry=entry, expected_version=None)


def reviewed(w, **kwargs):
    """A J1 entry by treatment A, reviewed by editor J1."""
    return services.entry_review(actor=w.editor_j1, entry=submitted(w, **kwargs),
                                 expected_version=None)


def published(w, **kwargs):
    """A J1 entry by treatment A, reviewed by editor J1 and published by the coordinator."""
    return services.entry_publish(actor=w.regional_coordinator, entry=reviewed(w, **kwargs),
                                  expected_version=None)


def page(name, entry, *args):
    return reverse(f"knowledge:{name}", args=[entry.uuid, *args])


def api(name, entry, *args):
    return reverse(f"api:{name}", args=[entry.uuid, *args])
