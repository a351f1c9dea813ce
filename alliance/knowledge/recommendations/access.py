"""Who reads and sets where each jurisdiction stands on a recommendation.

A recommendation is a published knowledge entry of the kind "recommendation" (a draft, reviewed
or withdrawn one is not tracked: 404 here, whatever the entry's own policy says). Every member
of the knowledge base (entries/access.py `can_use_knowledge`) reads the adoption table. A
jurisdiction's status is set by that jurisdiction's knowledge editors, and by the regional
coordinators for any jurisdiction.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core.policy import NO_GRANT, Grant, get_for_user, refuse
from alliance.organisations.models import Jurisdiction

from ..entries.access import can_use_knowledge, published_entries
from ..models import EntryKind, EntryStatus, KnowledgeEntry


class RecommendationAction:
    VIEW = "view"
    SET_ADOPTION = "set_adoption"  # for at least one jurisdiction (see editable_jurisdictions)


def editable_jurisdictions(user) -> set[int]:
    """The ids of the jurisdictions whose adoption status `user` sets: every jurisdiction for a
    regional coordinator, their own for a knowledge editor, none for anyone else."""
    if not can_use_knowledge(user):
        return set()
    profile = profile_for(user)
    if profile.is_regional_coordinator:
        return set(Jurisdiction.objects.values_list("pk", flat=True))
    return {g.jurisdiction_id for g in profile.grants_with(Role.KNOWLEDGE_EDITOR)
            if g.jurisdiction_id is not None}


def require_member(user) -> None:
    """403 for an account with no active place (it reads nothing of the knowledge base)."""
    if not can_use_knowledge(user):
        raise PermissionDenied(_("The knowledge base is for staff with a place in an agency."))


class RecommendationPolicy:
    object_type = "knowledge.knowledgeentry"

    def visible(self, user) -> QuerySet[KnowledgeEntry]:
        if not can_use_knowledge(user):
            return KnowledgeEntry.objects.none()
        return published_entries().filter(kind=EntryKind.RECOMMENDATION)

    def grant(self, user, entry) -> Grant:
        # The same rule as `visible`: a published recommendation, for a member.
        if (not can_use_knowledge(user) or entry.kind != EntryKind.RECOMMENDATION
                or entry.status != EntryStatus.PUBLISHED):
            return NO_GRANT
        actions = {RecommendationAction.VIEW}
        if editable_jurisdictions(user):
            actions.add(RecommendationAction.SET_ADOPTION)
        return Grant(actions=frozenset(actions))

    def person_of(self, entry):
        return None


recommendations = RecommendationPolicy()


def recommendations_visible_to(user) -> QuerySet[KnowledgeEntry]:
    return recommendations.visible(user)


def get_recommendation_for_user(user, entry_uuid, action: str = RecommendationAction.VIEW
                                ) -> tuple[KnowledgeEntry, Grant]:
    """The published recommendation and the user's grant: 404 when it is not one (or the user
    has no place), 403 when the action is not theirs; refusals audited."""
    return get_for_user(
        recommendations, user, entry_uuid, action,
        queryset=KnowledgeEntry.objects.select_related("jurisdiction"),
        not_found_message=_("No such recommendation: only published recommendations are "
                            "tracked."),
        forbidden_message=_("Adoption is recorded by the jurisdiction's knowledge editors and "
                            "the regional coordinators."))


def get_adoption_target_for_user(user, entry_uuid, jurisdiction_code: str
                                 ) -> tuple[KnowledgeEntry, Jurisdiction]:
    """The recommendation and the jurisdiction whose status `user` is about to set: 404 for a
    recommendation they do not see or an unknown jurisdiction, 403 (audited) when the
    jurisdiction is not theirs to set."""
    entry, _grant = get_recommendation_for_user(user, entry_uuid)
    jurisdiction = Jurisdiction.objects.filter(code__iexact=jurisdiction_code or "").first()
    if jurisdiction is None:
        raise Http404(_("No such jurisdiction."))
    if jurisdiction.pk not in editable_jurisdictions(user):
        refuse(user, entry.uuid, action=RecommendationAction.SET_ADOPTION, not_found=False,
               object_type=recommendations.object_type,
               message=_("Only the knowledge editors of %(jurisdiction)s and the regional "
                         "coordinators record where %(jurisdiction)s stands.") % {
                   "jurisdiction": jurisdiction})
    return entry, jurisdiction
