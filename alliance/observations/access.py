"""Who sees and does what with dynamic-security material (the core/policy.py shape: one rule for
the list filter and the object check). Everything starts from the person's policy
(people/access.py) and its compartments.

* **Raw material** (observations, addenda, links, analyses): the holders of the person's security
  compartment, i.e. the security sector of the agency responsible for them, and case-team members
  given the security scope. Treatment staff, other case-team members, regional coordinators,
  administrators and DPOs never see it (the DPO sees the audit of it).
* **Recording**: any member of staff of the prison responsible for the person (whatever their
  sector: dynamic security is everyone's), and case-team members with the security scope. An
  observer who does not hold the security compartment sees their own entries' status (and may
  correct them before review, add an addendum after) but nobody else's.
* **Analysts** (the security analyst role in the security sector of the responsible agency)
  review, link, archive, write analyses, share summaries and export a person's material.
* **Shared summaries** reach their recipients (named members, or holders of a role, among those
  who hold the person's case-team share) while in date and not withdrawn; the security side
  reads every summary of its people.
"""

from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Membership, Role, Sector
from alliance.core import audit
from alliance.core.compartments import Compartment, DataCategory
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.organisations.models import AgencyType
from alliance.people.access import (
    HOLDING_AGENCY_ROLES,
    Action,
    compartment_holders,
    get_person_for_user,
    open_team_scopes,
    person_grant,
    person_scope,
    refuse,
    sees_with,
    visible_condition,
)

from .models import Analysis, Observation, ObservationStatus, Recipient, SharedSummary


class SecurityAction:
    """What may be done with a person's security material as a whole."""

    VIEW = "view"  # raw material: the security compartment
    RECORD = "record"  # record an observation
    ANALYSE = "analyse"  # analyses, shared summaries, export


class ObservationAction:
    VIEW = "view"
    EDIT = "edit"  # its author, until it is reviewed
    ADDENDUM = "addendum"  # its author, or an analyst, once it is reviewed
    REVIEW = "review"  # an analyst: mark read (new observations)
    LINK = "link"  # an analyst: link to another, archive (reviewed observations)
    ARCHIVE = "archive"


class SummaryAction:
    VIEW = "view"
    WITHDRAW = "withdraw"  # an analyst, while it is in force


# --- the rules, stated once ----------------------------------------------------------------------

def analyst_agency_ids(user) -> set[int]:
    """Agencies whose people's security material `user` analyses."""
    return {g.agency_id for g in profile_for(user).grants_with(Role.SECURITY_ANALYST)
            if g.sector == Sector.SECURITY}


def security_agency_ids(user) -> set[int]:
    """Agencies where `user` is on the security side (the dashboard, the review queue)."""
    return {g.agency_id for g in profile_for(user).grants_with(*HOLDING_AGENCY_ROLES)
            if g.sector == Sector.SECURITY}


def _recording_agency_ids(user) -> set[int]:
    return {g.agency_id for g in profile_for(user).grants_with(*HOLDING_AGENCY_ROLES)
            if g.agency_type == AgencyType.PRISON}


def _security_team_person_ids(user) -> list[int]:
    return sorted(pid for pid, scopes in open_team_scopes(user).items()
                  if Compartment.SECURITY in scopes)


def holds_security(grant: Grant) -> bool:
    return Compartment.SECURITY in grant.compartments


def security_holders(user, via: str = "person__") -> Q:
    """The people whose security compartment `user` holds, as a filter through `via`."""
    return visible_condition(user, via) & compartment_holders(user, Compartment.SECURITY, via)


def recorder_condition(user, via: str = "person__") -> Q:
    """The people `user` may record observations about, as a filter."""
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{via}pk__in": []})
    return (Q(**{f"{via}responsible_agency_id__in": sorted(_recording_agency_ids(user))})
            | Q(**{f"{via}pk__in": _security_team_person_ids(user)}))


def security_grant(user, person, grant: Grant) -> Grant:
    """What `user` may do with the person's security material, given their grant on the person."""
    if not grant.can(Action.VIEW):
        return NO_GRANT
    actions = set()
    if (person.responsible_agency_id in _recording_agency_ids(user)
            or person.pk in _security_team_person_ids(user)):
        actions.add(SecurityAction.RECORD)
    if holds_security(grant):
        actions.add(SecurityAction.VIEW)
        if person.responsible_agency_id in analyst_agency_ids(user):
            actions.add(SecurityAction.ANALYSE)
    return Grant(grant.compartments, frozenset(actions), grant.agency)


