from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from alliance.core.client import client_address

from . import signin


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an administrator, never by self sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request) -> str:
        """The same address the audit trail records (core/client.py), for allauth's limits."""
        return client_address(request)

    def pre_authenticate(self, request, **credentials):
        """allauth refuses an address over its "login_failed" limit here, before any password
        is checked and so before Django's user_login_failed signal: record the refusal, then
        let allauth show its message."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            signin.record_failed_sign_in(username=credentials.get("username", ""),
                                         reason=signin.RATE_LIMITED)
            raise
