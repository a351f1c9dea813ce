"""Every write to cases and case teams: atomic, permission re-checked, audited, on the timeline."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.models import NON_CASEWORK_ROLES, Membership, Role
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.organisations.agreements import categories_between
from alliance.people import timeline
from alliance.people.access import Action, person_grant

from .models import (
    ALLOWED_TRANSITIONS,
    Case,
    CaseStatus,
    CaseTeamMember,
    LevelReason,
    ManagementLevelChange,
)


def _require(user, person, action=Action.MANAGE_CASE):
    if not person_grant(user, person).can(action):
        raise PermissionDenied(_("You are not allowed to manage this case."))


def eligible_memberships(person):
    """Memberships whose holder may join this person's case team: active staff of an agency in
    the person's jurisdiction with a case-work role."""
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True,
                                  agency__is_active=True,
                                  agency__jurisdiction_id=person.jurisdiction_id)
        .select_related("user", "agency").order_by("agency__name", "user__last_name")
    )
    return [m for m in memberships if set(m.roles) - NON_CASEWORK_ROLES]


def _lock(case, expected_version):
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    check_version(case, expected_version)
    return case


@transaction.atomic
def case_open(*, actor, person, case_manager=None) -> Case:
    """Open the person's case (one open case per person)."""
    _require(actor, person)
    if Case.objects.filter(person=person, status=CaseStatus.OPEN).exists():
        raise ValidationError(_("This person already has an open case."))
    case = Case.objects.create(person=person, opened_at=timezone.now(),
                               case_manager=case_manager or actor)
    ManagementLevelChange.objects.create(case=case, level=case.management_level,
                                         reason_code=LevelReason.CASE_OPENED, decided_by=actor,
                                         decided_at=case.opened_at)
    timeline.add(person=person, kind="case_opened", compartment=Compartment.CASE_TEAM,
                 actor=actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=case, person=person)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, reason: str, expected_version: int | None) -> Case:
    _require(actor, case.person)
    case = _lock(case, expected_version)
    if CaseStatus.CLOSED not in ALLOWED_TRANSITIONS[CaseStatus(case.status)]:
        raise ValidationError(_("This case is already closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for closing the case.")})
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.closing_reason = reason.strip()
    case.version += 1
    case.save()
    timeline.add(person=case.person, kind="case_closed", compartment=Compartment.CASE_TEAM,
                 actor=actor)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=case, person=case.person,
                 details={"fields": ["status"], "to": "closed"})
    return case


@transaction.atomic
def case_set_manager(*, actor, case: Case, case_manager, expected_version: int | None) -> Case:
    """Name the case manager; they join the team if they are not on it yet."""
    _require(actor, case.person)
    case = _lock(case, expected_version)
    membership = next((m for m in eligible_memberships(case.person) if m.user_id ==
                       case_manager.pk), None)
    if membership is None:
        raise ValidationError({"case_manager": _(
            "The case manager must work for an agency of the person's jurisdiction.")})
    case.case_manager = case_manager
    case.version += 1
    case.save()
    if not case.team.filter(user=case_manager, ended_at__isnull=True).exists() and (
            membership.agency_id != case.person.responsible_agency_id):
        _add_member(actor=actor, case=case, membership=membership,
                    team_role=str(_("Case manager")), scopes=[Compartment.IDENTITY])
    timeline.add(person=case.person, kind="case_manager_changed",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"name": str(case_manager)})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=case, person=case.person,
                 details={"fields": ["case_manager"], "case_manager": case_manager.username})
    return case


def _add_member(*, actor, case, membership, team_role, scopes, authorised_by=None):
    member = CaseTeamMember.objects.create(
        case=case, user=membership.user, agency=membership.agency, team_role=team_role,
        scopes=sorted(set(scopes)), added_at=timezone.now(), added_by=actor)
    timeline.add(person=case.person, kind="team_member_added", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"name": str(membership.user),
                                      "agency": membership.agency.name})
    details = {"member": membership.user.username, "agency": membership.agency.name,
               "scopes": member.scopes}
    if authorised_by is not None and authorised_by.pk != actor.pk:
        details["authorised_by"] = authorised_by.username
    audit.record(actor=actor, action=AuditAction.CREATE, obj=member, person=case.person,
                 details=details)
    return member


