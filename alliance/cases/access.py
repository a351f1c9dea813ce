"""Cases are seen through their person: the same visibility and grant (people/access.py)."""

from django.db.models import QuerySet
from django.http import Http404

from alliance.core import audit
from alliance.core.policy import Grant, get_for_user
from alliance.people.access import Action, persons, visible_condition

from .models import Case


class CasePolicy:
    object_type = "cases.case"

    def visible(self, user) -> QuerySet[Case]:
        return Case.objects.filter(visible_condition(user, "person__"))

    def grant(self, user, case) -> Grant:
        return persons.grant(user, case.person)

    def person_of(self, case):
        return case.person


cases = CasePolicy()


def cases_visible_to(user) -> QuerySet[Case]:
    return cases.visible(user)


def get_case_for_user(user, case_uuid, action: str = Action.MANAGE_CASE) -> tuple[Case, Grant]:
    """The case and the grant on its person, if visible and the action allowed (404 / 403)."""
    case, grant = get_for_user(
        cases, user, case_uuid, action,
        queryset=Case.objects.select_related("person", "person__jurisdiction", "case_manager"))
    audit.consulted(actor=user, obj=case, agency=grant.agency)
    return case, grant


def get_team_member(case: Case, member_uuid):
    """A current member of a case already obtained through get_case_for_user."""
    member = case.team.select_related("user", "agency", "case__person").filter(
        uuid=member_uuid, ended_at__isnull=True).first()
    if member is None:
        raise Http404
    return member
