"""Sign-in limits and their place in the audit trail.

Two limits, so that one person's mistakes never lock a whole prison out: its staff often share
one outgoing address.

* Per account: django-axes locks a username for AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT
  failed sign-ins, from any address; a successful sign-in or `unlock` clears the count.
* Per address: allauth's "login_failed" rate limit, set far higher (ACCOUNT_RATE_LIMITS), stops
  one address from trying many accounts.

Both counts live where every server process sees them: axes in its database tables, allauth in
the database cache (CACHES). Every refused sign-in is one LOGIN_FAILED audit event filed under the
agency of the account the typed username names, so that account's data protection officer sees
it; the password is never stored.
"""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, When
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.models import AuditAction, AuditEvent, AuditOutcome

from .access import can_administer, profile_for
from .models import Membership

# Why a sign-in was refused (details["reason"] of a LOGIN_FAILED event).
BAD_CREDENTIALS = "bad_credentials"
RATE_LIMITED = "rate_limited"
LOCKED_OUT = "locked_out"


def lockout_key(username: str) -> str:
    """The name axes counts an account's failures under. allauth signs in case-insensitively,
    so "Ana" and "ANA" must share one count, or each spelling would get its own tries."""
    return username.lower()


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the lockout key of the username being signed in with."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        # Without credentials axes reads the form: allauth's field is "login", the admin's
        # "username".
        username = request.POST.get("username") or request.POST.get("login")
    return lockout_key(str(username)) if username else None


def refused_by_lockout(request) -> bool:
    """Whether axes refused this attempt because the account was already locked.

    With AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off, axes' backend flags the request
    before any password is checked and does not count the attempt; a failure that axes counted
    (including the one that locks the account) carries its failure count instead."""
    return (bool(getattr(request, "axes_locked_out", False))
            and getattr(request, "axes_failures_since_start", None) is None)


def account_named(username: str):
    """The account a typed username names, found as allauth finds it (case-insensitively; the
    exact spelling first), or None. One query, whether or not there is such an account."""
    users = get_user_model().objects
    return (users.filter(username__iexact=username or "")
            .order_by(Case(When(username=username, then=0), default=1), "pk").first())


def _agency_of(account):
    """The agency an attempt on `account` is filed under: its first active membership's, as
    `profile_for(...).primary_agency`. Always one query, with no account too: a refused sign-in
    does the same database work for an unknown name as for a wrong password (see below)."""
    membership = (Membership.objects
                  .filter(user_id=account.pk if account is not None else None,
                          user__is_active=True, is_active=True, agency__is_active=True)
                  .select_related("agency").order_by("id").first())
    return membership.agency if membership is not None else None


def _record_about(*, username: str, action: str, outcome: str, details: dict) -> AuditEvent:
    # The account, not the (absent) actor, decides the agency: the DPO of the jurisdiction
    # whose staff member owns the account reads the attempts on it.
    #
    # An unknown name and a wrong password must be indistinguishable to whoever tries them:
    # the same answer, the same password hashing (Django's and allauth's backends hash the
    # password for an unknown name too) and the same queries here, so that the time taken does
    # not tell whether the account exists.
    account = account_named(username)
    return audit.record(actor=None, action=action, obj=account, agency=_agency_of(account),
                        outcome=outcome, details={"username": username[:150], **details})


def record_failed_sign_in(*, username: str, reason: str) -> AuditEvent:
    """Record one refused sign-in: bad credentials, the address over its limit, or the account
    locked. Called outside any transaction that the refusal rolls back."""
    return _record_about(username=str(username or ""), action=AuditAction.LOGIN_FAILED,
                         outcome=AuditOutcome.DENIED, details={"reason": reason})


def record_lockout(*, username: str, failures: int | None) -> AuditEvent:
    """Record the moment an account becomes locked."""
    return _record_about(username=str(username or ""), action=AuditAction.LOCKOUT,
                         outcome=AuditOutcome.SUCCESS, details={"failures": failures})


@transaction.atomic
def unlock(*, actor, user) -> int:
    """Clear `user`'s failed sign-ins so the account can sign in at once, and record who did it.

    Only a system administrator may. Returns how many of axes' attempt records were removed
    (0 when the account was not locked; the event is written either way)."""
    if not can_administer(actor):
        raise PermissionDenied(_("Only a system administrator can unlock an account."))
    cleared = axes_reset(username=lockout_key(user.get_username()))
    # Filed under the account's agency like the lockout itself; with none, the actor's.
    audit.record(actor=actor, action=AuditAction.UNLOCK, obj=user,
                 agency=profile_for(user).primary_agency,
                 details={"username": user.get_username(), "attempts_cleared": cleared})
    return cleared


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page a locked account's owner sees (429): when the lock ends,
    and that their administrator can lift it sooner. Shown for any name that is locked, an
    account or not, so it tells nobody whether an account exists."""
    cool_off = get_cool_off(request)
    username = lockout_username(request, credentials) or ""
    attempt = (AccessAttempt.objects.filter(username=username).order_by("-attempt_time")
               .first() if username else None)
    started = attempt.attempt_time if attempt is not None else timezone.now()
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "locked_until": started + cool_off if cool_off else None,
    }, status=settings.AXES_HTTP_RESPONSE_CODE)
