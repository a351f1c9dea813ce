"""Configuration and staff, not person-level: the published instrument versions (reference data
any signed-in user may read), the staff who may join an assessment as co-assessors, and the
staff of agencies (the accreditation overview)."""

from alliance.accounts.models import User
from alliance.people.access import person_grant

from ..access import can_read_treatment
from ..models import InstrumentVersion


def instrument_versions(kind: str = ""):
    """Published instrument versions: reference data any signed-in user may read."""
    versions = InstrumentVersion.objects.select_related("instrument", "loaded_by").order_by(
        "instrument__kind", "instrument__code", "-created_at")
    return versions.filter(instrument__kind=kind) if kind else versions


def instrument_version(uuid):
    return instrument_versions().filter(uuid=uuid).first()


def co_assessor_candidates(assessment) -> list:
    """Staff of the responsible agency who hold the treatment compartment for the person and are
    not already assessors."""
    taken = {p.user_id for p in assessment.participants.all()}
    users = User.objects.filter(is_active=True, memberships__is_active=True,
                                memberships__agency_id=assessment.person.responsible_agency_id
                                ).distinct()
    return [u for u in users if u.pk not in taken
            and can_read_treatment(person_grant(u, assessment.person))]


