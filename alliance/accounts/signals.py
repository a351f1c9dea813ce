"""Sign-in and sign-out events belong in the audit trail (DOMAIN.md §13).

These are the one place the audit is fed by signals: authentication happens inside Django,
allauth and django-axes, where no service of ours runs. The refusals of allauth's per-address
limit never reach `authenticate()`; the account adapter records those (adapters.py).
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from alliance.core import audit
from alliance.core.models import AuditAction

from . import signin


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # authenticate() sends this once per failed attempt, whichever form called it (allauth's
    # sign-in, the admin's). The username typed is kept (it may be mistyped); the password never.
    reason = signin.LOCKED_OUT if signin.refused_by_lockout(request) else signin.BAD_CREDENTIALS
    signin.record_failed_sign_in(username=credentials.get("username", ""), reason=reason)


@receiver(user_locked_out)
def _locked_out(sender, request, username, **kwargs):
    # Axes sends this when a failure locks the account, and again for every attempt refused
    # while it stays locked; those are already LOGIN_FAILED events with the reason "locked_out".
    if not signin.refused_by_lockout(request):
        signin.record_lockout(username=username or "",
                              failures=getattr(request, "axes_failures_since_start", None))
