"""Who reads and writes the common methodology (the core/policy.py shape: one rule for the list
filter and the object check, for methodologies and for their versions).

The methodology holds no person-level data:

* every member of the knowledge base (entries/access.py `can_use_knowledge`) reads the
  **approved** versions, and the methodologies that have one;
* **drafts** are read and written (chapters added, changed, moved, removed) by the knowledge
  editors of any jurisdiction and by the regional coordinators;
* a **regional coordinator** creates a methodology, starts a new version and approves one;
* an approved version is **frozen**: no one changes it (the next version starts as its copy).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core.policy import NO_GRANT, Grant, get_for_user, refuse

from ..entries.access import can_use_knowledge
from ..models import Chapter, Methodology, MethodologyStatus, MethodologyVersion


class MethodologyAction:
    VIEW = "view"
    START_VERSION = "start_version"


class VersionAction:
    VIEW = "view"
    EDIT = "edit"  # write, add, move and remove chapters of a draft
    APPROVE = "approve"


def writes_drafts(user) -> bool:
    """Knowledge editors (any jurisdiction) and regional coordinators: they read and write the
    drafts."""
    if not can_use_knowledge(user):
        return False
    return profile_for(user).has_role(Role.KNOWLEDGE_EDITOR, Role.REGIONAL_COORDINATOR)


def assembles(user) -> bool:
    """Regional coordinators: they create methodologies, start and approve versions."""
    return can_use_knowledge(user) and profile_for(user).is_regional_coordinator


def require_member(user) -> None:
    """403 for an account with no active place (it reads nothing of the knowledge base)."""
    if not can_use_knowledge(user):
        raise PermissionDenied(_("The knowledge base is for staff with a place in an agency."))


def frozen_message() -> str:
    return _("This version is approved and frozen: start a new version to change it.")


def refusal_message(version, action: str) -> str:
    """Why `action` on a version the user sees is refused, in words they can act on."""
    if version.status == MethodologyStatus.APPROVED:
        return frozen_message()
    if action == VersionAction.APPROVE:
        return _("Only a regional coordinator approves a version of the methodology.")
    return _("Chapters are written by the knowledge editors and the regional coordinators.")


class MethodologyPolicy:
    object_type = "knowledge.methodology"

    def visible(self, user) -> QuerySet[Methodology]:
        if not can_use_knowledge(user):
            return Methodology.objects.none()
        if writes_drafts(user):
            return Methodology.objects.all()
        approved = MethodologyVersion.objects.filter(methodology=OuterRef("pk"),
                                                     status=MethodologyStatus.APPROVED)
        return Methodology.objects.filter(Exists(approved))

    def grant(self, user, methodology) -> Grant:
        if not can_use_knowledge(user):
            return NO_GRANT
        if not writes_drafts(user) and not methodology.versions.filter(
                status=MethodologyStatus.APPROVED).exists():
            return NO_GRANT
        actions = {MethodologyAction.VIEW}
        if assembles(user):
            actions.add(MethodologyAction.START_VERSION)
        return Grant(actions=frozenset(actions))

    def person_of(self, methodology):
        return None


class VersionPolicy:
    """The version-level grant: what a user may do with one version."""

    object_type = "knowledge.methodologyversion"

    def visible(self, user) -> QuerySet[MethodologyVersion]:
        if not can_use_knowledge(user):
            return MethodologyVersion.objects.none()
        if writes_drafts(user):
            return MethodologyVersion.objects.all()
        return MethodologyVersion.objects.filter(status=MethodologyStatus.APPROVED)

    def grant(self, user, version) -> Grant:
        if not can_use_knowledge(user):
            return NO_GRANT
        draft = version.status == MethodologyStatus.DRAFT
        writer = writes_drafts(user)
        if draft and not writer:
            return NO_GRANT
        actions = {VersionAction.VIEW}
        if draft:
            actions.add(VersionAction.EDIT)
            if assembles(user):
                actions.add(VersionAction.APPROVE)
        return Grant(actions=frozenset(actions))

    def person_of(self, version):
        return None


methodologies = MethodologyPolicy()
versions = VersionPolicy()


def methodologies_visible_to(user) -> QuerySet[Methodology]:
    return methodologies.visible(user)


def versions_visible_to(user) -> QuerySet[MethodologyVersion]:
    return versions.visible(user)


def get_methodology_for_user(user, methodology_uuid, action: str = MethodologyAction.VIEW
                             ) -> tuple[Methodology, Grant]:
    """The methodology and the user's grant: 404 when not visible, 403 when the action is not
    theirs; refusals audited by core.policy."""
    return get_for_user(
        methodologies, user, methodology_uuid, action,
        not_found_message=_("No such methodology, or not one you may see."),
        forbidden_message=_("New versions of the methodology are started by the regional "
                            "coordinators."))


def get_version_for_user(user, version_uuid, action: str = VersionAction.VIEW
                         ) -> tuple[MethodologyVersion, Grant]:
    """The version and the user's grant: 404 when not visible (a draft, to a reader of approved
    versions only), 403 with the reason when the action is not theirs (a frozen version, an
    approval by someone other than a coordinator)."""
    version, grant = get_for_user(
        versions, user, version_uuid, VersionAction.VIEW,
        queryset=MethodologyVersion.objects.select_related(
            "methodology", "based_on", "created_by", "approved_by"),
        not_found_message=_("No such version of the methodology, or not one you may see."))
    if not grant.can(action):
        refuse(user, version.uuid, action=action, not_found=False,
               object_type=versions.object_type, message=refusal_message(version, action))
    return version, grant


def get_chapter_for_user(user, chapter_uuid, action: str = VersionAction.VIEW, *,
                         version: MethodologyVersion | None = None
                         ) -> tuple[Chapter, Grant]:
    """A chapter of a version the user sees (of `version`, when given), with the user's grant
    for that version: 404 otherwise, 403 with the reason when the action is not theirs."""
    chapter = (Chapter.objects.select_related("methodology_version__methodology", "edited_by")
               .filter(uuid=chapter_uuid, methodology_version__in=versions.visible(user))
               .first())
    if chapter is None or (version is not None
                           and chapter.methodology_version_id != version.pk):
        refuse(user, chapter_uuid, action=action, not_found=True, object_type="knowledge.chapter",
               message=_("No such chapter, or not one you may see."))
    grant = versions.grant(user, chapter.methodology_version)
    if not grant.can(action):
        refuse(user, chapter.uuid, action=action, not_found=False,
               object_type="knowledge.chapter",
               message=refusal_message(chapter.methodology_version, action))
    return chapter, grant
