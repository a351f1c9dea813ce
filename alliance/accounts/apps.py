from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "alliance.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from alliance.core import audit

        # Start-up checks; sign-in events audited; sessions stamped with their sign-in time.
        from . import checks, sessions, signals  # noqa: F401
        from .access import profile_for

        audit.set_agency_resolver(lambda user: profile_for(user).primary_agency)
