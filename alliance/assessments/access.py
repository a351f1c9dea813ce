"""Assessments belong to the treatment compartment; their overall judgement and needs summary
are shared with the case team. Everything starts from the person's access (people/access.py)."""


from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.models import AuditAction
from alliance.people.access import Action, get_person_for_user, person_access, refuse

from .models import FINAL, Assessment, AssessmentStatus, Screening

# Managers who may countersign (in the agency responsible for the person).
COUNTERSIGN_ROLES = {Role.PRISON_MANAGER, Role.CASE_MANAGER}


class AssessmentAction:
    VIEW_SUMMARY = "view_summary"  # judgement, needs, dates: the case team's share
    VIEW = "view"  # everything: ratings, evidence, formulation
    EDIT = "edit"
    COUNTERSIGN = "countersign"
    CORRECT = "correct"  # open a correction of a countersigned assessment


def can_read_treatment(access) -> bool:
    return Compartment.TREATMENT in access.compartments


def can_countersign(user, person) -> bool:
    grants = profile_for(user).grants_with(*COUNTERSIGN_ROLES)
    return any(g.agency_id == person.responsible_agency_id for g in grants)


def due_detail(due, compartments) -> str:
    """The detail of a due reason, for holders of its source's compartment only (others see the
    reason's kind alone). `compartments` is a PersonAccess or a set of compartment codes."""
    # A detail recorded without a compartment (before compartments were kept) stays hidden.
    if due.detail and due.detail_compartment and due.detail_compartment in compartments:
        return due.detail
    return ""


def get_person_for_assessment_work(user, person_uuid):
    """The person, if the user holds the treatment compartment for them (404 / 403 otherwise)."""
    person = get_person_for_user(user, person_uuid, Action.VIEW, audit_read=False)
    if not can_read_treatment(person.access):
        refuse(user, person_uuid, person=person, action="assess", not_found=False)
    return person


def _participant_ids(assessment) -> set[int]:
    return {p.user_id for p in assessment.participants.all()}


def allowed_actions(user, assessment) -> set[str]:
    access = person_access(user, assessment.person)
    actions = set()
    if Action.VIEW in access.actions:
        actions.add(AssessmentAction.VIEW_SUMMARY)
    if can_read_treatment(access):
        actions.add(AssessmentAction.VIEW)
        if assessment.is_editable and user.pk in _participant_ids(assessment):
            actions.add(AssessmentAction.EDIT)
        if assessment.status == AssessmentStatus.COUNTERSIGNED:
            actions.add(AssessmentAction.CORRECT)
    # A manager reviews what was submitted to them (and the record afterwards), not drafts.
    if (assessment.status != AssessmentStatus.DRAFT and can_countersign(user, assessment.person)
            and user.pk not in _participant_ids(assessment)):
        actions.add(AssessmentAction.VIEW)
        if assessment.status == AssessmentStatus.SUBMITTED:
            actions.add(AssessmentAction.COUNTERSIGN)
    return actions


def assessments_visible_to(user, person):
    """A person's assessments that `user` may list (the person already obtained through
    people.access): all of them with the treatment compartment, else only final ones, whose
    judgement and needs are the case team's share."""
    qs = Assessment.objects.filter(person=person)
    if can_read_treatment(person_access(user, person)):
        return qs
    return qs.filter(status__in=FINAL)


def get_assessment_for_user(user, assessment_uuid, action: str = AssessmentAction.VIEW,
                            *, audit_read: bool = True) -> Assessment:
    """The assessment if its person is visible (else 404) and the action allowed (else 403).
    A full read is logged as a consultation of the person's treatment data."""
    from alliance.people.access import persons_visible_to

    assessment = (
        Assessment.objects.filter(uuid=assessment_uuid, person__in=persons_visible_to(user))
        .select_related("person__jurisdiction", "person__responsible_agency",
                        "instrument_version__instrument", "lead_assessor", "submitted_by",
                        "countersigned_by")
        .prefetch_related("participants__user").first()
    )
    if assessment is None:
        refuse(user, assessment_uuid, action=action, not_found=True,
               object_type="assessments.assessment")
    actions = allowed_actions(user, assessment)
    if action not in actions:
        refuse(user, assessment_uuid, person=assessment.person, action=action, not_found=False,
               object_type="assessments.assessment")
    assessment.actions = actions
    if action == AssessmentAction.VIEW and audit_read:
        audit.record(actor=user, action=AuditAction.VIEW, obj=assessment,
                     person=assessment.person)
    return assessment


def get_screening_for_user(user, screening_uuid) -> Screening:
    from alliance.people.access import persons_visible_to

    screening = (Screening.objects.filter(uuid=screening_uuid,
                                          person__in=persons_visible_to(user))
                 .select_related("person", "instrument_version__instrument", "screened_by")
                 .first())
    if screening is None:
        refuse(user, screening_uuid, action="view", not_found=True,
               object_type="assessments.screening")
    if not can_read_treatment(person_access(user, screening.person)):
        refuse(user, screening_uuid, person=screening.person, action="view", not_found=False,
               object_type="assessments.screening")
    audit.record(actor=user, action=AuditAction.VIEW, obj=screening, person=screening.person)
    return screening

