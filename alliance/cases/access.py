"""Cases are seen through their person: the same visibility and compartments (people/access.py)."""

from django.db.models import QuerySet

from alliance.people.access import Action, person_access, persons_visible_to, refuse

from .models import Case


def cases_visible_to(user) -> QuerySet[Case]:
    return Case.objects.filter(person__in=persons_visible_to(user))


def get_case_for_user(user, case_uuid, action: str = Action.MANAGE_CASE) -> Case:
    """The case, if its person is visible and the action allowed; 404 / 403 otherwise."""
    case = (
        cases_visible_to(user).select_related("person", "person__jurisdiction", "case_manager")
        .filter(uuid=case_uuid).first()
    )
    if case is None:
        refuse(user, case_uuid, action=action, not_found=True, object_type="cases.case")
    access = person_access(user, case.person)
    if not access.can(action):
        refuse(user, case_uuid, person=case.person, action=action, not_found=False,
               object_type="cases.case")
    case.person.access = access
    return case


def get_team_member(case: Case, member_uuid):
    """A member of a case already obtained through get_case_for_user."""
    from django.http import Http404

    member = case.team.select_related("user", "agency", "case__person").filter(
        uuid=member_uuid, ended_at__isnull=True).first()
    if member is None:
        raise Http404
    return member
