"""Who works on retention: the data protection officers. A DPO of an agency in a jurisdiction
sets that jurisdiction's periods and reviews its people; a DPO of an agency with no
jurisdiction (the system-level DPO) does so for every jurisdiction. Nobody else sees any of it.

One rule (`dpo_jurisdictions`) gives both the list filter and the object check."""

from django.db.models import QuerySet

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.organisations.models import Jurisdiction

from .models import ReviewItem

ALL = "all"


def dpo_jurisdictions(user):
    """ALL for a system-level DPO, else the ids of the jurisdictions the user is DPO of (an
    empty set for anyone who is no DPO)."""
    if not (user.is_authenticated and user.is_active):
        return set()
    grants = profile_for(user).grants_with(Role.DATA_PROTECTION_OFFICER)
    if any(g.jurisdiction_id is None for g in grants):
        return ALL
    return {g.jurisdiction_id for g in grants}


def can_use_retention(user) -> bool:
    return bool(dpo_jurisdictions(user))


def jurisdictions_for(user) -> QuerySet[Jurisdiction]:
    """The jurisdictions whose periods and reviews the user handles."""
    scope = dpo_jurisdictions(user)
    if scope == ALL:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(pk__in=scope)


def can_manage_jurisdiction(user, jurisdiction) -> bool:
    scope = dpo_jurisdictions(user)
    return scope == ALL or jurisdiction.pk in scope


class ReviewItemPolicy:
    """Review items of the people of the DPO's jurisdictions; the DPO decides them."""

    object_type = "retention.reviewitem"

    def visible(self, user) -> QuerySet[ReviewItem]:
        scope = dpo_jurisdictions(user)
        if not scope:
            return ReviewItem.objects.none()
        items = ReviewItem.objects.select_related("person", "person__jurisdiction")
        return items if scope == ALL else items.filter(person__jurisdiction_id__in=scope)

    def grant(self, user, item) -> Grant:
        if can_manage_jurisdiction(user, item.person.jurisdiction):
            return Grant(actions=frozenset({"view", "decide"}))
        return NO_GRANT

    def person_of(self, item):
        return item.person


review_items = ReviewItemPolicy()


def get_review_item_for_user(user, uuid, action: str = "view"):
    """The one way to load a review item: 404 unless the user is DPO of its jurisdiction."""
    return get_for_user(review_items, user, uuid, action)
