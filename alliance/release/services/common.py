"""What every release service shares: the permission check, the agencies a person's work may
fall to, the jurisdiction's settings and its step templates."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from alliance.cases.selectors import current_team, open_case
from alliance.core.text import checked_text as clean_text  # noqa: F401 - the services import it from here
from alliance.people.access import person_grant

from ..access import ReleaseAction, release_grant
from ..models import ReleaseSettings, StepTemplate


def require(actor, person, action: str = ReleaseAction.WORK):
    """Re-check, inside the service, that `actor` may do `action` on the person's release."""
    if not release_grant(actor, person, person_grant(actor, person)).can(action):
        raise PermissionDenied(_("You are not allowed to do this for this person."))


def settings_for(jurisdiction) -> ReleaseSettings:
    """The jurisdiction's release settings, created with the defaults when first needed."""
    found = ReleaseSettings.objects.filter(jurisdiction=jurisdiction).first()
    if found is None:
        found, _created = ReleaseSettings.objects.get_or_create(jurisdiction=jurisdiction)
    return found


def templates_for(jurisdiction) -> list[StepTemplate]:
    """The jurisdiction's pre-release programme: the regional steps, each replaced by the
    jurisdiction's row with the same code if it has one, plus its own; those in use, in
    order."""
    rows = StepTemplate.objects.filter(jurisdiction__isnull=True) | StepTemplate.objects.filter(
        jurisdiction=jurisdiction)
    by_code: dict[str, StepTemplate] = {}
    for row in rows.order_by("jurisdiction_id"):
        # Whichever comes first (NULL sorts first on SQLite, last on PostgreSQL), a regional
        # row never replaces the jurisdiction's own.
        if row.jurisdiction_id is None and row.code in by_code:
            continue
        by_code[row.code] = row
    chosen = [t for t in by_code.values() if t.is_active]
    return sorted(chosen, key=lambda t: (t.order, -t.lead_months, -t.lead_days, t.code))


def team_agencies(person) -> list:
    """The agencies of the current members of the person's open case team, in the order they
    joined."""
    seen, agencies = set(), []
    for member in current_team(open_case(person)):
        if member.agency_id not in seen:
            seen.add(member.agency_id)
            agencies.append(member.agency)
    return agencies


def check_agency(person, agency, field: str = "agency") -> None:
    """Work about a person falls to the agency responsible for them or to one on their case
    team: anything else is refused with the reason."""
    if agency is None:
        raise ValidationError({field: _("Choose the responsible agency.")})
    if agency.pk != person.responsible_agency_id and agency.pk not in {
            a.pk for a in team_agencies(person)}:
        raise ValidationError({field: _(
            "%(agency)s is neither responsible for %(reference)s nor on their case team. Add "
            "someone from it to the case team first.") % {"agency": agency,
                                                          "reference": person.reference}})


def not_in_future(value, field: str, today) -> None:
    if value is not None and value > today:
        raise ValidationError({field: _("This date is in the future: enter today or an earlier day.")})


def short(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")
