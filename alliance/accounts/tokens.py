"""API tokens (knox): made, listed and revoked here only.

A token expires API_TOKEN_TTL_HOURS after it was made (8 hours by default: one shift); knox
refuses an expired one (401) and deletes it. Only a hash of the key is stored: the key is shown
once, when the token is made, and never again. A token is named on pages and in the audit trail
by `token_id`, a keyed hash of its stored digest, so that neither the key nor any part of it, nor
the digest knox checks keys against, leaves the server.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import knox_settings

from alliance.core import audit
from alliance.core.models import AuditAction

from .access import can_administer, profile_for

OBJECT_TYPE = "knox.authtoken"


@dataclass(frozen=True)
class TokenRow:
    """One of a user's tokens as their account page lists it: no key."""

    id: str
    created: datetime
    expires: datetime | None


def ttl_hours() -> int:
    """How long a new token lasts, in hours."""
    ttl = knox_settings.TOKEN_TTL
    return int(ttl.total_seconds() // 3600) if ttl else 0


def token_id(token: AuthToken) -> str:
    """The public name of a token (in pages, forms and the audit trail)."""
    return salted_hmac("alliance.accounts.tokens", token.digest).hexdigest()[:20]


def tokens_of(user) -> list[TokenRow]:
    """`user`'s tokens that still work, newest first."""
    now = timezone.now()
    tokens = AuthToken.objects.filter(user_id=user.pk).order_by("-created")
    return [TokenRow(id=token_id(t), created=t.created, expires=t.expiry)
            for t in tokens if t.expiry is None or t.expiry > now]


@transaction.atomic
def token_create(*, actor, user, via: str = "account_page") -> str:
    """Make an API token for `user` and return its key (shown once; only its hash is kept).

    Users make their own (the account page asks them to re-authenticate first); `actor` None
    is the server's `issue_api_token` command, run by whoever runs the server."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("Each user makes their own API tokens."))
    if not user.is_active:
        raise PermissionDenied(_("This account is not active."))
    token, key = AuthToken.objects.create(user=user)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=None, object_type=OBJECT_TYPE,
                 object_uuid=token_id(token), agency=_agency_of(user), details={
                     "for_user": user.get_username(), "via": via,
                     "expires": token.expiry.isoformat() if token.expiry else None})
    return key


def _agency_of(user):
    # The token's owner's agency files the event, whoever acts (an administrator, the server).
    return profile_for(user).primary_agency


@transaction.atomic
def token_revoke(*, actor, user, token: str) -> None:
    """Revoke one of `user`'s tokens, named by `token_id`: from then on it is refused (401).
    The owner or a system administrator may; a name that is not one of `user`'s tokens is not
    found."""
    if actor is not None and actor.pk != user.pk and not can_administer(actor):
        raise PermissionDenied(_("Only the token's owner or a system administrator can revoke "
                                 "it."))
    found = [t for t in AuthToken.objects.select_for_update().filter(user_id=user.pk)
             if token_id(t) == token]
    if not found:
        raise Http404(_("No such token."))
    found[0].delete()
    audit.record(actor=actor, action=AuditAction.DELETE, object_type=OBJECT_TYPE,
                 object_uuid=token, agency=_agency_of(user),
                 details={"for_user": user.get_username(), "reason": "revoked"})


@transaction.atomic
def tokens_revoke_all(*, actor, user, reason: str) -> int:
    """Revoke every token of `user` (the account or its roles changed). Returns how many."""
    if actor is not None and actor.pk != user.pk and not can_administer(actor):
        raise PermissionDenied(_("Only the token's owner or a system administrator can revoke "
                                 "it."))
    ids = [token_id(t) for t in AuthToken.objects.filter(user_id=user.pk)]
    AuthToken.objects.filter(user_id=user.pk).delete()
    if ids:
        audit.record(actor=actor, action=AuditAction.DELETE, object_type=OBJECT_TYPE,
                     object_uuid="", agency=_agency_of(user), details={
                         "for_user": user.get_username(), "reason": reason, "tokens": ids})
    return len(ids)
