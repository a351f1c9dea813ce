"""Every change to who may do what: memberships, roles, passwords, second factors.

Separation of duties (docs/data-protection.md): administrators configure, they never read cases,
and no administrator can give themselves, or anyone, wider access alone.
  * Nobody changes their own memberships.
  * A change that widens access (a role added, another sector, a membership activated) waits
    for a second administrator, who is neither the requester nor the member, to approve it.
    Narrowing (a role removed, a membership deactivated) takes effect at once.
  * The system administrator role is never combined with a casework or DPO role.
  * Administrators never set a password: they send a one-time reset link to the user's own
    address, and they may remove a user's second factors so that the user enrols again.
Each change is an audit event with the values before and after.

A change to what a user may do -- their account switched off, a role or sector changed, a
membership ended -- ends all their sessions and revokes their API tokens at once (sessions.py,
tokens.py): access never lingers in a browser or a script after it was withdrawn, and whatever
was widened is used only from a new sign-in.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.models import AuditAction

from . import sessions, tokens
from .access import can_administer
from .models import CASEWORK_ROLES, Membership, Role, User

# The administrator role excludes these (and they exclude it): whoever configures the system
# must not also read cases or audit the administrators.
EXCLUSIVE_OF_ADMINISTRATION = CASEWORK_ROLES | {Role.DATA_PROTECTION_OFFICER}


def _state(membership: Membership | None) -> dict:
    if membership is None or membership.pk is None:
        return {"roles": [], "sector": "", "is_active": False}
    return {"roles": sorted(membership.roles), "sector": membership.sector,
            "is_active": membership.is_active}


def _widens(before: dict, after: dict) -> bool:
    if not after["is_active"]:
        return False
    return (not before["is_active"] or bool(set(after["roles"]) - set(before["roles"]))
            or (after["sector"] != before["sector"] and bool(after["roles"])))


def role_conflict(user: User, roles, *, ignore: Membership | None = None) -> str:
    """Why `user` may not hold `roles` beside their other memberships ("" when they may)."""
    held = set(roles)
    others = Membership.objects.filter(user=user)
    if ignore is not None and ignore.pk:
        others = others.exclude(pk=ignore.pk)
    for m in others:
        held |= set(m.roles) if m.is_active else set()
        held |= set((m.requested or {}).get("roles", []))
    if user.is_superuser or Role.SYSTEM_ADMINISTRATOR in held:
        clash = held & EXCLUSIVE_OF_ADMINISTRATION
        if clash:
            return _("A system administrator cannot also hold a casework or data protection "
                     "role (separation of duties). Use two separate accounts.")
    return ""


def _require_administrator(actor, user: User) -> None:
    if not can_administer(actor):
        raise PermissionDenied(_("Only a system administrator changes accounts."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("Nobody changes their own memberships, roles or password: ask "
                                 "another administrator."))


def membership_check(*, actor, user: User, agency, roles, membership=None) -> None:
    """Raise PermissionDenied or ValidationError if this change may not be asked for at all
    (forms call it to show the reason before anything is saved)."""
    _require_administrator(actor, user)
    if membership is not None and membership.pk and membership.agency_id != agency.pk:
        raise ValidationError(_("A membership cannot move to another agency: end it and add a "
                                "new one."))
    conflict = role_conflict(user, roles, ignore=membership)
    if conflict:
        raise ValidationError(conflict)


@transaction.atomic
def membership_save(*, actor, user: User, agency, roles: list[str], sector: str,
                    is_active: bool, membership: Membership | None = None) -> Membership:
    """Create or change `user`'s membership of `agency`. What narrows access applies now; what
    widens it waits for a second administrator (see `membership_approve`)."""
    membership_check(actor=actor, user=user, agency=agency, roles=roles, membership=membership)
    if membership is not None and membership.pk:
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
    else:
        membership = Membership(user=user, agency=agency, roles=[], is_active=False)
    before = _state(membership)
    after = {"roles": sorted(set(roles)), "sector": sector, "is_active": is_active}
    pending = _widens(before, after)
    if pending:
        # Keep what was approved, less anything removed now; the rest waits.
        kept = [r for r in before["roles"] if r in after["roles"]]
        membership.roles = kept
        membership.is_active = before["is_active"] and bool(kept)
        membership.requested = after
        membership.requested_by, membership.requested_at = actor, timezone.now()
    else:
        membership.roles, membership.sector = after["roles"], after["sector"]
        membership.is_active = after["is_active"]
        membership.requested, membership.requested_by, membership.requested_at = None, None, None
    if not membership.roles and membership.requested is None:
        membership.is_active = False
    created = membership.pk is None
    membership.save()
    audit.record(actor=actor, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                 obj=membership, details={
                     "user": user.username, "agency": agency.name, "before": before,
                     "after": _state(membership), "requested": membership.requested,
                     "waiting_for_approval": pending})
    if _state(membership) != before:
        sign_out_everywhere(actor=actor, user=user, reason="roles_changed")
    return membership


@transaction.atomic
def membership_approve(*, actor, membership: Membership, approve: bool = True) -> Membership:
    """A second administrator approves (or rejects) a grant that waits. Refused to the one who
    asked for it and to the member themselves."""
    membership = Membership.objects.select_for_update().select_related("user", "agency").get(
        pk=membership.pk)
    if membership.requested is None:
        raise ValidationError(_("Nothing is waiting for approval on this membership."))
    if actor is not None:  # None: the `approve_grants` command, run on the server itself
        _require_administrator(actor, membership.user)
        if membership.requested_by_id == actor.pk:
            raise PermissionDenied(_("A grant is approved by a second administrator, not by the "
                                     "one who asked for it."))
    before, requested = _state(membership), membership.requested
    if approve:
        conflict = role_conflict(membership.user, requested["roles"], ignore=membership)
        if conflict:
            raise ValidationError(conflict)
        membership.roles, membership.sector = requested["roles"], requested["sector"]
        membership.is_active = requested["is_active"] and bool(requested["roles"])
    membership.requested, membership.requested_by, membership.requested_at = None, None, None
    membership.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=membership, details={
        "user": membership.user.username, "agency": membership.agency.name,
        "decision": "approved" if approve else "rejected", "requested": requested,
        "before": before, "after": _state(membership)})
    if _state(membership) != before:
        sign_out_everywhere(actor=actor, user=membership.user, reason="roles_changed")
    return membership


@transaction.atomic
def user_reactivated(*, actor, user: User) -> int:
    """An account switched back on gets its memberships back only through a second
    administrator: each active membership with roles waits for approval again (reactivation
    widens access as much as a new grant does). Returns how many wait."""
    _require_administrator(actor, user)
    waiting = 0
    for membership in Membership.objects.select_for_update().filter(user=user, is_active=True):
        if not membership.roles:
            continue
        before = _state(membership)
        membership.requested = before
        membership.requested_by, membership.requested_at = actor, timezone.now()
        membership.roles, membership.is_active = [], False
        membership.save()
        waiting += 1
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=membership, details={
            "user": user.username, "agency": membership.agency.name, "before": before,
            "after": _state(membership), "requested": membership.requested,
            "waiting_for_approval": True, "reason": "account_reactivated"})
    return waiting


@transaction.atomic
def membership_delete(*, actor, membership: Membership) -> None:
    _require_administrator(actor, membership.user)
    audit.record(actor=actor, action=AuditAction.DELETE, obj=membership, details={
        "user": membership.user.username, "agency": membership.agency.name,
        "before": _state(membership), "after": None})
    user = membership.user
    membership.delete()
    sign_out_everywhere(actor=actor, user=user, reason="roles_changed")


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    """Switch `user`'s account off: they can no longer sign in, and every session and API token
    they hold ends now."""
    _require_administrator(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=user, details={
            "user": user.username, "before": {"is_active": True}, "after": {"is_active": False}})
    user_deactivated(actor=actor, user=user)
    return user


@transaction.atomic
def user_deactivated(*, actor, user: User) -> None:
    """An account was switched off (by `user_deactivate`, or saved inactive in the admin):
    end its sessions and revoke its tokens."""
    _require_administrator(actor, user)
    sign_out_everywhere(actor=actor, user=user, reason="account_deactivated")


@transaction.atomic
def sign_out_everywhere(*, actor, user: User, reason: str) -> tuple[int, int]:
    """End every session of `user` and revoke all their API tokens, each recorded with
    `reason`. Returns (sessions ended, tokens revoked)."""
    ended = sessions.sessions_end_all(actor=actor, user=user, reason=reason)
    revoked = tokens.tokens_revoke_all(actor=actor, user=user, reason=reason)
    return ended, revoked


@transaction.atomic
def password_reset_send(*, actor, user: User, request) -> str:
    """End `user`'s current password and send a one-time reset link to their own address. The
    administrator never sees the link; the user chooses the new password. Returns the address."""
    from allauth.account.forms import ResetPasswordForm

    _require_administrator(actor, user)
    if settings.PRODUCTION and not settings.EMAIL_HOST:
        raise ValidationError(_("Mail is not configured on this server (EMAIL_HOST), so no reset "
                                "link can be sent. See docs/deployment.md."))
    if not user.email:
        raise ValidationError(_("This account has no email address. Add the user's own work "
                                "address first, then send the reset."))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    form = ResetPasswordForm(data={"email": user.email})
    if not form.is_valid():
        raise ValidationError(_("The reset could not be sent to %(email)s.") % {
            "email": user.email})
    form.users = [user]  # this account only, even if another shares the address
    form.save(request)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=user, details={
        "user": user.username, "password": "reset_link_sent", "sent_to": user.email})
    return user.email


@transaction.atomic
def second_factor_reset(*, actor, user: User) -> int:
    """Remove `user`'s second factors (authenticator app, recovery codes): they enrol again at
    their next sign-in. Returns how many were removed."""
    from allauth.mfa.models import Authenticator

    if actor is not None:  # None: the `reset_mfa` command, run on the server itself
        _require_administrator(actor, user)
    removed, _details = Authenticator.objects.filter(user=user).delete()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=user, details={
        "user": user.username, "second_factor": "reset", "removed": removed})
    return removed


def administration_conflicts() -> list[str]:
    """Usernames of active accounts that hold the administrator role (or are superusers) beside
    a casework or DPO role: production refuses to start while there are any."""
    names = []
    users = User.objects.filter(is_active=True).prefetch_related("memberships")
    for user in users:
        roles = set().union(*[set(m.roles) for m in user.memberships.all() if m.is_active])
        if (user.is_superuser or Role.SYSTEM_ADMINISTRATOR in roles) and (
                roles & EXCLUSIVE_OF_ADMINISTRATION):
            names.append(user.username)
    return names
