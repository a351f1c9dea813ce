"""Published recommendations, and where jurisdictions stand on them."""

from alliance.knowledge.models import EntryKind, EntryStatus
from alliance.knowledge.recommendations import services

from ..builders import entry


def recommendation(w, *, title="Separate the case manager from the security officer",
                   status=EntryStatus.PUBLISHED, **extra):
    """A recommendation of the regional programme (published unless `status` says)."""
    return entry(w.regional_coordinator, title=title, kind=EntryKind.RECOMMENDATION,
                 status=status, **extra)


def adopt(w, rec, jurisdiction, status="adopted", note="", actor=None):
    """Where `jurisdiction` stands on `rec`, set by the regional coordinator."""
    return services.adoption_set(actor=actor or w.regional_coordinator, entry=rec,
                                 jurisdiction=jurisdiction, status=status, note=note,
                                 expected_version=None)