def is_analyst_for(user, person) -> bool:
    return person.responsible_agency_id in analyst_agency_ids(user)


# --- observations --------------------------------------------------------------------------------

class ObservationPolicy:
    object_type = "observations.observation"

    def visible(self, user) -> QuerySet[Observation]:
        """The security side's observations, and the user's own (their status, for feedback)."""
        return Observation.objects.filter(
            security_holders(user) | (visible_condition(user, "person__")
                                      & Q(recorded_by_id=user.pk)))

    def grant(self, user, observation) -> Grant:
        return self.grant_on_person(user, observation, person_grant(user, observation.person))

    def grant_on_person(self, user, observation, person: Grant) -> Grant:
        security = security_grant(user, observation.person, person)
        own = observation.recorded_by_id == user.pk
        actions = set()
        if security.can(SecurityAction.VIEW):
            actions.add(ObservationAction.VIEW)
        elif not own:
            return NO_GRANT
        may_record = security.can(SecurityAction.RECORD)
        if observation.status == ObservationStatus.NEW:
            if own and may_record:
                actions.add(ObservationAction.EDIT)
            if security.can(SecurityAction.ANALYSE):
                actions.add(ObservationAction.REVIEW)
        else:
            if (own and may_record) or security.can(SecurityAction.ANALYSE):
                actions.add(ObservationAction.ADDENDUM)
            if security.can(SecurityAction.ANALYSE) \
                    and observation.status != ObservationStatus.ARCHIVED:
                actions |= {ObservationAction.LINK, ObservationAction.ARCHIVE}
        return Grant(person.compartments, frozenset(actions), person.agency)

    def person_of(self, observation):
        return observation.person


class AnalysisPolicy:
    object_type = "observations.analysis"

    def visible(self, user) -> QuerySet[Analysis]:
        return Analysis.objects.filter(security_holders(user))

    def grant(self, user, analysis) -> Grant:
        security = security_grant(user, analysis.person, person_grant(user, analysis.person))
        if not security.can(SecurityAction.VIEW):
            return NO_GRANT
        actions = {ObservationAction.VIEW}
        if security.can(SecurityAction.ANALYSE) and analysis.author_id == user.pk:
            actions.add(ObservationAction.EDIT)
        return Grant(security.compartments, frozenset(actions), security.agency)

    def person_of(self, analysis):
        return analysis.person


# --- shared summaries ----------------------------------------------------------------------------

def addressed_to(user) -> Q:
    """Summaries addressed to `user`: by name, or to a role they hold."""
    roles = sorted(profile_for(user).roles)
    return Q(pk__in=Recipient.objects.filter(Q(user_id=user.pk) | Q(role__in=roles))
             .values("summary_id"))


def in_force(today=None) -> Q:
    return Q(withdrawn_at__isnull=True, expires_on__gte=today or timezone.localdate())


def is_addressed(user, summary) -> bool:
    roles = profile_for(user).roles
    return any(r.user_id == user.pk or (r.role and r.role in roles)
               for r in summary.recipients.all())


class SharedSummaryPolicy:
    object_type = "observations.sharedsummary"

    def visible(self, user) -> QuerySet[SharedSummary]:
        received = (visible_condition(user, "person__")
                    & compartment_holders(user, DataCategory.SECURITY_SUMMARY, "person__")
                    & addressed_to(user) & in_force())
        return SharedSummary.objects.filter(security_holders(user) | received)

    def for_person(self, user, person) -> QuerySet[SharedSummary]:
        """`visible(user).filter(person=person)`, the person's part decided in memory."""
        mine = SharedSummary.objects.filter(person_scope(user, person))
        if sees_with(user, person, Compartment.SECURITY):
            return mine
        if not sees_with(user, person, DataCategory.SECURITY_SUMMARY):
            return mine.none()
        return mine.filter(addressed_to(user) & in_force())

    def grant(self, user, summary) -> Grant:
        person = person_grant(user, summary.person)
        security = security_grant(user, summary.person, person)
        if security.can(SecurityAction.VIEW):
            actions = {SummaryAction.VIEW}
            if security.can(SecurityAction.ANALYSE) and summary.withdrawn_at is None \
                    and summary.expires_on >= timezone.localdate():
                actions.add(SummaryAction.WITHDRAW)
            return Grant(person.compartments, frozenset(actions), person.agency)
        if (person.can(Action.VIEW) and DataCategory.SECURITY_SUMMARY in person.compartments
                and summary.withdrawn_at is None and summary.expires_on >= timezone.localdate()
                and is_addressed(user, summary)):
            return Grant(person.compartments, frozenset({SummaryAction.VIEW}), person.agency)
        return NO_GRANT

    def person_of(self, summary):
        return summary.person


