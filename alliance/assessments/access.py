"""Assessments belong to the treatment compartment; a final assessment's judgement, dates and
needs are the case team's share; a manager of the responsible agency reviews what is submitted
to them. Two policies (core/policy.py), each stating its rules once for the list filter and the
object check: assessments and screenings. Everything starts from the person's policy.
"""

from django.db.models import Q, QuerySet

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core import audit
from alliance.core.compartments import Compartment, DataCategory
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.people.access import (
    Action,
    compartment_holders,
    get_person_for_user,
    person_grant,
    person_scope,
    refuse,
    sees_with,
    visible_condition,
)

from .labels import due_detail_text
from .models import FINAL, Assessment, AssessmentStatus, Screening

# Managers who may countersign (in the agency responsible for the person).
COUNTERSIGN_ROLES = {Role.PRISON_MANAGER, Role.CASE_MANAGER}


class AssessmentAction:
    VIEW_SUMMARY = "view_summary"  # judgement, needs, dates: the case team's share
    VIEW = "view"  # everything: ratings, evidence, formulation
    EDIT = "edit"
    COUNTERSIGN = "countersign"
    CORRECT = "correct"  # open a correction of a countersigned assessment


def can_read_treatment(grant) -> bool:
    return Compartment.TREATMENT in grant.compartments


def countersign_agency_ids(user) -> set[int]:
    return {g.agency_id for g in profile_for(user).grants_with(*COUNTERSIGN_ROLES)}


def can_countersign(user, person) -> bool:
    return person.responsible_agency_id in countersign_agency_ids(user)


class AssessmentPolicy:
    """Who sees an assessment, as a filter and as a grant:
      * a holder of the person's treatment compartment: all of them, in full;
      * a manager of the responsible agency: what was submitted to them and the record after,
        in full, unless they are one of its assessors;
      * anyone else who sees the person: final ones, as a summary."""

    object_type = "assessments.assessment"

    def visible(self, user) -> QuerySet[Assessment]:
        reviewed = (Q(person__responsible_agency_id__in=countersign_agency_ids(user))
                    & ~Q(status=AssessmentStatus.DRAFT) & ~Q(participants__user=user))
        return Assessment.objects.filter(visible_condition(user, "person__")).filter(
            compartment_holders(user, Compartment.TREATMENT, "person__")
            | (Q(status__in=FINAL)
               & compartment_holders(user, DataCategory.ASSESSMENT_SUMMARY, "person__"))
            | reviewed)

    def for_person(self, user, person) -> QuerySet[Assessment]:
        """`visible(user).filter(person=person)`, the person's part decided in memory."""
        mine = Assessment.objects.filter(person_scope(user, person))
        if not sees_with(user, person) or sees_with(user, person, Compartment.TREATMENT):
            return mine
        shown = Q(pk__in=[])
        if sees_with(user, person, DataCategory.ASSESSMENT_SUMMARY):
            shown |= Q(status__in=FINAL)
        if person.responsible_agency_id in countersign_agency_ids(user):
            shown |= ~Q(status=AssessmentStatus.DRAFT) & ~Q(participants__user=user)
        return mine.filter(shown)

    def grant(self, user, assessment) -> Grant:
        return self.grant_on_person(user, assessment, person_grant(user, assessment.person))

    def grant_on_person(self, user, assessment, person: Grant) -> Grant:
        """The grant, given the user's grant on the assessment's person (lists of one person's
        assessments compute that once)."""
        if not person.can(Action.VIEW):
            return NO_GRANT
        participants = {p.user_id for p in assessment.participants.all()}
        full = can_read_treatment(person)
        reviewer = (assessment.status != AssessmentStatus.DRAFT
                    and can_countersign(user, assessment.person)
                    and user.pk not in participants)
        actions = set()
        summary = DataCategory.ASSESSMENT_SUMMARY in person.compartments
        if (assessment.status in FINAL and summary) or full or reviewer:
            actions.add(AssessmentAction.VIEW_SUMMARY)
        if full or reviewer:
            actions.add(AssessmentAction.VIEW)
        if full and assessment.is_editable and user.pk in participants:
            actions.add(AssessmentAction.EDIT)
        if full and assessment.status == AssessmentStatus.COUNTERSIGNED:
            actions.add(AssessmentAction.CORRECT)
        if reviewer and assessment.status == AssessmentStatus.SUBMITTED:
            actions.add(AssessmentAction.COUNTERSIGN)
        return Grant(person.compartments, frozenset(actions), person.agency)

    def person_of(self, assessment):
        return assessment.person


class ScreeningPolicy:
    """Screenings are the treatment compartment's, whole."""

    object_type = "assessments.screening"

    def visible(self, user) -> QuerySet[Screening]:
        return Screening.objects.filter(visible_condition(user, "person__")).filter(
            compartment_holders(user, Compartment.TREATMENT, "person__"))

    def for_person(self, user, person) -> QuerySet[Screening]:
        """`visible(user).filter(person=person)`, the person's part decided in memory."""
        return Screening.objects.filter(person_scope(user, person, Compartment.TREATMENT))

    def grant(self, user, screening) -> Grant:
        person = person_grant(user, screening.person)
        if not can_read_treatment(person):
            return NO_GRANT
        return Grant(person.compartments, frozenset({"view"}), person.agency)

    def person_of(self, screening):
        return screening.person


assessments = AssessmentPolicy()
screenings = ScreeningPolicy()


def allowed_actions(user, assessment) -> frozenset[str]:
    """What `user` may do with `assessment` (services re-check with it)."""
    return assessments.grant(user, assessment).actions


def due_detail(due, compartments, person) -> str:
    """The detail of a due reason in the reader's language, for holders of its source's
    compartment only (others see the reason's kind alone). `compartments` is a Grant or a set
    of compartment codes; `person` the due's person (whose jurisdiction names its indicators)."""
    # A detail recorded without a compartment (before compartments were kept) stays hidden.
    if due.detail and due.detail_compartment and due.detail_compartment in compartments:
        return due_detail_text(due.detail, due.detail_params, person.jurisdiction_id)
    return ""


def get_person_for_assessment_work(user, person_uuid):
    """The person and grant, if the user holds the treatment compartment (404 / 403)."""
    person, grant = get_person_for_user(user, person_uuid, Action.VIEW)
    if not can_read_treatment(grant):
        refuse(user, person_uuid, person=person, action="assess", not_found=False,
               object_type="people.person")
    return person, grant


def get_assessment_for_user(user, assessment_uuid, action: str = AssessmentAction.VIEW
                            ) -> tuple[Assessment, Grant]:
    """The assessment and the grant, if visible (else 404) and the action allowed (else 403)."""
    assessment, grant = get_for_user(
        assessments, user, assessment_uuid, action,
        queryset=Assessment.objects.select_related(
            "person__jurisdiction", "person__responsible_agency",
            "instrument_version__instrument", "lead_assessor", "submitted_by",
            "countersigned_by").defer("instrument_version__definition").prefetch_related("participants__user"))
    audit.consulted(actor=user, obj=assessment, agency=grant.agency)
    return assessment, grant


def get_screening_for_user(user, screening_uuid) -> tuple[Screening, Grant]:
    screening, grant = get_for_user(
        screenings, user, screening_uuid, "view",
        queryset=Screening.objects.select_related("person", "instrument_version__instrument",
                                                  "screened_by").defer("instrument_version__definition"))
    audit.consulted(actor=user, obj=screening, agency=grant.agency)
    return screening, grant
