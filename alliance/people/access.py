"""Who may see and do what with a person — the one way in to person-level data.

Visibility (need-to-know):
  * staff of the agency responsible for the person (the holding prison, or the supervising
    probation service) with a person-level role there;
  * members of the person's case team, whatever their agency — the only way across agencies.
Regional coordinators, data protection officers and system administrators hold no person-level
role and see no person.

Compartments: in the responsible prison, the security sector holds security, the treatment sector
holds treatment, and everyone holds identity and case team. A case-team member holds the scopes
given to them on the team. Lists and single objects come from the same function, so they cannot
drift (the Wagtail lesson).
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import NON_CASEWORK_ROLES, Role, Sector
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.models import AuditAction, AuditOutcome

from .models import CustodyEpisode, Person


class Action:
    VIEW = "view"
    EDIT = "edit"  # identity and details
    CLASSIFY = "classify"
    MANAGE_CUSTODY = "manage_custody"
    MANAGE_CASE = "manage_case"  # open or close the case, team, case manager, management level


# Roles that see the people their own agency is responsible for.
HOLDING_AGENCY_ROLES = {
    Role.SECURITY_OFFICER, Role.SECURITY_ANALYST, Role.TREATMENT_OFFICER, Role.CASE_MANAGER,
    Role.PRISON_MANAGER, Role.PROBATION_OFFICER,
}
# Roles in the holding agency that may change the record and run the case.
RECORD_KEEPER_ROLES = {Role.CASE_MANAGER, Role.PRISON_MANAGER, Role.PROBATION_OFFICER}

SECTOR_COMPARTMENTS = {
    Sector.SECURITY: {Compartment.SECURITY},
    Sector.TREATMENT: {Compartment.TREATMENT},
    Sector.MANAGEMENT: set(),
    "": set(),
}


@dataclass
class PersonAccess:
    """What one user holds for one person."""

    compartments: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    agency: object = None  # the agency through which access is granted (for the audit trail)

    @property
    def sees_identity(self) -> bool:
        return Compartment.IDENTITY in self.compartments

    def can(self, action: str) -> bool:
        return action in self.actions

    def __contains__(self, compartment: str) -> bool:
        return compartment in self.compartments


def holding_agency_ids(user) -> set[int]:
    return {g.agency_id for g in profile_for(user).grants_with(*HOLDING_AGENCY_ROLES)}


def persons_visible_to(user) -> QuerySet[Person]:
    """Every person the user may know exists. Lists, searches, exports and the API start here."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    from alliance.cases.models import CaseTeamMember

    on_team = CaseTeamMember.objects.filter(
        case__person=OuterRef("pk"), case__status="open", user=user, ended_at__isnull=True)
    return Person.objects.filter(
        Q(responsible_agency_id__in=holding_agency_ids(user)) | Exists(on_team)
    )


def open_team_scopes(user, person_ids=None) -> dict[int, set[str]]:
    """person id -> the scopes `user` holds on that person's open case team (one query)."""
    from alliance.cases.models import CaseTeamMember

    rows = CaseTeamMember.objects.filter(case__status="open", user=user, ended_at__isnull=True)
    if person_ids is not None:
        rows = rows.filter(case__person_id__in=person_ids)
    scopes: dict[int, set[str]] = {}
    for person_id, member_scopes in rows.values_list("case__person_id", "scopes"):
        scopes.setdefault(person_id, set()).update(member_scopes)
    return scopes


def identity_holders(user) -> Q:
    """A filter for the people whose identity compartment `user` holds: the same rule as
    `person_access` (staff of the holding agency, or a team member given the identity scope).
    Searching by name, alias or national ID is limited to these people, so that a search can
    never confirm whose record a reference-only user is looking at."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    on_team = [pid for pid, scopes in open_team_scopes(user).items()
               if Compartment.IDENTITY in scopes]
    return Q(responsible_agency_id__in=holding_agency_ids(user)) | Q(pk__in=on_team)


def _holding_grants(user, person) -> list:
    return [g for g in profile_for(user).grants_with(*HOLDING_AGENCY_ROLES)
            if g.agency_id == person.responsible_agency_id]


def _compartments(holding_grants, team_scopes) -> set[str]:
    """The one compartment rule: staff of the holding agency hold identity, the case team's
    share and their sector's compartment; a team member holds the share and their scopes."""
    compartments: set[str] = set()
    for grant in holding_grants:
        compartments |= {Compartment.IDENTITY, Compartment.CASE_TEAM}
        compartments |= SECTOR_COMPARTMENTS.get(grant.sector, set())
    if team_scopes is not None:
        compartments |= {Compartment.CASE_TEAM, *team_scopes}
    return compartments


def compartments_by_person(user, persons) -> dict[int, set[str]]:
    """person id -> the compartments `user` holds, for people already obtained through
    `persons_visible_to` (worklists): one query, whatever the number of rows."""
    team = open_team_scopes(user, [p.pk for p in persons])
    return {p.pk: _compartments(_holding_grants(user, p), team.get(p.pk)) for p in persons}


