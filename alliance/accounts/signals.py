"""Sign-in and sign-out events belong in the audit trail (DOMAIN.md §13).

These are the one place the audit is fed by signals: authentication happens inside Django and
allauth, where no service of ours runs.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from alliance.core import audit
from alliance.core.models import AuditAction, AuditOutcome


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The username typed is kept (it may be wrong or mistyped); the password never.
    audit.record(actor=None, action=AuditAction.LOGIN_FAILED, outcome=AuditOutcome.DENIED,
                 details={"username": str(credentials.get("username", ""))[:150]})
