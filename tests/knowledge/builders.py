"""Knowledge entries built straight in the database, in any status, for the tests of the areas
that use entries (meetings, recommendations, the methodology). The entries' own tests go through
the services (tests/knowledge/entries/)."""

from django.utils import timezone

from alliance.knowledge.entries.search import document_for
from alliance.knowledge.models import (
    EntryKind,
    EntryStatus,
    EntryText,
    EntryTheme,
    KnowledgeEntry,
    TargetGroup,
    Theme,
)


def entry(author, *, title="Motivational interviewing in the high-security wing",
          status=EntryStatus.PUBLISHED, kind=EntryKind.GOOD_PRACTICE, jurisdiction=None,
          language="en", description="Short weekly conversations built trust.",
          findings="", themes=(Theme.MOTIVATION,), reviewer=None, publisher=None,
          **extra) -> KnowledgeEntry:
    now = timezone.now()
    fields = {"kind": kind, "status": status, "jurisdiction": jurisdiction,
              "target_group": TargetGroup.VEP, "original_language": language, "author": author}
    if status != EntryStatus.DRAFT:
        fields |= {"submitted_at": now, "reviewed_by": reviewer or author, "reviewed_at": now}
    if status in (EntryStatus.PUBLISHED, EntryStatus.WITHDRAWN):
        fields |= {"published_by": publisher or author, "published_at": now}
    fields.update(extra)
    e = KnowledgeEntry.objects.create(**fields)
    EntryText.objects.create(entry=e, language=language, title=title, description=description,
                             findings=findings, written_by=author)
    for theme in themes:
        EntryTheme.objects.create(entry=e, theme=theme)
    e.search_document = document_for(e)
    e.save(update_fields=["search_document"])
    return e