def person_access(user, person: Person) -> PersonAccess:
    """The compartments and actions `user` holds for `person` (empty when not visible)."""
    from alliance.cases.models import CaseTeamMember

    access = PersonAccess()
    holding = _holding_grants(user, person)
    for grant in holding:
        access.agency = access.agency or grant.agency
        access.actions.add(Action.VIEW)
        if grant.roles & RECORD_KEEPER_ROLES:
            access.actions |= {Action.EDIT, Action.CLASSIFY, Action.MANAGE_CUSTODY,
                               Action.MANAGE_CASE}
    memberships = list(CaseTeamMember.objects.filter(
        case__person=person, case__status="open", user=user, ended_at__isnull=True
    ).select_related("case", "agency"))
    scopes = set().union(*(m.scopes for m in memberships)) if memberships else None
    access.compartments = _compartments(holding, scopes)
    for member in memberships:
        access.agency = access.agency or member.agency
        access.actions.add(Action.VIEW)
        if member.case.case_manager_id == user.pk:
            # The case manager runs the case wherever they work (e.g. probation after release).
            access.actions |= {Action.EDIT, Action.CLASSIFY, Action.MANAGE_CASE}
    return access


def refuse(user, object_uuid, *, person=None, action: str, not_found: bool,
           object_type: str = "people.person"):
    """Log a refused access (who tried what on which object) and raise 404 or 403.

    When the object exists but is not visible, its person is named in the audit row (never in
    the answer, which is the same 404 either way), so that the DPO of that person's jurisdiction
    sees who tried to reach the record, whatever the agency of the one who tried."""
    if not_found and person is None:
        person = _person_behind(object_type, object_uuid)
    audit.record(
        actor=user, action=AuditAction.VIEW if action == Action.VIEW else AuditAction.CHANGE,
        object_type=object_type, object_uuid=str(object_uuid), person=person,
        outcome=AuditOutcome.DENIED, details={"requested": action},
    )
    exc = (Http404(_("No such person, or not one you may see.")) if not_found else
           PermissionDenied(_("You may see this person but not do that.")))
    exc.audited = True  # the middleware logs refusals that nobody logged before raising
    raise exc


def _person_behind(object_type: str, object_uuid):
    try:
        model = apps.get_model(object_type)
        obj = model.objects.filter(uuid=object_uuid).first()
    except (LookupError, ValidationError, ValueError):
        return None
    if obj is None:
        return None
    return obj if isinstance(obj, Person) else getattr(obj, "person", None)


def get_person_for_user(user, person_uuid, action: str = Action.VIEW, *, audit_read=True) -> Person:
    """The person, if visible to the user and the action allowed; 404 / 403 otherwise.

    A successful VIEW is logged as a consultation; refusals are logged too (repeated probing for
    people one may not see is exactly what a DPO needs to find).
    """
    person = (
        persons_visible_to(user)
        .select_related("jurisdiction", "responsible_agency")
        .filter(uuid=person_uuid)
        .first()
    )
    if person is None:
        refuse(user, person_uuid, action=action, not_found=True)
    access = person_access(user, person)
    if not access.can(action):
        refuse(user, person_uuid, person=person, action=action, not_found=False)
    person.access = access
    if action == Action.VIEW and audit_read:
        audit.record(actor=user, action=AuditAction.VIEW, obj=person, agency=access.agency)
    return person


def get_custody_episode_for_user(user, episode_uuid, action: str = Action.MANAGE_CUSTODY):
    """A custody episode through its person's access; same 404 / 403 rules."""
    episode = (
        CustodyEpisode.objects.filter(uuid=episode_uuid,
                                      person__in=persons_visible_to(user))
        .select_related("person", "person__jurisdiction", "facility", "unit")
        .first()
    )
    if episode is None:
        refuse(user, episode_uuid, action=action, not_found=True,
               object_type="people.custodyepisode")
    access = person_access(user, episode.person)
    if not access.can(action):
        refuse(user, episode_uuid, person=episode.person, action=action, not_found=False,
               object_type="people.custodyepisode")
    episode.person.access = access
    return episode


def can_create_person(user) -> bool:
    return bool(creatable_agencies(user))


def creatable_agencies(user) -> list:
    """Agencies in which the user may register a person (as the responsible agency)."""
    return [g.agency for g in profile_for(user).grants_with(*RECORD_KEEPER_ROLES)
            if g.agency.holds_people]


def can_have_caseload(user) -> bool:
    """Whether the user works with individual people at all (else lists are refused with 403)."""
    return bool(profile_for(user).roles - NON_CASEWORK_ROLES)


def require_caseload(user) -> None:
    if not can_have_caseload(user):
        raise PermissionDenied(_("Your role does not work with individual people."))


def can_view_aggregates(user) -> bool:
    """Regional coordinators (and managers) see anonymous aggregates, never persons."""
    return profile_for(user).has_role(Role.REGIONAL_COORDINATOR, Role.PRISON_MANAGER)
