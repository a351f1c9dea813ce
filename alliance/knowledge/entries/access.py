"""Who reads and changes knowledge entries (the core/policy.py shape: one rule for the list
filter and the object check).

An entry holds no person-level data, so every account with an active place may write one; what
it may read follows the entry's status:

* **draft**: its author; once submitted for review, also the reviewers of its jurisdiction;
* **reviewed**: everyone with a place in its jurisdiction (a regional entry: the regional
  programme's staff), and every regional coordinator (who publishes);
* **published**: everyone signed in with a place, in every jurisdiction;
* **withdrawn**: its author, the reviewers of its jurisdiction and the regional coordinators.

**Reviewers** of a jurisdiction are its knowledge editors (Role.KNOWLEDGE_EDITOR); of a
regional entry (no jurisdiction), the regional programme's knowledge editors and the regional
coordinators. A reviewer never reviews their own entry (four eyes). **Regional coordinators**
publish reviewed entries for the region and withdraw published ones.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core.policy import NO_GRANT, Grant, get_for_user

from ..models import EntryStatus, KnowledgeEntry


class EntryAction:
    VIEW = "view"
    EDIT = "edit"  # the original text and the metadata (author, draft)
    DELETE = "delete"  # a draft never reviewed (author)
    ATTACH = "attach"  # add or remove attachments (author, draft)
    TRANSLATE = "translate"  # add or change a translation
    LINK = "link"  # link interventions of the catalogue
    SUBMIT = "submit"
    REVIEW = "review"  # mark reviewed, or return to the author with a note
    PUBLISH = "publish"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class KnowledgeReach:
    """What a user's places give them in the knowledge base."""

    member: bool  # an active place anywhere: reads published entries, writes drafts
    jurisdictions: frozenset  # where they have a place (None: the regional programme)
    reviews: frozenset  # the jurisdictions whose entries they review (None: regional ones)
    coordinator: bool  # a regional coordinator: publishes and withdraws


NO_REACH = KnowledgeReach(False, frozenset(), frozenset(), False)


def knowledge_reach(user) -> KnowledgeReach:
    if not user.is_authenticated or not user.is_active:
        return NO_REACH
    cached = getattr(user, "_alliance_knowledge_reach", None)
    if cached is not None:
        return cached
    profile = profile_for(user)
    coordinator = profile.is_regional_coordinator
    reviews = {g.jurisdiction_id for g in profile.grants_with(Role.KNOWLEDGE_EDITOR)}
    if coordinator:
        reviews.add(None)
    reach = KnowledgeReach(
        member=bool(profile.grants) or user.is_superuser,
        jurisdictions=frozenset(g.jurisdiction_id for g in profile.grants),
        reviews=frozenset(reviews), coordinator=coordinator)
    user._alliance_knowledge_reach = reach
    return reach


def _in(field: str, ids: frozenset) -> Q:
    """`field` among `ids`, where None in `ids` stands for "no jurisdiction"."""
    condition = Q(**{f"{field}__in": sorted(i for i in ids if i is not None)})
    if None in ids:
        condition |= Q(**{f"{field}__isnull": True})
    return condition


def can_use_knowledge(user) -> bool:
    """Everyone with an active place reads the knowledge base and writes entries (the nav)."""
    return knowledge_reach(user).member


def is_reviewer(user) -> bool:
    return bool(knowledge_reach(user).reviews)


class EntryPolicy:
    object_type = "knowledge.knowledgeentry"

    def visible(self, user) -> QuerySet[KnowledgeEntry]:
        reach = knowledge_reach(user)
        if not reach.member:
            return KnowledgeEntry.objects.none()
        condition = Q(status=EntryStatus.PUBLISHED) | Q(author=user)
        reviewer = _in("jurisdiction_id", reach.reviews) if reach.reviews else None
        if reviewer is not None:
            condition |= reviewer & (Q(status=EntryStatus.DRAFT, submitted_at__isnull=False)
                                     | Q(status=EntryStatus.WITHDRAWN))
        if reach.coordinator:
            condition |= Q(status__in=[EntryStatus.REVIEWED, EntryStatus.WITHDRAWN])
        elif reach.jurisdictions:
            condition |= Q(status=EntryStatus.REVIEWED) & _in("jurisdiction_id",
                                                              reach.jurisdictions)
        return KnowledgeEntry.objects.filter(condition)

    def grant(self, user, entry) -> Grant:
        reach = knowledge_reach(user)
        if not reach.member:
            return NO_GRANT
        author = entry.author_id == user.pk
        reviewer = entry.jurisdiction_id in reach.reviews
        status = entry.status
        submitted = entry.submitted_at is not None
        visible = (status == EntryStatus.PUBLISHED or author
                   or (reviewer and (submitted or status == EntryStatus.WITHDRAWN))
                   or (status in (EntryStatus.REVIEWED, EntryStatus.WITHDRAWN)
                       and reach.coordinator)
                   or (status == EntryStatus.REVIEWED
                       and entry.jurisdiction_id in reach.jurisdictions))
        if not visible:
            return NO_GRANT
        actions = {EntryAction.VIEW}
        if author and status == EntryStatus.DRAFT:
            actions |= {EntryAction.EDIT, EntryAction.ATTACH, EntryAction.DELETE}
            if not submitted:
                actions.add(EntryAction.SUBMIT)
        if status != EntryStatus.WITHDRAWN and (author or reviewer or reach.coordinator):
            actions |= {EntryAction.TRANSLATE, EntryAction.LINK}
        if reviewer and not author and status == EntryStatus.DRAFT and submitted:
            actions.add(EntryAction.REVIEW)
        if reach.coordinator and status == EntryStatus.REVIEWED:
            actions.add(EntryAction.PUBLISH)
        if reach.coordinator and status in (EntryStatus.REVIEWED, EntryStatus.PUBLISHED):
            actions.add(EntryAction.WITHDRAW)
        return Grant(actions=frozenset(actions))

    def person_of(self, entry):
        return None


entries = EntryPolicy()


def entries_visible_to(user) -> QuerySet[KnowledgeEntry]:
    return entries.visible(user)


def get_entry_for_user(user, entry_uuid, action: str = EntryAction.VIEW
                       ) -> tuple[KnowledgeEntry, Grant]:
    """The entry and the user's grant, if visible (else 404) and the action allowed (else 403);
    refusals are audited by core.policy."""
    return get_for_user(
        entries, user, entry_uuid, action,
        queryset=KnowledgeEntry.objects.select_related("jurisdiction", "agency", "author",
                                                       "reviewed_by", "published_by"),
        not_found_message=_("No such entry, or not one you may see."),
        forbidden_message=_("You may read this entry but not do that."))


def published_entries() -> QuerySet[KnowledgeEntry]:
    """What the methodology cites, meetings present and the catalogue links: published entries
    (every member reads them)."""
    return KnowledgeEntry.objects.filter(status=EntryStatus.PUBLISHED)