def _check_agreement(person, agency, scopes) -> None:
    """A member from another agency than the responsible one sees only what an agreement in
    force lets their agency receive (the gate, people/access.py): adding one who would see
    nothing, or giving a scope no agreement covers, is refused with the reason."""
    if agency.pk == person.responsible_agency_id:
        return
    allowed = categories_between(person.responsible_agency_id, agency.pk)
    if Compartment.CASE_TEAM not in allowed:
        raise ValidationError({"membership": _(
            "No information-sharing agreement in force lets %(agency)s receive the case team's "
            "share from %(responsible)s: this member would see nothing. Ask your data "
            "protection officer.") % {"agency": agency.name,
                                      "responsible": person.responsible_agency.name}})
    labels = dict(Compartment.choices)
    uncovered = [str(labels.get(s, s)) for s in scopes if s not in allowed]
    if uncovered:
        raise ValidationError({"scopes": _(
            "The agreement with %(agency)s does not cover: %(scopes)s. Leave it out, or ask your "
            "data protection officer.") % {"agency": agency.name, "scopes": "; ".join(uncovered)}})


@transaction.atomic
def team_member_add(*, actor, case: Case, membership: Membership, team_role: str,
                    scopes: list[str], authorised_by=None) -> CaseTeamMember:
    """Add a named member from any agency of the jurisdiction, with what they may see.

    `authorised_by`: the one who may manage the case and asked for the change, when someone
    else makes it (a referral's receiving agency adds its worker, as the referral asked); the
    permission is theirs, the audit trail and the timeline name both."""
    _require(authorised_by or actor, case.person)
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("The case is closed."))
    if membership.pk not in {m.pk for m in eligible_memberships(case.person)}:
        raise ValidationError({"membership": _(
            "Only staff of an agency in the person's jurisdiction can join the team.")})
    if case.team.filter(user=membership.user, ended_at__isnull=True).exists():
        raise ValidationError({"membership": _("This person is already on the team.")})
    unknown = set(scopes) - set(Compartment.values)
    if unknown:
        raise ValidationError({"scopes": _("Unknown compartment.")})
    if Compartment.SECURITY in scopes and not {Role.SECURITY_OFFICER, Role.SECURITY_ANALYST,
                                                 Role.PRISON_MANAGER} & set(membership.roles):
        raise ValidationError({"scopes": _(
            "Security material can only be shared with security staff or a prison manager.")})
    if not team_role.strip():
        raise ValidationError({"team_role": _("Say what this member does in the team.")})
    _check_agreement(case.person, membership.agency, scopes)
    return _add_member(actor=actor, case=case, membership=membership, team_role=team_role.strip(),
                       scopes=scopes, authorised_by=authorised_by)


@transaction.atomic
def team_member_end(*, actor, member: CaseTeamMember) -> CaseTeamMember:
    """Take a member off the team; they lose access at once (the history stays)."""
    _require(actor, member.case.person)
    member = CaseTeamMember.objects.select_for_update().select_related(
        "case__person", "user", "agency").get(pk=member.pk)
    if member.ended_at:
        raise ValidationError(_("This member has already left the team."))
    if member.case.case_manager_id == member.user_id:
        raise ValidationError(_("Name another case manager before removing this one."))
    member.ended_at = timezone.now()
    member.ended_by = actor
    member.save()
    timeline.add(person=member.case.person, kind="team_member_removed",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"name": str(member.user), "agency": member.agency.name})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=member, person=member.case.person,
                 details={"fields": ["ended_at"], "member": member.user.username})
    return member


@transaction.atomic
def management_level_set(*, actor, case: Case, level: str, reason: str, review_due=None,
                         expected_version: int | None) -> Case:
    """Decide the management level, with the reason and the date of the next review."""
    _require(actor, case.person)
    case = _lock(case, expected_version)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    if review_due and review_due < timezone.localdate():
        raise ValidationError({"review_due": _("The next review cannot be in the past.")})
    previous = case.management_level
    case.management_level = level
    case.management_level_review_due = review_due
    case.version += 1
    case.full_clean()
    case.save()
    ManagementLevelChange.objects.create(case=case, previous=previous, level=level,
                                         reason=reason.strip(), decided_by=actor,
                                         decided_at=timezone.now(), review_due=review_due)
    timeline.add(person=case.person, kind="management_level_changed",
                 compartment=Compartment.CASE_TEAM, actor=actor, params={"level": level})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=case, person=case.person,
                 details={"fields": ["management_level"], "from": previous, "to": level})
    return case
