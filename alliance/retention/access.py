"""Who works on retention: the data protection officers. A DPO of an agency in a jurisdiction
sets that jurisdiction's periods and reviews its people. A DPO of an agency with no
jurisdiction (the system-level DPO) handles no person (as for subject access, privacy/access.py):
periods and erasure are each jurisdiction's, under its own law. Nobody else sees any of it.

One rule (`dpo_jurisdictions`) gives both the list filter and the object check."""

from django.db.models import QuerySet

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.organisations.models import Jurisdiction

from .models import ErasureRecord, ReviewItem


def dpo_jurisdictions(user) -> set[int]:
    """The ids of the jurisdictions the user is DPO of (an empty set for anyone who is no DPO
    of a jurisdiction, the system-level DPO included)."""
    if not (user.is_authenticated and user.is_active):
        return set()
    grants = profile_for(user).grants_with(Role.DATA_PROTECTION_OFFICER)
    return {g.jurisdiction_id for g in grants if g.jurisdiction_id is not None}


def can_use_retention(user) -> bool:
    return bool(dpo_jurisdictions(user))


def jurisdictions_for(user) -> QuerySet[Jurisdiction]:
    """The jurisdictions whose periods and reviews the user handles."""
    return Jurisdiction.objects.filter(pk__in=dpo_jurisdictions(user))


def can_manage_jurisdiction(user, jurisdiction) -> bool:
    return jurisdiction.pk in dpo_jurisdictions(user)


class ReviewItemPolicy:
    """Review items of the people of the DPO's jurisdictions; the DPO decides them."""

    object_type = "retention.reviewitem"

    def visible(self, user) -> QuerySet[ReviewItem]:
        scope = dpo_jurisdictions(user)
        if not scope:
            return ReviewItem.objects.none()
        items = ReviewItem.objects.select_related("person", "person__jurisdiction")
        return items.filter(person__jurisdiction_id__in=scope)

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


def erasures_visible_to(user) -> QuerySet[ErasureRecord]:
    """The erasure register's entries about the people of the user's DPO jurisdictions (none
    for anyone else, the system-level DPO included)."""
    return ErasureRecord.objects.filter(
        person__jurisdiction_id__in=dpo_jurisdictions(user)).select_related(
        "performed_by", "person")