observations = ObservationPolicy()
analyses = AnalysisPolicy()
summaries = SharedSummaryPolicy()


# --- the one way in ------------------------------------------------------------------------------

def get_person_for_security(user, person_uuid, action: str = SecurityAction.VIEW):
    """The person and the user's security grant (404 not visible; 403 without the action)."""
    person, grant = get_person_for_user(user, person_uuid, Action.VIEW)
    security = security_grant(user, person, grant)
    if not security.can(action):
        refuse(user, person_uuid, person=person, action=f"security:{action}", not_found=False,
               object_type="people.person")
    return person, security


def get_observation_for_user(user, observation_uuid, action: str = ObservationAction.VIEW):
    observation, grant = get_for_user(
        observations, user, observation_uuid, action,
        queryset=Observation.objects.select_related(
            "person__jurisdiction", "person__responsible_agency", "facility", "unit",
            "recorded_by", "reviewed_by"))
    audit.consulted(actor=user, obj=observation, agency=grant.agency)
    return observation, grant


def get_observation_to_correct(user, observation_uuid):
    """The observation, with the right its state calls for: corrected directly while new, by an
    addendum once reviewed (the pages send the user to the one that applies; the API's edit of a
    reviewed one is answered with the reason). 404 when not visible, 403 without that right."""
    status = (observations.visible(user).filter(uuid=observation_uuid)
              .values_list("status", flat=True).first())
    action = (ObservationAction.EDIT if status == ObservationStatus.NEW
              else ObservationAction.ADDENDUM)
    return get_observation_for_user(user, observation_uuid, action)


def get_analysis_for_user(user, analysis_uuid, action: str = ObservationAction.VIEW):
    analysis, grant = get_for_user(
        analyses, user, analysis_uuid, action,
        queryset=Analysis.objects.select_related("person__jurisdiction",
                                                 "person__responsible_agency", "author"))
    audit.consulted(actor=user, obj=analysis, agency=grant.agency)
    return analysis, grant


def get_summary_for_user(user, summary_uuid, action: str = SummaryAction.VIEW):
    """A shared summary: 404 when not visible, except to one of its recipients after it expired
    or was withdrawn, who is told so (403 with the date)."""
    lapsed = (SharedSummary.objects.filter(uuid=summary_uuid).filter(addressed_to(user))
              .filter(visible_condition(user, "person__")).exclude(in_force())
              .exclude(security_holders(user)).select_related("person").first())
    if lapsed is not None:
        when = formats.date_format(lapsed.expires_on, "SHORT_DATE_FORMAT")
        message = (_("This summary was withdrawn by the security sector.")
                   if lapsed.withdrawn_at else
                   _("This summary was shared with you until %(date)s; it has expired. Ask the "
                     "security analyst if you still need it.") % {"date": when})
        refuse(user, summary_uuid, action=action, not_found=False, person=lapsed.person,
               object_type=summaries.object_type, message=message)
    summary, grant = get_for_user(
        summaries, user, summary_uuid, action,
        queryset=SharedSummary.objects.select_related(
            "person__jurisdiction", "person__responsible_agency", "shared_by", "agency",
            "analysis").prefetch_related("recipients__user"))
    audit.consulted(actor=user, obj=summary, agency=grant.agency)
    return summary, grant


# --- across people -------------------------------------------------------------------------------

def can_record_anywhere(user) -> bool:
    """Staff with a person-level role in a prison record observations (dynamic security is
    everyone's there: recorder_condition) and follow them on "My observations"."""
    return bool(_recording_agency_ids(user))


def can_use_security_pages(user) -> bool:
    """The dashboard and the review queue: the security side of a prison."""
    return bool(security_agency_ids(user))


def security_lead_ids(agency) -> list[int]:
    """The facility's security lead: its prison managers in the security sector, else its
    analysts (users' ids, active memberships only)."""
    members = list(Membership.objects.filter(agency=agency, is_active=True, user__is_active=True,
                                             sector=Sector.SECURITY)
                   .values_list("user_id", "roles"))
    leads = sorted(uid for uid, roles in members if Role.PRISON_MANAGER in roles)
    return leads or sorted(uid for uid, roles in members if Role.SECURITY_ANALYST in roles)
