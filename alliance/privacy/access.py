"""Who may exercise data-subject rights on whose record: the data protection officer of the
person's jurisdiction (people/restriction.py states the rule once). A system-level DPO (an agency
with no jurisdiction) reads the events tied to no jurisdiction and handles no person, as in the
audit trail (site/audit_trail.py)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.people.models import Person
from alliance.people.restriction import dpo_may_handle


class Action:
    VIEW = "view"  # what is held: the preview (counts, what is withheld)
    EXPORT = "export"  # the subject access export
    RESTRICT = "restrict"  # restrict and lift


def can_use_privacy(user) -> bool:
    return user.is_authenticated and profile_for(user).is_dpo


def dpo_jurisdictions(user) -> set[int]:
    return {g.jurisdiction_id for g in profile_for(user).grants_with(
        Role.DATA_PROTECTION_OFFICER) if g.jurisdiction_id}


class SubjectPolicy:
    """The people whose rights a DPO handles (core/policy.py): those of their jurisdictions.
    Its actions are the DPO's; the restriction check does not apply to them (they do not write
    the person's data, and the restriction itself runs in people/restriction.bypass)."""

    object_type = "people.person"

    def visible(self, user) -> QuerySet[Person]:
        if not can_use_privacy(user):
            return Person.objects.none()
        return Person.objects.filter(jurisdiction_id__in=dpo_jurisdictions(user))

    def grant(self, user, person) -> Grant:
        if dpo_may_handle(user, person):
            return Grant(actions=frozenset({Action.VIEW, Action.EXPORT, Action.RESTRICT}))
        return NO_GRANT

    def person_of(self, person):
        # None: a DPO handling a restricted record is not asked a purpose (the request is the
        # purpose) and may restrict or lift; the refusals still name the person (refuse()).
        return None


subjects = SubjectPolicy()


def get_subject_for_user(user, person_uuid, action: str = Action.VIEW):
    """The person, if `user` is the DPO of their jurisdiction (404 otherwise, audited)."""
    return get_for_user(subjects, user, person_uuid, action,
                        not_found_message=_("No such person in your jurisdiction."))


def find_subject(user, reference: str):
    """The person with this reference in the DPO's jurisdictions, or None."""
    return subjects.visible(user).filter(reference=reference.strip().upper()).first()
